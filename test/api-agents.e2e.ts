import SqliteDatabase from 'better-sqlite3';
import type { DatabaseConfig } from '@brain/config';
import { FakeAgentServer } from './support/agent-server';
import { ApiProcess, databaseUrl } from './support/api-process';
import { BrainProcess } from './support/brain-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

const TASKS = 'backend.app.tasks.agent_tasks';

interface Status {
  task_id: string;
  status: string;
  result: unknown;
  error: { type: string; message: string } | null;
}

describe('the agents API and agent tasks (real API and worker processes, SQLite)', () => {
  let api: ApiProcess;
  let worker: BrainProcess;
  let database: Extract<DatabaseConfig, { kind: 'sqlite' }>;
  let server: FakeAgentServer;
  /** `other` is a second operator key. */
  const keys: Record<'operator' | 'other' | 'viewer', string> = {
    operator: '',
    other: '',
    viewer: '',
  };

  beforeAll(async () => {
    const prefix = uniquePrefix('api-agents');
    database = (await testSqliteConfig('api-agents')) as typeof database;
    server = await FakeAgentServer.start();
    // The fake agents are internal (loopback): allowed on purpose, that one port only.
    const OUTBOUND_ALLOW = new URL(server.url).host;
    [api, worker] = await Promise.all([
      ApiProcess.start(prefix, database, { OUTBOUND_ALLOW }),
      // The worker shares the API's database: it records the executions the API shows.
      BrainProcess.worker(prefix, ['--concurrency', '2', '--hostname', 'agents-worker'], false, {
        DATABASE_URL: databaseUrl(database),
        OUTBOUND_ALLOW,
      }),
    ]);
    for (const role of ['operator', 'other', 'viewer'] as const) {
      const res = await api
        .as()
        .post('/api/keys')
        .send({ name: `${role}-key`, role: role === 'other' ? 'operator' : role })
        .expect(201);
      keys[role] = res.body.secret as string;
    }
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await server?.stop();
    if (database) await dropTestDatabase(database);
  });

  const execute = async (task_name: string, kwargs: Record<string, unknown>) => {
    const res = await api.as(keys.operator).post('/api/tasks/execute').send({ task_name, kwargs });
    expect(res.status).toBe(201);
    expect(res.body.queue).toBe('agents');
    return res.body as { task_id: string };
  };

  const waitStatus = (id: string, states: string[]) =>
    waitFor(
      async () => {
        const s = (await api.as().get(`/api/tasks/${id}`)).body as Status;
        return states.includes(s.status) ? s : undefined;
      },
      `${id} to reach ${states.join('/')}`,
    );

  it('registers an agent (operator), takes its heartbeat, shows it (viewer)', async () => {
    const registered = await api
      .as(keys.operator)
      .post('/api/agents')
      .send({
        id: 'ops_agent',
        name: 'Ops Agent',
        endpoint: server.endpoint('ok'),
        metadata: { team: 'ops' },
      });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      id: 'ops_agent',
      name: 'Ops Agent',
      endpoint: server.endpoint('ok'),
      status: 'active',
      metadata: { team: 'ops' },
      last_heartbeat_at: null,
    });

    const beat = await api.as(keys.operator).post('/api/agents/ops_agent/heartbeat');
    expect(beat.status).toBe(200);
    expect(Date.parse(beat.body.last_heartbeat_at as string)).toBeGreaterThan(Date.now() - 10_000);
    await api.as(keys.operator).post('/api/agents/nobody/heartbeat').expect(404);

    const got = await api.as(keys.viewer).get('/api/agents/ops_agent').expect(200);
    expect(got.body).toMatchObject({ id: 'ops_agent', status: 'active', recent_executions: [] });
    await api.as(keys.viewer).get('/api/agents/nobody').expect(404);

    const list = await api.as(keys.viewer).get('/api/agents?status=active&limit=10').expect(200);
    expect(list.body).toMatchObject({ total: 1, limit: 10, offset: 0 });
    expect((list.body as { agents: Array<{ id: string }> }).agents.map((a) => a.id)).toEqual([
      'ops_agent',
    ]);
    const inactive = await api.as(keys.viewer).get('/api/agents?status=inactive').expect(200);
    expect(inactive.body.agents).toEqual([]);

    // Both mutating calls are audited, with the agent as target.
    const db = new SqliteDatabase(database.path, { readonly: true });
    try {
      const rows = db
        .prepare(`select action, target, principal from audit_log where action like 'agent.%'`)
        .all();
      expect(rows).toEqual(
        expect.arrayContaining([
          { action: 'agent.register', target: 'ops_agent', principal: 'operator-key' },
          { action: 'agent.heartbeat', target: 'ops_agent', principal: 'operator-key' },
        ]),
      );
    } finally {
      db.close();
    }
  });

  it('checks roles and validates the registration', async () => {
    const body = { id: 'viewer_try', name: 'x' };
    await api.as(keys.viewer).post('/api/agents').send(body).expect(403);
    await api.as(keys.viewer).post('/api/agents/ops_agent/heartbeat').expect(403);
    await api.as(null).get('/api/agents').expect(401);

    const badUrl = await api
      .as(keys.operator)
      .post('/api/agents')
      .send({ ...body, endpoint: 'ftp://example.com' });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body).toMatchObject({ field: 'endpoint', message: /http\(s\) URL/ });
    const badId = await api
      .as(keys.operator)
      .post('/api/agents')
      .send({ ...body, id: 'has space' });
    expect(badId.body).toMatchObject({ statusCode: 400, field: 'id' });
    const badStatus = await api.as(keys.viewer).get('/api/agents?status=sleeping');
    expect(badStatus.body).toMatchObject({ statusCode: 400, field: 'status' });
  });

  it('refuses endpoints at internal addresses not allowlisted: 400 naming the field', async () => {
    const port = new URL(server.url).port;
    const refused = {
      [`http://127.0.0.1:${Number(port) + 1}`]: '127.0.0.1 is a loopback address',
      'http://[::1]:8080': '::1 is a loopback address',
      'http://10.0.0.1': '10.0.0.1 is a private address',
      'http://169.254.169.254/latest': '169.254.169.254 is a link-local address',
      [`http://localhost:${port}`]: 'localhost is a loopback host name',
      'http://[::ffff:127.0.0.1]': '127.0.0.1 is a loopback address',
    };
    for (const [endpoint, reason] of Object.entries(refused)) {
      const res = await api
        .as(keys.operator)
        .post('/api/agents')
        .send({ id: 'internal_agent', name: 'x', endpoint });
      expect([endpoint, res.status, res.body.field, res.body.message]).toEqual([
        endpoint,
        400,
        'endpoint',
        `endpoint is refused: ${reason} (see OUTBOUND_ALLOW)`,
      ]);
    }
    await api.as(keys.viewer).get('/api/agents/internal_agent').expect(404);
  });

  it('lets no other operator re-point an agent (403); its own key and an admin may', async () => {
    const agent = { id: 'owned_agent', name: 'Owned', endpoint: server.endpoint('ok') };
    const registered = await api.as(keys.operator).post('/api/agents').send(agent).expect(201);
    expect(registered.body.registered_by).toMatchObject({ name: 'operator-key', role: 'operator' });

    const hijack = await api
      .as(keys.other)
      .post('/api/agents')
      .send({ ...agent, endpoint: 'https://attacker.example' });
    expect(hijack.status).toBe(403);
    expect(hijack.body.message).toBe(
      'Agent "owned_agent" was registered by key "operator-key": only that key or an admin may register it again',
    );
    const kept = await api.as(keys.viewer).get('/api/agents/owned_agent').expect(200);
    expect(kept.body.endpoint).toBe(agent.endpoint);

    await api
      .as(keys.operator)
      .post('/api/agents')
      .send({ ...agent, name: 'Owned 2' })
      .expect(201);
    const byAdmin = await api
      .as()
      .post('/api/agents')
      .send({ ...agent, endpoint: server.endpoint('broken') })
      .expect(201);
    expect(byAdmin.body).toMatchObject({
      endpoint: server.endpoint('broken'),
      registered_by: { name: 'operator-key' },
    });
  });

  it('runs health checks and actions sent through the API on a real worker, and records them', async () => {
    await api
      .as(keys.operator)
      .post('/api/agents')
      .send({ id: 'broken_agent', name: 'Broken', endpoint: server.endpoint('broken') })
      .expect(201);

    const check = await execute(`${TASKS}.run_agent_health_check`, { agent_id: 'ops_agent' });
    const checked = await waitStatus(check.task_id, ['SUCCESS', 'FAILURE']);
    expect(checked).toMatchObject({
      status: 'SUCCESS',
      result: { agent_id: 'ops_agent', healthy: true, status: 'success', http_status: 200 },
    });

    const task_data = { action: 'deploy', environment: 'production' };
    const action = await execute(`${TASKS}.execute_agent_task_async`, {
      agent_id: 'ops_agent',
      task_data,
    });
    expect(await waitStatus(action.task_id, ['SUCCESS', 'FAILURE'])).toMatchObject({
      status: 'SUCCESS',
      result: {
        agent_id: 'ops_agent',
        action: 'deploy',
        status: 'success',
        http_status: 200,
        response: { accepted: true, received: task_data },
      },
    });
    expect(server.received).toContainEqual({
      method: 'POST',
      path: '/ok/actions',
      body: task_data,
    });

    const refused = await execute(`${TASKS}.execute_agent_task_async`, {
      agent_id: 'broken_agent',
      task_data: { action: 'restart' },
    });
    const failed = await waitStatus(refused.task_id, ['SUCCESS', 'FAILURE']);
    expect(failed.status).toBe('FAILURE');
    expect(failed.error).toMatchObject({
      type: 'AgentActionFailedError',
      message: expect.stringMatching(/HTTP 500/),
    });

    const unknown = await execute(`${TASKS}.run_agent_health_check`, { agent_id: 'ghost' });
    expect((await waitStatus(unknown.task_id, ['SUCCESS', 'FAILURE'])).error).toMatchObject({
      type: 'AgentNotFoundError',
      message: 'No agent with id "ghost"',
    });

    const shown = await api.as(keys.viewer).get('/api/agents/ops_agent').expect(200);
    expect(shown.body.recent_executions).toEqual([
      expect.objectContaining({ kind: 'action', action: 'deploy', status: 'success' }),
      expect.objectContaining({ kind: 'health_check', action: null, status: 'success' }),
    ]);
    const broken = await api.as(keys.viewer).get('/api/agents/broken_agent').expect(200);
    expect(broken.body.recent_executions).toEqual([
      expect.objectContaining({ action: 'restart', status: 'failed', http_status: 500 }),
    ]);

    const metrics = await execute(`${TASKS}.calculate_agent_metrics`, {
      agent_id: 'ops_agent',
      start_date: new Date(Date.now() - 3_600_000).toISOString(),
      end_date: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(await waitStatus(metrics.task_id, ['SUCCESS', 'FAILURE'])).toMatchObject({
      status: 'SUCCESS',
      result: { agent_id: 'ops_agent', executions: 2, succeeded: 2, success_rate: 100 },
    });
  });

  it('refuses bad dates when the task is sent: 400 naming the field', async () => {
    const send = (kwargs: Record<string, unknown>) =>
      api
        .as(keys.operator)
        .post('/api/tasks/execute')
        .send({ task_name: `${TASKS}.calculate_agent_metrics`, kwargs });
    const bad = await send({
      agent_id: 'ops_agent',
      start_date: '2025-12-01T00:00:00Z',
      end_date: 'not-a-date',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'end_date', message: /ISO 8601/ });
    const reversed = await send({
      agent_id: 'ops_agent',
      start_date: '2025-12-31T00:00:00Z',
      end_date: '2025-12-01T00:00:00Z',
    });
    expect(reversed.status).toBe(400);
    expect(reversed.body).toMatchObject({ field: 'start_date' });
  });
});
