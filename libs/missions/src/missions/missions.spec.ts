import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DatabaseConfig } from '@brain/config';
import { OutboundOptionsModule, OutboundPolicy } from '@brain/outbound';
import { STORAGE, type Storage, StorageModule } from '@brain/storage';
import { QueueRegistry, TaskClient, TaskInputError, TasksModule } from '@brain/tasks';
import { dropTestDatabase, eachDialect } from '../../../../test/support/databases';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/redis';
import { MAX_BODY_BYTES, parseSteps } from './mission-steps';
import { MissionExistsError, MissionStore } from './mission.store';
import { MissionsModule } from '../missions.module';

const MISSION_TASKS = 'backend.app.tasks.mission_tasks';
const DAY = 86_400_000;
const MINUTE = 60_000;

describe('parseSteps', () => {
  it('accepts the three step types and fills defaults', () => {
    expect(
      parseSteps({
        steps: [
          { type: 'wait', seconds: 0 },
          { type: 'http', url: 'http://localhost/x', method: 'post', body: { a: 1 } },
          { type: 'compute', op: 'sum', values: [1, 2] },
        ],
      }),
    ).toEqual([
      { type: 'wait', seconds: 0 },
      {
        type: 'http',
        url: 'http://localhost/x',
        method: 'POST',
        body: { a: 1 },
        timeout_seconds: 10,
      },
      { type: 'compute', op: 'sum', values: [1, 2] },
    ]);
    expect(parseSteps({})).toEqual([]);
  });

  it.each([
    [{ steps: 'x' }, 'payload.steps'],
    [{ steps: [{ type: 'dance' }] }, 'payload.steps[0].type'],
    [{ steps: [{ type: 'wait', seconds: -1 }] }, 'payload.steps[0].seconds'],
    [
      {
        steps: [
          { type: 'compute', op: 'sum', values: [1] },
          { type: 'http', url: 'ftp://x' },
        ],
      },
      'payload.steps[1].url',
    ],
    [{ steps: [{ type: 'compute', op: 'mul', values: [] }] }, 'payload.steps[0].op'],
    [{ steps: [{ type: 'compute', op: 'sum', values: ['1'] }] }, 'payload.steps[0].values'],
    [{ notify: ['a@example.com'] }, 'payload.notify'],
    [{ notify: { recipients: [] } }, 'payload.notify.recipients'],
    [
      { notify: { recipients: ['x'], notification_type: 'webhook' } },
      'payload.notify.recipients[0]',
    ],
  ])('refuses %j naming %s', (payload, field) => {
    let error: unknown;
    try {
      parseSteps(payload);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TaskInputError);
    expect((error as TaskInputError).field).toBe(field);
  });

  it('refuses URLs at internal address literals (or localhost) not allowlisted, naming the field', () => {
    const policy = new OutboundPolicy('10.9.0.0/16');
    const refusal = (payload: Record<string, unknown>) => {
      try {
        parseSteps(payload, policy);
      } catch (err) {
        return [(err as TaskInputError).field, (err as Error).message];
      }
      return undefined;
    };
    const http = (url: string) => ({ steps: [{ type: 'http', url }] });
    expect(refusal(http('http://127.0.0.1:8080/x'))).toEqual([
      'payload.steps[0].url',
      'payload.steps[0].url is refused: 127.0.0.1 is a loopback address (see OUTBOUND_ALLOW)',
    ]);
    expect(refusal(http('http://[::1]/'))?.[1]).toMatch(/::1 is a loopback address/);
    expect(refusal(http('http://169.254.169.254/latest'))?.[1]).toMatch(/link-local/);
    expect(refusal(http('http://localhost/'))?.[1]).toMatch(/localhost is a loopback host name/);
    expect(refusal(http('http://10.0.0.1/'))?.[1]).toMatch(/10\.0\.0\.1 is a private address/);
    // Allowlisted, public, or a name (resolved when called): accepted here.
    for (const url of ['http://10.9.1.1/', 'https://example.com/', 'http://agents.internal/'])
      expect(refusal(http(url))).toBeUndefined();
    const webhook = {
      notify: {
        notification_type: 'webhook',
        recipients: ['https://ok.example/', 'http://[fd00::1]/'],
      },
    };
    expect(refusal(webhook)).toEqual([
      'payload.notify.recipients[1]',
      'payload.notify.recipients[1] is refused: fd00::1 is a unique-local address (see OUTBOUND_ALLOW)',
    ]);
  });
});

describe.each(eachDialect)('missions on %s (real Redis and database)', (dialect, newDatabase) => {
  let app: INestApplicationContext;
  let database: DatabaseConfig;
  let store: MissionStore;
  let server: Server;
  let serverUrl: string;
  const received: Array<{ method: string; url: string; body: string }> = [];
  /** Not allowlisted: steps must be refused before reaching it. */
  let internal: Server;
  let internalUrl: string;
  const internalHits: string[] = [];
  let endlessWritten = 0;

  beforeAll(async () => {
    database = await newDatabase(`missions_${dialect}`);
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', body });
        if (req.url === '/fail') {
          res.writeHead(500).end('boom');
        } else if (req.url === '/to-internal') {
          res.writeHead(302, { location: `${internalUrl}/secret` }).end();
        } else if (req.url === '/to-echo') {
          res.writeHead(303, { location: '/echo' }).end();
        } else if (req.url === '/endless') {
          // Far more than a step reads: it must stop reading, not buffer it all.
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(64 * 1024, ' ');
          const pump = () => {
            while (!res.destroyed && endlessWritten < 512 * 1024 ** 2) {
              endlessWritten += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          pump();
        } else if (req.url === '/slow') {
          setTimeout(() => res.writeHead(200).end('late'), 3000).unref();
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ echoed: body ? (JSON.parse(body) as unknown) : null }));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    internal = createServer((req, res) => {
      internalHits.push(req.url ?? '');
      res.end('internal');
    });
    await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
    internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
    @Module({
      imports: [
        TasksModule.forRoot({
          redisUrl: testRedisUrl(),
          prefix: uniquePrefix(`missions-${dialect}`),
        }),
        StorageModule.forRoot({ database }),
        // As OUTBOUND_ALLOW would: this one local server, nothing else internal.
        OutboundOptionsModule.forRoot({ allow: new URL(serverUrl).host }),
        MissionsModule,
      ],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    store = app.get(MissionStore);
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await new Promise((r) => internal?.close(r));
    await app?.close();
    await dropTestDatabase(database);
  });

  beforeEach(async () => {
    await app.get<Storage>(STORAGE).db.deleteFrom('missions').execute();
  });

  const call = <T>(name: string, kwargs: Record<string, unknown> = {}) =>
    app.get(TaskClient).call<T>(`${MISSION_TASKS}.${name}`, kwargs);

  describe('MissionStore', () => {
    it('creates with a generated or given id, refuses a taken id, gets and lists with filters', async () => {
      const a = await store.create({ name: 'a', payload: { x: 1 }, priority: 3 });
      expect(a).toMatchObject({
        id: expect.stringMatching(/^mission_[0-9a-f-]{36}$/),
        status: 'pending',
        payload: { x: 1 },
        priority: 3,
        attempts: 0,
        result: null,
        started_at: null,
      });
      await store.create({ id: 'm-old', name: 'old', at: new Date(Date.now() - 10 * DAY) });
      await expect(store.create({ id: 'm-old', name: 'again' })).rejects.toBeInstanceOf(
        MissionExistsError,
      );
      expect(await store.get(a.id)).toEqual(a);
      expect(await store.get('nope')).toBeNull();
      expect((await store.list()).map((m) => m.id)).toEqual([a.id, 'm-old']);
      expect((await store.list({ since: new Date(Date.now() - DAY) })).map((m) => m.id)).toEqual([
        a.id,
      ]);
      expect((await store.list({ until: new Date(Date.now() - DAY) })).map((m) => m.id)).toEqual([
        'm-old',
      ]);
      expect((await store.list({ limit: 1, offset: 1 })).map((m) => m.id)).toEqual(['m-old']);
      await store.start(a.id);
      expect((await store.list({ status: 'running' })).map((m) => m.id)).toEqual([a.id]);
    });

    it('moves pending -> running -> completed once; a second start or finish does nothing', async () => {
      const m = await store.create({ name: 'm' });
      const first = await store.start(m.id);
      expect(first).toMatchObject({ moved: true, mission: { status: 'running', attempts: 1 } });
      const again = await store.start(m.id);
      expect(again).toMatchObject({ moved: false, reason: expect.stringMatching(/is running/) });
      expect(await store.complete(m.id, { ok: 1 })).toMatchObject({
        moved: true,
        mission: { status: 'completed', result: { ok: 1 }, completed_at: expect.any(String) },
      });
      expect(await store.fail(m.id, 'late')).toMatchObject({ moved: false });
      expect(await store.start(m.id)).toMatchObject({ moved: false });
      expect(await store.get(m.id)).toMatchObject({
        status: 'completed',
        attempts: 1,
        error: null,
      });
      expect(await store.start('nope')).toEqual({
        moved: false,
        mission: null,
        reason: 'no mission with id "nope"',
      });
    });

    it('lets a redelivery of the running task take the mission over, and no other task', async () => {
      const m = await store.create({ name: 'redelivered' });
      expect(await store.start(m.id, new Date(), 'task-1')).toMatchObject({ moved: true });
      // Another task (process sent twice) leaves it alone...
      expect(await store.start(m.id, new Date(), 'task-2')).toMatchObject({ moved: false });
      // ...but the same task again means its first attempt died: it runs the mission again.
      expect(await store.start(m.id, new Date(), 'task-1')).toMatchObject({
        moved: true,
        mission: { status: 'running', attempts: 2 },
      });
    });

    it('lets only one of two concurrent starts win', async () => {
      const m = await store.create({ name: 'race' });
      const outcomes = await Promise.all([store.start(m.id), store.start(m.id), store.start(m.id)]);
      expect(outcomes.filter((o) => o.moved)).toHaveLength(1);
      expect(await store.get(m.id)).toMatchObject({ attempts: 1 });
    });
  });

  describe('process_mission_async', () => {
    it('runs wait, compute and http steps and records each result', async () => {
      const m = await store.create({
        name: 'steps',
        payload: {
          steps: [
            { type: 'wait', seconds: 0.05 },
            { type: 'compute', op: 'sum', values: [1, 2, 3.5] },
            { type: 'compute', op: 'count', values: [4, 5] },
            { type: 'http', url: `${serverUrl}/echo`, method: 'POST', body: { hello: 'world' } },
          ],
        },
      });
      const outcome = await call<{ status: string; steps: unknown[] }>('process_mission_async', {
        mission_id: m.id,
      });
      expect(outcome).toMatchObject({ mission_id: m.id, status: 'completed' });
      const done = await store.get(m.id);
      expect(done).toMatchObject({
        status: 'completed',
        attempts: 1,
        error: null,
        started_at: expect.any(String),
        completed_at: expect.any(String),
        result: {
          steps: [
            { index: 0, type: 'wait', status: 'ok', output: { waited_seconds: 0.05 } },
            { index: 1, type: 'compute', status: 'ok', output: { op: 'sum', value: 6.5 } },
            { index: 2, type: 'compute', status: 'ok', output: { op: 'count', value: 2 } },
            {
              index: 3,
              type: 'http',
              status: 'ok',
              output: { status: 200, body: { echoed: { hello: 'world' } } },
            },
          ],
        },
      });
      expect(received).toContainEqual({
        method: 'POST',
        url: '/echo',
        body: '{"hello":"world"}',
      });
    });

    it('a second delivery of the same mission does nothing and says so', async () => {
      const m = await store.create({
        name: 'twice',
        payload: { steps: [{ type: 'http', url: `${serverUrl}/count-me`, method: 'GET' }] },
      });
      const before = received.length;
      const [a, b] = await Promise.all([
        call<{ status: string }>('process_mission_async', { mission_id: m.id }),
        call<{ status: string }>('process_mission_async', { mission_id: m.id }),
      ]);
      expect([a.status, b.status].sort()).toEqual(['completed', 'skipped']);
      const later = await call('process_mission_async', { mission_id: m.id });
      expect(later).toMatchObject({
        status: 'skipped',
        mission_status: 'completed',
        reason: `mission "${m.id}" is completed, not pending`,
      });
      expect(received.slice(before).filter((r) => r.url === '/count-me')).toHaveLength(1);
      expect(await store.get(m.id)).toMatchObject({ status: 'completed', attempts: 1 });
    });

    it('a failing step fails the mission with the error and the steps done so far', async () => {
      const m = await store.create({
        name: 'fails',
        payload: {
          steps: [
            { type: 'compute', op: 'max', values: [3, 9] },
            { type: 'http', url: `${serverUrl}/fail` },
            { type: 'compute', op: 'sum', values: [1] },
          ],
        },
      });
      await expect(call('process_mission_async', { mission_id: m.id })).rejects.toThrow(
        /Mission ".*" failed: step 1 \(http\): GET .*\/fail answered 500/,
      );
      const failed = await store.get(m.id);
      expect(failed).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/^step 1 \(http\): GET .* answered 500$/),
        completed_at: expect.any(String),
        result: {
          steps: [
            { index: 0, status: 'ok', output: { value: 9 } },
            { index: 1, status: 'failed' },
          ],
        },
      });
    });

    it('an http step times out', async () => {
      const m = await store.create({
        name: 'slow',
        payload: { steps: [{ type: 'http', url: `${serverUrl}/slow`, timeout_seconds: 0.2 }] },
      });
      await expect(call('process_mission_async', { mission_id: m.id })).rejects.toThrow(
        /timed out after 0.2 s/,
      );
      expect(await store.get(m.id)).toMatchObject({ status: 'failed' });
    });

    it('refuses http steps aimed at internal addresses, directly, by name or by redirect', async () => {
      const port = new URL(internalUrl).port;
      const cases = [
        [`${internalUrl}/`, '127.0.0.1 is a loopback address'],
        ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
        // localhost may resolve to either first, by the machine's hosts file.
        [
          `http://localhost:${port}/`,
          /localhost resolves to (?:127\.0\.0\.1|::1), a loopback address$/,
        ],
        [`${serverUrl}/to-internal`, '127.0.0.1 is a loopback address'],
      ];
      for (const [url, reason] of cases as Array<[string, string | RegExp]>) {
        const m = await store.create({ name: 'ssrf', payload: { steps: [{ type: 'http', url }] } });
        const failed = call('process_mission_async', { mission_id: m.id });
        await expect(failed).rejects.toThrow(
          typeof reason === 'string'
            ? `step 0 (http): GET ${url} failed: outbound call refused: ${reason}`
            : reason,
        );
      }
      expect(internalHits).toEqual([]);
    });

    it('follows a redirect to an allowed URL; reads at most MAX_BODY_BYTES, marked truncated', async () => {
      const m = await store.create({
        name: 'capped',
        payload: {
          steps: [
            { type: 'http', url: `${serverUrl}/to-echo`, method: 'POST', body: { a: 1 } },
            { type: 'http', url: `${serverUrl}/endless` },
          ],
        },
      });
      await call('process_mission_async', { mission_id: m.id });
      const done = await store.get(m.id);
      const [redirected, capped] = (done?.result as { steps: Array<{ output: unknown }> }).steps;
      // 303: on as a GET without the body.
      expect(redirected.output).toEqual({ status: 200, body: { echoed: null } });
      expect(capped.output).toEqual({
        status: 200,
        body: ' '.repeat(MAX_BODY_BYTES),
        truncated: true,
        bytes: MAX_BODY_BYTES,
      });
      expect(endlessWritten).toBeLessThan(64 * 1024 ** 2);
    });

    it('an unknown mission id fails with an error naming it; a blank one is refused when sent', async () => {
      await expect(call('process_mission_async', { mission_id: 'mission_nope' })).rejects.toThrow(
        'No mission with id "mission_nope"',
      );
      await expect(
        app.get(TaskClient).applyAsync(`${MISSION_TASKS}.process_mission_async`, {
          kwargs: { mission_id: '' },
        }),
      ).rejects.toMatchObject({ field: 'mission_id' });
    });
  });

  it('check_mission_queue_health reports queue size, backlog and stuck missions', async () => {
    const healthy = await call<Record<string, unknown>>('check_mission_queue_health');
    expect(healthy).toMatchObject({
      queue: { name: 'missions', size: expect.any(Number) },
      pending_missions: 0,
      running_missions: 0,
      stuck_missions: [],
      stuck_threshold_minutes: 30,
      alerts: [],
      status: 'healthy',
    });

    await store.create({ name: 'waiting' });
    const stuck = await store.create({ name: 'stuck' });
    await store.start(stuck.id, new Date(Date.now() - 45 * MINUTE));
    const fresh = await store.create({ name: 'fresh' });
    await store.start(fresh.id);
    const client = app.get(TaskClient);
    await client.applyAsync(`${MISSION_TASKS}.cleanup_completed_missions`, { countdown: 600 });
    const degraded = await call<{
      queue: { size: number; delayed: number };
      pending_missions: number;
      running_missions: number;
      stuck_missions: Array<{ id: string; running_minutes: number }>;
      status: string;
      alerts: string[];
    }>('check_mission_queue_health');
    expect(degraded.pending_missions).toBe(1);
    expect(degraded.running_missions).toBe(2);
    expect(degraded.stuck_missions).toEqual([
      expect.objectContaining({ id: stuck.id, running_minutes: 45 }),
    ]);
    expect(degraded.queue.delayed).toBeGreaterThanOrEqual(1);
    expect(degraded.queue.size).toBeGreaterThanOrEqual(1);
    expect(degraded.status).toBe('degraded');
    expect(degraded.alerts).toEqual(['1 missions running longer than 30 minutes']);
    const strict = await call<{ stuck_missions: unknown[] }>('check_mission_queue_health', {
      stuck_threshold_minutes: 60,
    });
    expect(strict.stuck_missions).toEqual([]);
    await app.get(QueueRegistry).get('missions').obliterate({ force: true });
  });

  it('cleanup_completed_missions deletes finished missions older than days_old, nothing else', async () => {
    const longAgo = new Date(Date.now() - 40 * DAY);
    const finish = async (id: string, ok: boolean, at: Date) => {
      await store.create({ id, name: id, at });
      await store.start(id, at);
      await (ok ? store.complete(id, {}, at) : store.fail(id, 'x', undefined, at));
    };
    await finish('old-done', true, longAgo);
    await finish('old-failed', false, longAgo);
    await finish('recent-done', true, new Date(Date.now() - 5 * DAY));
    await store.create({ id: 'old-pending', name: 'p', at: longAgo });
    await store.create({ id: 'old-running', name: 'r', at: longAgo });
    await store.start('old-running', longAgo);

    const outcome = await call<{ deleted: number; cutoff_date: string }>(
      'cleanup_completed_missions',
      { days_old: 30 },
    );
    expect(outcome.deleted).toBe(2);
    expect(Math.abs(Date.parse(outcome.cutoff_date) - (Date.now() - 30 * DAY))).toBeLessThan(
      60_000,
    );
    expect((await store.list()).map((m) => m.id).sort()).toEqual([
      'old-pending',
      'old-running',
      'recent-done',
    ]);
    await expect(
      app.get(TaskClient).applyAsync(`${MISSION_TASKS}.cleanup_completed_missions`, {
        kwargs: { days_old: 0 },
      }),
    ).rejects.toMatchObject({ field: 'days_old', message: expect.stringMatching(/>= 1/) });
  });

  it('calculate_mission_metrics counts the window by status, with the success rate', async () => {
    const inWindow = new Date('2025-12-10T12:00:00Z');
    for (const [id, outcome] of [
      ['c1', 'completed'],
      ['c2', 'completed'],
      ['c3', 'completed'],
      ['f1', 'failed'],
      ['r1', 'running'],
      ['p1', 'pending'],
    ] as const) {
      await store.create({ id, name: id, at: inWindow });
      if (outcome === 'pending') continue;
      await store.start(id);
      if (outcome === 'completed') await store.complete(id, {});
      if (outcome === 'failed') await store.fail(id, 'x');
    }
    await store.create({ id: 'outside', name: 'o', at: new Date('2026-01-05T00:00:00Z') });

    expect(
      await call('calculate_mission_metrics', {
        start_date: '2025-12-01T00:00:00Z',
        end_date: '2025-12-31T23:59:59Z',
      }),
    ).toEqual({
      start_date: '2025-12-01T00:00:00.000Z',
      end_date: '2025-12-31T23:59:59.000Z',
      total: 6,
      completed: 3,
      failed: 1,
      pending: 1,
      running: 1,
      success_rate: 75,
    });
    expect(
      await call('calculate_mission_metrics', { start_date: '2024-01-01', end_date: '2024-12-31' }),
    ).toMatchObject({ total: 0, success_rate: 0 });

    const send = (kwargs: Record<string, unknown>) =>
      app.get(TaskClient).applyAsync(`${MISSION_TASKS}.calculate_mission_metrics`, { kwargs });
    await expect(
      send({ start_date: 'yesterday', end_date: '2025-12-31T00:00:00Z' }),
    ).rejects.toMatchObject({ field: 'start_date' });
    await expect(send({ start_date: '2025-12-01T00:00:00Z' })).rejects.toMatchObject({
      field: 'end_date',
    });
    await expect(
      send({ start_date: '2025-12-31T00:00:00Z', end_date: '2025-12-01T00:00:00Z' }),
    ).rejects.toMatchObject({ field: 'start_date', message: /after end_date/ });
  });
});
