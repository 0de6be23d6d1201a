import type { INestApplicationContext } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DatabaseConfig } from '@brain/config';
import { OutboundOptionsModule } from '@brain/outbound';
import { StorageModule } from '@brain/storage';
import { TaskClient, TaskInputError, TaskRegistry, TasksModule } from '@brain/tasks';
import { FakeAgentServer } from '../../../../test/support/agent-server';
import { dropTestDatabase, eachDialect } from '../../../../test/support/databases';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/redis';
import { MAX_RESPONSE_BYTES } from './agent-http';
import { AgentRegisteredByOtherError, AgentStore } from './agent.store';
import { AgentsModule } from '../agents.module';

const TASKS = 'backend.app.tasks.agent_tasks';
const MINUTE = 60_000;

describe.each(eachDialect)(
  'agent tasks on %s (real Redis and database)',
  (dialect, newDatabase) => {
    let app: INestApplicationContext;
    let database: DatabaseConfig;
    let server: FakeAgentServer;
    /** Not allowlisted: calls to it must be refused before reaching it. */
    let internal: FakeAgentServer;
    let store: AgentStore;

    beforeAll(async () => {
      const prefix = uniquePrefix(`agents-${dialect}`);
      database = await newDatabase(`agents_${dialect}`);
      // The slow agent answers long after any timeout here, so that a wait for it shows.
      server = await FakeAgentServer.start(30_000);
      internal = await FakeAgentServer.start();
      @Module({
        imports: [
          TasksModule.forRoot({ redisUrl: testRedisUrl(), prefix }),
          StorageModule.forRoot({ database }),
          // As OUTBOUND_ALLOW would: this one local server, and nothing else internal.
          OutboundOptionsModule.forRoot({ allow: new URL(server.url).host }),
          AgentsModule,
        ],
      })
      class AppModule {}
      app = await NestFactory.createApplicationContext(AppModule, { logger: false });
      store = app.get(AgentStore);
    });

    afterAll(async () => {
      await app?.close();
      await server?.stop();
      await internal?.stop();
      await dropTestDatabase(database);
    });

    const call = <T>(name: string, kwargs: Record<string, unknown> = {}) =>
      app.get(TaskClient).call<T>(`${TASKS}.${name}`, kwargs);

    const ago = (ms: number) => new Date(Date.now() - ms);

    it('routes every task to the agents queue; the heartbeat check runs every 30 s', () => {
      const registry = app.get(TaskRegistry);
      for (const name of [
        'check_agent_heartbeats',
        'cleanup_inactive_agents',
        'run_agent_health_check',
        'calculate_agent_metrics',
        'execute_agent_task_async',
      ])
        expect(registry.get(`${TASKS}.${name}`).queue).toBe('agents');
      expect(registry.get(`${TASKS}.check_agent_heartbeats`).schedules).toEqual([
        { id: 'check-agent-heartbeats', every: 30, description: 'Agent heartbeat check' },
      ]);
    });

    it('registers (upsert), records heartbeats, lists by status', async () => {
      const first = await store.register({
        id: 'reg_agent',
        name: 'Reg',
        metadata: { team: 'ops' },
      });
      expect(first).toMatchObject({
        id: 'reg_agent',
        name: 'Reg',
        endpoint: null,
        status: 'active',
        metadata: { team: 'ops' },
        last_heartbeat_at: null,
      });
      const again = await store.register({ id: 'reg_agent', name: 'Reg 2', endpoint: server.url });
      expect(again).toMatchObject({ name: 'Reg 2', endpoint: server.url, metadata: null });
      expect(again.registered_at).toBe(first.registered_at);
      const beat = await store.heartbeat('reg_agent');
      expect(beat?.last_heartbeat_at).not.toBeNull();
      expect(await store.heartbeat('nobody')).toBeNull();
      const page = await store.list({ status: 'active', limit: 500 });
      expect(page.agents.map((a) => a.id)).toContain('reg_agent');
      expect(page.total).toBeGreaterThanOrEqual(1);
    });

    it('check_agent_heartbeats marks agents by heartbeat age, both ways', async () => {
      await store.register({ id: 'hb_fresh', name: 'fresh' });
      await store.heartbeat('hb_fresh');
      await store.register({ id: 'hb_stale', name: 'stale' }, ago(10 * MINUTE));
      await store.heartbeat('hb_stale', ago(5 * MINUTE));
      // Never heartbeated: its registration counts.
      await store.register({ id: 'hb_silent', name: 'silent' }, ago(3 * MINUTE));
      const outcome = await call<{ active: string[]; inactive: string[]; checked_at: string }>(
        'check_agent_heartbeats',
      );
      expect(outcome.active).toContain('hb_fresh');
      expect(outcome.inactive).toEqual(expect.arrayContaining(['hb_stale', 'hb_silent']));
      expect(Math.abs(Date.parse(outcome.checked_at) - Date.now())).toBeLessThan(10_000);
      expect((await store.get('hb_stale'))?.status).toBe('inactive');
      expect((await store.get('hb_fresh'))?.status).toBe('active');

      // A heartbeat brings it back; a wide threshold re-activates the silent one too.
      await store.heartbeat('hb_stale');
      expect((await store.get('hb_stale'))?.status).toBe('active');
      const wide = await call<{ active: string[] }>('check_agent_heartbeats', {
        threshold_seconds: 3600,
      });
      expect(wide.active).toEqual(expect.arrayContaining(['hb_stale', 'hb_silent', 'hb_fresh']));
      expect((await store.get('hb_silent'))?.status).toBe('active');
    });

    it('cleanup_inactive_agents deletes agents not seen for the threshold, and only those', async () => {
      await store.register({ id: 'old_never', name: 'old' }, ago(120 * MINUTE));
      await store.register({ id: 'old_beat', name: 'old beat' }, ago(300 * MINUTE));
      await store.heartbeat('old_beat', ago(90 * MINUTE));
      await store.register({ id: 'revived', name: 'revived' }, ago(300 * MINUTE));
      await store.heartbeat('revived', ago(5 * MINUTE));
      const outcome = await call<{ deleted: number; deleted_ids: string[]; cutoff_date: string }>(
        'cleanup_inactive_agents',
        { inactive_threshold_minutes: 60 },
      );
      expect(outcome.deleted_ids).toEqual(expect.arrayContaining(['old_never', 'old_beat']));
      expect(outcome.deleted_ids).not.toContain('revived');
      expect(outcome.deleted).toBe(outcome.deleted_ids.length);
      expect(Math.abs(Date.parse(outcome.cutoff_date) - (Date.now() - 60 * MINUTE))).toBeLessThan(
        10_000,
      );
      expect(await store.get('old_never')).toBeNull();
      expect(await store.get('old_beat')).toBeNull();
      expect(await store.get('revived')).not.toBeNull();
    });

    it('run_agent_health_check records success, failure and timeout', async () => {
      await store.register({ id: 'hc_ok', name: 'ok', endpoint: server.endpoint('ok') });
      await store.register({
        id: 'hc_broken',
        name: 'broken',
        endpoint: server.endpoint('broken'),
      });
      await store.register({
        id: 'hc_slow',
        name: 'slow',
        endpoint: `${server.endpoint('slow')}/`,
      });

      const ok = await call<Record<string, unknown>>('run_agent_health_check', {
        agent_id: 'hc_ok',
      });
      expect(ok).toMatchObject({
        agent_id: 'hc_ok',
        healthy: true,
        status: 'success',
        http_status: 200,
        response: { status: 'ok' },
        error: null,
      });
      expect(server.received).toContainEqual(
        expect.objectContaining({ method: 'GET', path: '/ok/health' }),
      );

      const broken = await call<Record<string, unknown>>('run_agent_health_check', {
        agent_id: 'hc_broken',
      });
      expect(broken).toMatchObject({ healthy: false, status: 'failed', http_status: 500 });
      expect(broken.error).toMatch(/HTTP 500/);

      const started = Date.now();
      const slow = await call<Record<string, unknown>>('run_agent_health_check', {
        agent_id: 'hc_slow',
        timeout_seconds: 0.3,
      });
      // At its own timeout, not the agent's answer (30 s); the bound leaves a loaded machine room.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(slow).toMatchObject({ healthy: false, status: 'timeout', http_status: null });
      expect(slow.error).toMatch(/no answer within 300 ms/);

      const [okRow] = await store.executions('hc_ok');
      expect(okRow).toMatchObject({
        id: ok.execution_id,
        kind: 'health_check',
        action: null,
        status: 'success',
        http_status: 200,
        detail: { response: { status: 'ok' } },
      });
      expect(okRow.duration_ms).toBeGreaterThan(0);
      expect(Date.parse(okRow.finished_at)).toBeGreaterThanOrEqual(Date.parse(okRow.started_at));
      expect(await store.executions('hc_broken')).toEqual([
        expect.objectContaining({ status: 'failed', http_status: 500 }),
      ]);
      expect(await store.executions('hc_slow')).toEqual([
        expect.objectContaining({ status: 'timeout', http_status: null }),
      ]);
    });

    it('lets only the key that registered an agent, or an admin, register it again', async () => {
      const alice = { key_id: 'k-alice', name: 'alice', role: 'operator' as const };
      const bob = { key_id: 'k-bob', name: 'bob', role: 'operator' as const };
      const root = { key_id: 'k-root', name: 'root', role: 'admin' as const };
      const as = (registrant: typeof alice | typeof root, override = false) => ({
        registrant,
        override,
      });
      const agent = { id: 'owned', name: 'A', endpoint: 'https://a.example' };
      await store.register(agent, new Date(), as(alice));
      await expect(
        store.register({ ...agent, endpoint: 'https://elsewhere.example' }, new Date(), as(bob)),
      ).rejects.toThrow(new AgentRegisteredByOtherError('owned', alice));
      expect(await store.get('owned')).toMatchObject({ ...agent, registered_by: alice });

      await store.register({ ...agent, name: 'A2' }, new Date(), as(alice));
      const moved = await store.register(
        { ...agent, endpoint: 'https://b.example' },
        new Date(),
        as(root, true),
      );
      // The admin's change is made; the agent stays alice's.
      expect(moved).toMatchObject({ endpoint: 'https://b.example', registered_by: alice });

      // Registered without a key (before keys were recorded): only an admin may change it.
      await store.register({ id: 'legacy', name: 'L' });
      await expect(
        store.register({ id: 'legacy', name: 'X' }, new Date(), as(alice)),
      ).rejects.toThrow(
        'Agent "legacy" was registered by no key on record: only that key or an admin may register it again',
      );
      expect(await store.get('legacy')).toMatchObject({ name: 'L', registered_by: null });
    });

    it('refuses endpoints at internal addresses not allowlisted, recorded as failed executions', async () => {
      const port = new URL(internal.url).port;
      const endpoints = {
        loopback: internal.endpoint('ok'),
        metadata: 'http://169.254.169.254/latest',
        // A name resolving to loopback: only the address it resolves to tells.
        named: `http://localhost:${port}/ok`,
      };
      for (const [id, endpoint] of Object.entries(endpoints)) {
        await store.register({ id: `internal_${id}`, name: id, endpoint });
        const res = await call<Record<string, unknown>>('run_agent_health_check', {
          agent_id: `internal_${id}`,
        });
        expect(res).toMatchObject({ healthy: false, status: 'failed', http_status: null });
        expect([id, res.error]).toEqual([
          id,
          expect.stringMatching(/^GET http:\/\/.*\/health: outbound call refused: /),
        ]);
      }
      const errors = await Promise.all(
        Object.keys(endpoints).map(async (id) => (await store.executions(`internal_${id}`))[0]),
      );
      expect(errors.map((e) => e.error?.replace(/^.*refused: /, ''))).toEqual([
        '127.0.0.1 is a loopback address',
        '169.254.169.254 is a link-local address',
        // localhost may resolve to either first, by the machine's hosts file.
        expect.stringMatching(/^localhost resolves to (?:127\.0\.0\.1|::1), a loopback address$/),
      ]);
      await expect(
        call('execute_agent_task_async', {
          agent_id: 'internal_loopback',
          task_data: { action: 'x' },
        }),
      ).rejects.toThrow(/action failed \(failed\): POST .* outbound call refused: 127\.0\.0\.1/);
      expect(internal.received).toEqual([]);
    });

    it('run_agent_health_check: an unknown agent, or one without endpoint, fails clearly', async () => {
      await expect(call('run_agent_health_check', { agent_id: 'ghost' })).rejects.toThrow(
        'No agent with id "ghost"',
      );
      await store.register({ id: 'no_endpoint', name: 'none' });
      await expect(call('run_agent_health_check', { agent_id: 'no_endpoint' })).rejects.toThrow(
        /has no endpoint/,
      );
      expect(await store.executions('no_endpoint')).toEqual([]);
    });

    it('execute_agent_task_async posts the action, records it; an error status fails after recording', async () => {
      await store.register({ id: 'act_ok', name: 'ok', endpoint: server.endpoint('ok') });
      await store.register({ id: 'act_bad', name: 'bad', endpoint: server.endpoint('broken') });
      await store.register({ id: 'act_big', name: 'big', endpoint: server.endpoint('big') });
      const task_data = { action: 'deploy', environment: 'production' };
      const done = await call<Record<string, unknown>>('execute_agent_task_async', {
        agent_id: 'act_ok',
        task_data,
      });
      expect(done).toMatchObject({
        agent_id: 'act_ok',
        action: 'deploy',
        status: 'success',
        http_status: 200,
        response: { accepted: true, received: task_data },
      });
      expect(server.received).toContainEqual({
        method: 'POST',
        path: '/ok/actions',
        body: task_data,
      });
      expect(await store.executions('act_ok')).toEqual([
        expect.objectContaining({ kind: 'action', action: 'deploy', status: 'success' }),
      ]);

      await expect(
        call('execute_agent_task_async', { agent_id: 'act_bad', task_data }),
      ).rejects.toThrow(/Agent "act_bad" action failed \(failed\): .*HTTP 500/);
      expect(await store.executions('act_bad')).toEqual([
        expect.objectContaining({
          kind: 'action',
          action: 'deploy',
          status: 'failed',
          http_status: 500,
          detail: { response: { error: 'agent exploded' } },
        }),
      ]);

      const big = await call<{ response: string }>('execute_agent_task_async', {
        agent_id: 'act_big',
        task_data: { action: 'dump' },
      });
      expect(big.response.length).toBeLessThan(MAX_RESPONSE_BYTES + 100);
      expect(big.response).toMatch(/truncated/);

      await expect(
        call('execute_agent_task_async', { agent_id: 'ghost', task_data }),
      ).rejects.toThrow('No agent with id "ghost"');
    });

    it('calculate_agent_metrics counts the executions in the range', async () => {
      const id = 'metrics_agent';
      await store.register({ id, name: 'm' });
      const day = (d: number, h = 12) => new Date(Date.UTC(2025, 11, d, h));
      const rec = (status: 'success' | 'failed' | 'timeout', at: Date, ms: number) =>
        store.recordExecution({
          agentId: id,
          kind: 'action',
          action: 'x',
          status,
          durationMs: ms,
          startedAt: at,
          finishedAt: new Date(at.getTime() + ms),
        });
      await rec('success', day(2), 100);
      await rec('success', day(3), 200);
      await rec('failed', day(4), 300);
      await rec('timeout', day(5), 5000);
      await rec('success', day(20), 10); // out of range
      const metrics = await call('calculate_agent_metrics', {
        agent_id: id,
        start_date: '2025-12-01T00:00:00Z',
        end_date: '2025-12-10T23:59:59Z',
      });
      expect(metrics).toEqual({
        agent_id: id,
        start_date: '2025-12-01T00:00:00.000Z',
        end_date: '2025-12-10T23:59:59.000Z',
        executions: 4,
        succeeded: 2,
        failed: 1,
        timeouts: 1,
        success_rate: 50,
        avg_duration_ms: 1400,
      });
      const empty = await call('calculate_agent_metrics', {
        agent_id: id,
        start_date: '2024-01-01T00:00:00+02:00',
        end_date: '2024-02-01T00:00:00Z',
      });
      expect(empty).toMatchObject({ executions: 0, success_rate: null, avg_duration_ms: null });
      await expect(
        call('calculate_agent_metrics', {
          agent_id: 'ghost',
          start_date: '2025-12-01T00:00:00Z',
          end_date: '2025-12-02T00:00:00Z',
        }),
      ).rejects.toThrow('No agent with id "ghost"');
    });

    it('refuses bad arguments when the task is sent, naming the field', async () => {
      const client = app.get(TaskClient);
      const send = (name: string, kwargs: Record<string, unknown>) =>
        client.applyAsync(`${TASKS}.${name}`, { kwargs });
      const refusal = async (promise: Promise<unknown>) => {
        const err = await promise.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(TaskInputError);
        return err as TaskInputError;
      };
      const range = { agent_id: 'a', start_date: '2025-12-01T00:00:00Z' };
      expect(
        (await refusal(send('calculate_agent_metrics', { ...range, end_date: 'yesterday' }))).field,
      ).toBe('end_date');
      expect(
        (
          await refusal(
            send('calculate_agent_metrics', { ...range, start_date: '2025-12-01', end_date: 'x' }),
          )
        ).field,
      ).toBe('start_date');
      const reversed = await refusal(
        send('calculate_agent_metrics', { ...range, end_date: '2025-11-01T00:00:00Z' }),
      );
      expect(reversed.field).toBe('start_date');
      expect(reversed.message).toMatch(/must not be after end_date/);
      expect(
        (await refusal(send('execute_agent_task_async', { agent_id: 'a', task_data: [1] }))).field,
      ).toBe('task_data');
      expect((await refusal(send('check_agent_heartbeats', { threshold_seconds: -5 }))).field).toBe(
        'threshold_seconds',
      );
      // Thresholds have floors: below them a sweep would act on agents between two heartbeats.
      const early = await refusal(send('check_agent_heartbeats', { threshold_seconds: 29 }));
      expect([early.field, early.message]).toEqual([
        'threshold_seconds',
        expect.stringMatching(/>= 30/),
      ]);
      const eager = await refusal(
        send('cleanup_inactive_agents', { inactive_threshold_minutes: 5 }),
      );
      expect([eager.field, eager.message]).toEqual([
        'inactive_threshold_minutes',
        expect.stringMatching(/>= 60/),
      ]);
      expect((await refusal(send('run_agent_health_check', { agent_id: '' }))).field).toBe(
        'agent_id',
      );
    });
  },
);
