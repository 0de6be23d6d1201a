import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { DatabaseConfig } from '@brain/config';
import { AuditLog, createDatabase, Keyring, SecretStore } from '@brain/storage';
import { ApiProcess, databaseUrl } from './support/api-process';
import { BrainProcess } from './support/brain-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

const TASKS = 'backend.app.tasks.mission_tasks';
const MASTER_KEY = 'api-missions-e2e-master-key-0123456789';

describe('the missions API (real API and worker processes sharing a SQLite database)', () => {
  let api: ApiProcess;
  let worker: BrainProcess;
  let database: DatabaseConfig;
  let hook: Server;
  let hookUrl: string;
  let port: number;
  const hits: unknown[] = [];
  const raw: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
  let viewerKey: string;

  beforeAll(async () => {
    const prefix = uniquePrefix('api-missions');
    database = await testSqliteConfig('api-missions');
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        // 127.0.0.2 is loopback too, and not what OUTBOUND_ALLOW names.
        if (req.url === '/to-loopback')
          return res.writeHead(302, { location: `http://127.0.0.2:${port}/hook` }).end();
        hits.push(JSON.parse(body || 'null'));
        raw.push({ path: req.url ?? '/', headers: req.headers, body });
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"accepted":true}');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    port = (hook.address() as AddressInfo).port;
    hookUrl = `http://127.0.0.1:${port}/hook`;
    // The receiver is internal (loopback): allowed on purpose, that address and port only.
    const OUTBOUND_ALLOW = `127.0.0.1:${port}`;
    [api, worker] = await Promise.all([
      ApiProcess.start(prefix, database, { OUTBOUND_ALLOW }),
      BrainProcess.worker(prefix, ['--queue', 'missions', '--hostname', 'mission-worker'], false, {
        DATABASE_URL: databaseUrl(database),
        BRAIN_MASTER_KEY: MASTER_KEY,
        OUTBOUND_ALLOW,
      }),
    ]);
    const key = await api.as().post('/api/keys').send({ name: 'viewer', role: 'viewer' });
    viewerKey = key.body.secret as string;
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    hook?.closeAllConnections();
    await new Promise((r) => hook?.close(r));
    await dropTestDatabase(database);
  });

  const taskStatus = (id: string, states: string[]) =>
    waitFor(
      async () => {
        const s = (await api.as().get(`/api/tasks/${id}`)).body as Record<string, unknown>;
        return states.includes(s.status as string) ? s : undefined;
      },
      `task ${id} to reach ${states.join('/')}`,
    );

  it('creates a mission that a worker processes; GET shows it completed with each step', async () => {
    const res = await api
      .as()
      .post('/api/missions')
      .send({
        name: 'e2e mission',
        priority: 7,
        payload: {
          steps: [
            { type: 'wait', seconds: 0.1 },
            { type: 'compute', op: 'sum', values: [1, 2, 3] },
            { type: 'http', url: hookUrl, method: 'POST', body: { from: 'mission' } },
          ],
        },
      })
      .expect(201);
    const created = res.body as { id: string; task_id: string; status: string };
    expect(created).toMatchObject({
      id: expect.stringMatching(/^mission_/),
      name: 'e2e mission',
      priority: 7,
      status: 'pending',
      task_id: expect.any(String),
    });
    await taskStatus(created.task_id, ['SUCCESS']);
    const mission = await api.as(viewerKey).get(`/api/missions/${created.id}`).expect(200);
    expect(mission.body).toMatchObject({
      id: created.id,
      status: 'completed',
      attempts: 1,
      error: null,
      started_at: expect.any(String),
      completed_at: expect.any(String),
      result: {
        steps: [
          { type: 'wait', status: 'ok' },
          { type: 'compute', status: 'ok', output: { op: 'sum', value: 6 } },
          { type: 'http', status: 'ok', output: { status: 201, body: { accepted: true } } },
        ],
      },
    });
    expect(hits).toContainEqual({ from: 'mission' });

    const list = await api.as(viewerKey).get('/api/missions?status=completed').expect(200);
    expect(list.body).toMatchObject({ limit: 50, offset: 0, has_more: false });
    expect((list.body.missions as Array<{ id: string }>).map((m) => m.id)).toContain(created.id);
    const storage = createDatabase(database);
    try {
      const entries = await new AuditLog(storage).list({ action: 'mission.create' });
      expect(entries).toContainEqual(
        expect.objectContaining({
          action: 'mission.create',
          target: created.id,
          task_id: created.task_id,
          status: 201,
        }),
      );
    } finally {
      await storage.close();
    }
  });

  it('keeps a mission with process=false pending, takes a client id once, 404s an unknown one', async () => {
    const res = await api
      .as()
      .post('/api/missions')
      .send({ id: 'mission_client_1', name: 'later', payload: {}, process: false })
      .expect(201);
    expect(res.body).toMatchObject({ id: 'mission_client_1', status: 'pending', task_id: null });
    const taken = await api
      .as()
      .post('/api/missions')
      .send({ id: 'mission_client_1', name: 'again', payload: {} })
      .expect(409);
    expect(taken.body.field).toBe('id');
    const pending = await api.as().get('/api/missions?status=pending').expect(200);
    expect((pending.body.missions as Array<{ id: string }>).map((m) => m.id)).toEqual([
      'mission_client_1',
    ]);
    const missing = await api.as().get('/api/missions/mission_nope').expect(404);
    expect(missing.body.message).toBe('No mission with id "mission_nope"');
  });

  it('ends process_mission_async of an unknown mission in FAILURE with a clear error', async () => {
    const sent = await api
      .as()
      .post('/api/tasks/execute')
      .send({
        task_name: `${TASKS}.process_mission_async`,
        kwargs: { mission_id: 'mission_ghost' },
      })
      .expect(201);
    const failed = await taskStatus(sent.body.task_id as string, ['FAILURE']);
    expect(failed.error).toMatchObject({
      type: 'MissionNotFoundError',
      message: 'No mission with id "mission_ghost"',
    });
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const metrics = (kwargs: Record<string, unknown>) =>
      api
        .as()
        .post('/api/tasks/execute')
        .send({ task_name: `${TASKS}.calculate_mission_metrics`, kwargs });
    const badDate = await metrics({ start_date: '2025-13-45', end_date: '2025-12-31T00:00:00Z' });
    expect(badDate.status).toBe(400);
    expect(badDate.body.field).toBe('start_date');
    const reversed = await metrics({
      start_date: '2025-12-31T00:00:00Z',
      end_date: '2025-12-01T00:00:00Z',
    });
    expect(reversed.status).toBe(400);
    expect(reversed.body.message).toMatch(/start_date must not be after end_date/);
    const ok = await metrics({ start_date: '2000-01-01T00:00:00Z', end_date: '2100-01-01' });
    expect(ok.status).toBe(201);
    const done = await taskStatus(ok.body.task_id as string, ['SUCCESS']);
    expect(done.result).toMatchObject({ total: 2, completed: 1, pending: 1, success_rate: 100 });

    const since = await api.as().get('/api/missions?since=yesterday').expect(400);
    expect(since.body.field).toBe('since');
    const step = await api
      .as()
      .post('/api/missions')
      .send({ name: 'bad', payload: { steps: [{ type: 'http', url: 'file:///etc/passwd' }] } })
      .expect(400);
    expect(step.body.field).toBe('payload.steps[0].url');
    const priority = await api
      .as()
      .post('/api/missions')
      .send({ name: 'bad', payload: {}, priority: 10 })
      .expect(400);
    expect(priority.body.field).toBe('priority');
  });

  it('lets a viewer read missions but not create them', async () => {
    await api.as(viewerKey).get('/api/missions').expect(200);
    await api.as(viewerKey).post('/api/missions').send({ name: 'nope', payload: {} }).expect(403);
    await api.as(null).get('/api/missions').expect(401);
  });
  it('documents the mission endpoints in a valid OpenAPI document', async () => {
    const doc = (await api.as(null).get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    expect(Object.keys(doc.paths['/api/missions'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/missions/{id}'] ?? {})).toEqual(['get']);
    expect(Object.keys(doc.components.schemas.CreateMissionDto.properties ?? {})).toEqual(
      expect.arrayContaining(['name', 'payload', 'priority', 'process', 'id']),
    );
  });

  it('notifies a signed webhook when a mission ends, recorded in the outbox', async () => {
    const notifyUrl = hookUrl.replace(/\/hook$/, '/notify');
    const res = await api
      .as()
      .post('/api/missions')
      .send({
        name: 'notify me',
        payload: {
          steps: [{ type: 'compute', op: 'sum', values: [2, 2] }],
          notify: { recipients: [notifyUrl], notification_type: 'webhook' },
        },
      })
      .expect(201);
    const created = res.body as { id: string; task_id: string };
    const processed = await taskStatus(created.task_id, ['SUCCESS']);
    const notificationTask = (processed.result as { notification_task_id: string })
      .notification_task_id;
    expect(notificationTask).toEqual(expect.any(String));
    const sent = await taskStatus(notificationTask, ['SUCCESS']);
    expect(sent.result).toMatchObject({
      mission_id: created.id,
      notification_type: 'webhook',
      status: 'delivered',
      delivered: 1,
      recipients: [{ recipient: notifyUrl, outcome: 'delivered', detail: 'HTTP 201' }],
    });
    const request = raw.find((r) => r.path === '/notify' && r.body.includes(created.id));
    expect(request).toBeDefined();
    expect(JSON.parse(request!.body)).toMatchObject({
      mission_id: created.id,
      status: 'completed',
      mission: { id: created.id, status: 'completed' },
    });

    const storage = createDatabase(database);
    try {
      const secrets = new SecretStore(storage, new Keyring(storage, { masterKey: MASTER_KEY }));
      const secret = (await secrets.get('webhook-signing-secret')) as string;
      const hmac = createHmac('sha256', secret).update(request!.body).digest('hex');
      expect(request!.headers['x-brain-signature']).toBe(`sha256=${hmac}`);
      const rows = await storage.db
        .selectFrom('notification_outbox')
        .selectAll()
        .where('mission_id', '=', created.id)
        .execute();
      expect(rows).toEqual([
        expect.objectContaining({ notification_type: 'webhook', status: 'delivered', attempts: 1 }),
      ]);
      const attempts = await storage.db
        .selectFrom('notification_attempts')
        .selectAll()
        .where('outbox_id', '=', rows[0].id)
        .execute();
      expect(attempts).toEqual([
        expect.objectContaining({ recipient: notifyUrl, outcome: 'delivered', detail: 'HTTP 201' }),
      ]);
    } finally {
      await storage.close();
    }

    const bad = await api
      .as()
      .post('/api/missions')
      .send({
        name: 'bad',
        payload: { notify: { recipients: ['not a url'], notification_type: 'webhook' } },
      })
      .expect(400);
    expect(bad.body.field).toBe('payload.notify.recipients[0]');
  });

  it('refuses missions aimed at internal addresses: 400 at creation, or a failed run', async () => {
    const refused = {
      [`http://127.0.0.1:${port + 1}/`]: '127.0.0.1 is a loopback address',
      'http://[::1]/': '::1 is a loopback address',
      'http://10.0.0.1/': '10.0.0.1 is a private address',
      'http://169.254.169.254/latest/meta-data/': '169.254.169.254 is a link-local address',
      [`http://localhost:${port}/hook`]: 'localhost is a loopback host name',
    };
    for (const [url, reason] of Object.entries(refused)) {
      const res = await api
        .as()
        .post('/api/missions')
        .send({ name: 'ssrf', payload: { steps: [{ type: 'http', url }] } });
      expect([url, res.status, res.body.field, res.body.message]).toEqual([
        url,
        400,
        'payload.steps[0].url',
        `payload.steps[0].url is refused: ${reason} (see OUTBOUND_ALLOW)`,
      ]);
    }
    const hook = await api
      .as()
      .post('/api/missions')
      .send({
        name: 'ssrf',
        payload: { notify: { recipients: ['http://10.0.0.1/'], notification_type: 'webhook' } },
      })
      .expect(400);
    expect(hook.body.field).toBe('payload.notify.recipients[0]');

    // Allowed where it points, it redirects to loopback: only the run can tell.
    const res = await api
      .as()
      .post('/api/missions')
      .send({
        name: 'redirected',
        payload: { steps: [{ type: 'http', url: hookUrl.replace('/hook', '/to-loopback') }] },
      })
      .expect(201);
    const { id, task_id } = res.body as { id: string; task_id: string };
    await taskStatus(task_id, ['FAILURE']);
    const failed = await api.as(viewerKey).get(`/api/missions/${id}`).expect(200);
    expect(failed.body).toMatchObject({
      status: 'failed',
      error: `step 0 (http): GET http://127.0.0.1:${port}/to-loopback failed: outbound call refused: 127.0.0.2 is a loopback address`,
    });
  });
});
