import type { DatabaseConfig } from '@brain/config';
import request from 'supertest';
import { FakeAgentServer } from './support/agent-server';
import { ApiProcess, TEST_ADMIN_KEY, databaseUrl, freePort } from './support/api-process';
import { BrainProcess, FIXTURE_TASKS } from './support/brain-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import {
  type Answer,
  AnswerChecker,
  type HttpMethod,
  type OpenApiDocument,
  type OpenApiOperation,
  operationsOf,
} from './support/openapi';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

/**
 * Every operation of the served OpenAPI document, called for real (a worker runs the tasks, beat
 * registers its schedules), its answers validated against the document: success and error
 * statuses, each body against the schema documented for its status.
 */

const MISSING_ID = '00000000-0000-0000-0000-000000000000';
const TOO_LARGE = 'x'.repeat(300 * 1024);
const HEALTH_CHECK = 'backend.app.tasks.agent_tasks.run_agent_health_check';

interface Fixtures {
  /** Task ids by the state each is in when the read-only calls run. */
  tasks: Record<'SUCCESS' | 'FAILURE' | 'RETRY' | 'PENDING' | 'STARTED' | 'REVOKED', string>;
  agentServer: FakeAgentServer;
}

type Key = string | null;

describe('the OpenAPI document against real answers (real API, worker and beat processes)', () => {
  let api: ApiProcess;
  let worker: BrainProcess;
  let beat: BrainProcess;
  let database: DatabaseConfig;
  let doc: OpenApiDocument;
  let checker: AnswerChecker;
  const keys = { viewer: '', operator: '' };
  const fixtures = { tasks: {} } as Fixtures;
  /** Statuses seen per operation, to prove every documented one is answered somewhere. */
  const seen = new Map<string, Set<number>>();

  /** Asserts the answer agrees with the document, and records its status. */
  const check = <T extends Answer>(operation: string, answer: T): T => {
    expect(checker.problems(operation, answer)).toEqual([]);
    if (!seen.has(operation)) seen.set(operation, new Set());
    seen.get(operation)!.add(answer.status);
    return answer;
  };

  const as = (key: Key = TEST_ADMIN_KEY) => {
    const http = request(api.url);
    return (method: HttpMethod, path: string) => {
      const t = http[method](path);
      return key ? t.set('Authorization', `Bearer ${key}`) : t;
    };
  };

  const send = async (body: Record<string, unknown>) =>
    check('POST /api/tasks/execute', await as()('post', '/api/tasks/execute').send(body)).body as {
      task_id: string;
    };

  const taskState = async (id: string) =>
    (
      check('GET /api/tasks/{task_id}', await as()('get', `/api/tasks/${id}`)).body as {
        status: string;
      }
    ).status;

  const waitState = (id: string, state: string) =>
    waitFor(
      async () => ((await taskState(id)) === state ? true : undefined),
      `${id} to be ${state}`,
    );

  beforeAll(async () => {
    const prefix = uniquePrefix('api-openapi');
    database = await testSqliteConfig('api-openapi');
    fixtures.agentServer = await FakeAgentServer.start();
    // The fake agents are internal (loopback): allowed on purpose.
    const OUTBOUND_ALLOW = new URL(fixtures.agentServer.url).host;
    const shared = { DATABASE_URL: databaseUrl(database), OUTBOUND_ALLOW };
    beat = new BrainProcess(['beat', 'start'], prefix);
    [api, worker] = await Promise.all([
      ApiProcess.start(prefix, database, {
        BRAIN_INCLUDE: FIXTURE_TASKS,
        OUTBOUND_ALLOW,
        // The webhook secret's calls need the keyring.
        BRAIN_MASTER_KEY: 'api-openapi-e2e-master-key-0123456789',
      }),
      // The worker shares the API's database: agent executions and missions are recorded there.
      BrainProcess.worker(prefix, ['--concurrency', '2'], false, shared),
      beat.waitForOutput(/schedule\(s\) registered/),
    ]);
    doc = (await request(api.url).get('/api/docs-json').expect(200)).body as OpenApiDocument;
    checker = new AnswerChecker(doc);
    for (const role of ['viewer', 'operator'] as const) {
      const res = await as()('post', '/api/keys').send({ name: role, role });
      keys[role] = check('POST /api/keys', res).body.secret as string;
    }

    // A task in each state, for the reads to answer with.
    const t = fixtures.tasks;
    t.SUCCESS = (await send({ task_name: 'tests.add', args: [1, 2] })).task_id;
    t.FAILURE = (await send({ task_name: 'tests.always_fails' })).task_id;
    t.RETRY = (await send({ task_name: 'tests.retry_later', kwargs: { seconds: 600 } })).task_id;
    t.PENDING = (await send({ task_name: 'tests.add', args: [2, 2], countdown: 600 })).task_id;
    t.STARTED = (await send({ task_name: 'tests.sleep', kwargs: { seconds: 60 } })).task_id;
    t.REVOKED = (await send({ task_name: 'tests.add', args: [3, 3], countdown: 600 })).task_id;
    check(
      'DELETE /api/tasks/{task_id}',
      await as()('delete', `/api/tasks/${t.REVOKED}`).expect(200),
    );
    for (const [state, id] of Object.entries(t)) await waitState(id, state);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop(), beat?.stop()]);
    await fixtures.agentServer?.stop();
    if (database) await dropTestDatabase(database);
  });

  /**
   * How to call each documented operation, in an order that leaves what later calls read (the
   * destructive ones last). Each call's answer goes through `check`. 401s and 403s are proven
   * for every operation at once, below.
   */
  const CALLS: Record<string, () => Promise<void>> = {
    'GET /health': async () => {
      check('GET /health', await as(null)('get', '/health').expect(200));
      check('GET /health', await as()('get', '/health').expect(200));
      check('GET /health', await as('brn_not-a-key-at-all')('get', '/health').expect(401));
    },
    'GET /metrics': async () => {
      check('GET /metrics', await as(keys.viewer)('get', '/metrics').expect(200));
    },
    'GET /api/tasks/registered/list': async () => {
      const op = 'GET /api/tasks/registered/list';
      check(op, await as(keys.viewer)('get', '/api/tasks/registered/list').expect(200));
    },
    'POST /api/tasks/execute': async () => {
      const op = 'POST /api/tasks/execute';
      const post = () => as(keys.operator)('post', '/api/tasks/execute');
      check(op, await post().send({ task_name: 'tests.add', args: [1, 1], eta: future() }));
      const bad = check(op, await post().send({ task_name: 'tests.add', countdown: -1 }));
      expect(bad.body).toMatchObject({ statusCode: 400, field: 'countdown' });
      const unknown = check(op, await post().send({ task_name: 'tests.nope' }));
      expect(unknown.status).toBe(400);
      // An operator's key, but a task declared for admins.
      const guarded = check(op, await post().send({ task_name: 'tests.admin_only' }));
      expect(guarded.body).toMatchObject({ statusCode: 403, message: /needs the admin role/ });
      const malformed = post().set('Content-Type', 'application/json').send('{"task_name":');
      expect(check(op, await malformed).status).toBe(400);
      const large = await post().send({ task_name: 'tests.add', args: [TOO_LARGE] });
      expect(check(op, large).status).toBe(413);
    },
    'GET /api/tasks': async () => {
      const res = check('GET /api/tasks', await as(keys.viewer)('get', '/api/tasks?limit=100'));
      const rows = (res.body as { tasks: Array<{ task_id: string; status: string }> }).tasks;
      // Every state is among the rows validated, `error: null` and error objects alike.
      for (const [state, id] of Object.entries(fixtures.tasks))
        expect(rows).toContainEqual(expect.objectContaining({ task_id: id, status: state }));
      const bad = await as(keys.viewer)('get', '/api/tasks?status=DONE');
      expect(check('GET /api/tasks', bad).body).toMatchObject({ field: 'status' });
    },
    'GET /api/tasks/{task_id}': async () => {
      const op = 'GET /api/tasks/{task_id}';
      for (const [state, id] of Object.entries(fixtures.tasks)) {
        const res = check(op, await as(keys.viewer)('get', `/api/tasks/${id}`).expect(200));
        expect(res.body).toMatchObject({ task_id: id, status: state });
      }
      check(op, await as(keys.viewer)('get', `/api/tasks/${MISSING_ID}`).expect(404));
    },
    'GET /api/tasks/active/list': async () => {
      // Active tasks come with the workers' heartbeats, every few seconds.
      await waitFor(async () => {
        const res = await as(keys.viewer)('get', '/api/tasks/active/list').expect(200);
        const active = check('GET /api/tasks/active/list', res).body as Array<{ task_id: string }>;
        return active.some((t) => t.task_id === fixtures.tasks.STARTED) ? true : undefined;
      }, 'the running task in active/list');
    },
    'GET /api/tasks/scheduled/list': async () => {
      const res = await as(keys.viewer)('get', '/api/tasks/scheduled/list').expect(200);
      const body = check('GET /api/tasks/scheduled/list', res).body as Array<{
        task_id: string;
        retry: boolean;
        schedule: { every_seconds: number | null; cron: string | null } | null;
      }>;
      // A countdown, a retry, and periodic schedules of both kinds (every, cron).
      expect(body).toContainEqual(
        expect.objectContaining({ task_id: fixtures.tasks.PENDING, schedule: null }),
      );
      expect(body).toContainEqual(
        expect.objectContaining({ task_id: fixtures.tasks.RETRY, retry: true }),
      );
      expect(body.some((s) => s.schedule?.every_seconds)).toBe(true);
      expect(body.some((s) => s.schedule?.cron)).toBe(true);
    },
    'GET /api/tasks/workers/stats': async () => {
      const res = await as(keys.viewer)('get', '/api/tasks/workers/stats').expect(200);
      expect(check('GET /api/tasks/workers/stats', res).body).toMatchObject({ total_workers: 1 });
    },
    'DELETE /api/tasks/{task_id}': async () => {
      const op = 'DELETE /api/tasks/{task_id}';
      const del = (path: string) => as(keys.operator)('delete', path);
      const running = fixtures.tasks.STARTED;
      check(op, await del(`/api/tasks/${running}?terminate=true`).expect(200));
      check(op, await del(`/api/tasks/${fixtures.tasks.SUCCESS}`).expect(200));
      check(op, await del(`/api/tasks/${MISSING_ID}`).expect(404));
      check(op, await del(`/api/tasks/${fixtures.tasks.PENDING}?terminate=maybe`).expect(400));
      await waitState(running, 'REVOKED');
    },
    'POST /api/tasks/{task_id}/retry': async () => {
      const op = 'POST /api/tasks/{task_id}/retry';
      const retry = (id: string) => as(keys.operator)('post', `/api/tasks/${id}/retry`);
      const again = check(op, await retry(fixtures.tasks.FAILURE).expect(201));
      // Its record names the task it re-runs (parent_id), read back through the document too.
      const child = (again.body as { task_id: string }).task_id;
      await waitState(child, 'FAILURE');
      check(op, await retry(fixtures.tasks.SUCCESS).expect(409));
      check(op, await retry(MISSING_ID).expect(404));
      const guarded = await as()('post', '/api/tasks/execute').send({
        task_name: 'tests.admin_only',
        countdown: 600,
      });
      const guardedId = (check('POST /api/tasks/execute', guarded).body as { task_id: string })
        .task_id;
      check('DELETE /api/tasks/{task_id}', await as()('delete', `/api/tasks/${guardedId}`));
      check(op, await retry(guardedId).expect(403));
    },
    'POST /api/keys': async () => {
      const post = () => as()('post', '/api/keys');
      const expiring = { name: 'expiring', role: 'viewer', expires_at: future() };
      check('POST /api/keys', await post().send(expiring).expect(201));
      check('POST /api/keys', await post().send({ name: 'x', role: 'root' }).expect(400));
      check('POST /api/keys', await post().send({ name: TOO_LARGE, role: 'viewer' }).expect(413));
    },
    'GET /api/keys': async () => {
      // Used (last_used_at), unused, expiring and revoked keys are all in the list.
      check('GET /api/keys', await as()('get', '/api/keys').expect(200));
    },
    'DELETE /api/keys/{id}': async () => {
      const op = 'DELETE /api/keys/{id}';
      const made = await as()('post', '/api/keys').send({ name: 'doomed', role: 'viewer' });
      const id = (check('POST /api/keys', made).body as { id: string }).id;
      check(op, await as()('delete', `/api/keys/${id}`).expect(204));
      check(op, await as()('delete', `/api/keys/${id}`).expect(404));
      check('GET /api/keys', await as()('get', '/api/keys').expect(200));
    },
    'POST /api/agents': async () => {
      const op = 'POST /api/agents';
      const post = () => as(keys.operator)('post', '/api/agents');
      const server = fixtures.agentServer;
      const ok = {
        id: 'ok_agent',
        name: 'OK',
        endpoint: server.endpoint('ok'),
        metadata: { a: 1 },
      };
      check(op, await post().send(ok).expect(201));
      check(op, await post().send({ id: 'bare_agent', name: 'Bare' }).expect(201));
      const broken = { id: 'broken_agent', name: 'Broken', endpoint: server.endpoint('broken') };
      check(op, await post().send(broken).expect(201));
      check(op, await post().send({ id: 'x', name: 'x', endpoint: 'ftp://x' }).expect(400));
      const internal = { id: 'x', name: 'x', endpoint: 'http://169.254.169.254' };
      check(op, await post().send(internal).expect(400));
      check(op, await post().send({ id: 'x', name: TOO_LARGE }).expect(413));
      // Another operator may not re-point an agent; an admin may.
      const other = await as()('post', '/api/keys').send({ name: 'operator2', role: 'operator' });
      const otherKey = (check('POST /api/keys', other).body as { secret: string }).secret;
      check(op, await as(otherKey)('post', '/api/agents').send(ok).expect(403));
      check(op, await as()('post', '/api/agents').send(ok).expect(201));
    },
    'POST /api/agents/{id}/heartbeat': async () => {
      const op = 'POST /api/agents/{id}/heartbeat';
      const beat = (id: string) => as(keys.operator)('post', `/api/agents/${id}/heartbeat`);
      check(op, await beat('ok_agent').expect(200));
      check(op, await beat('nobody').expect(404));
    },
    'GET /api/agents/{id}': async () => {
      const op = 'GET /api/agents/{id}';
      // A successful execution (with the agent's answer) and a failed one (HTTP 500).
      for (const agent_id of ['ok_agent', 'broken_agent']) {
        const sent = await send({ task_name: HEALTH_CHECK, kwargs: { agent_id } });
        await waitFor(
          async () => ['SUCCESS', 'FAILURE'].includes(await taskState(sent.task_id)) || undefined,
          `the health check of ${agent_id}`,
        );
        const res = check(op, await as(keys.viewer)('get', `/api/agents/${agent_id}`).expect(200));
        expect((res.body as { recent_executions: unknown[] }).recent_executions).toHaveLength(1);
      }
      check(op, await as(keys.viewer)('get', '/api/agents/bare_agent').expect(200));
      check(op, await as(keys.viewer)('get', '/api/agents/nobody').expect(404));
    },
    'GET /api/agents': async () => {
      const res = check('GET /api/agents', await as(keys.viewer)('get', '/api/agents').expect(200));
      expect(res.body).toMatchObject({ total: 3 });
      check('GET /api/agents', await as(keys.viewer)('get', '/api/agents?limit=0').expect(400));
    },
    'POST /api/missions': async () => {
      const op = 'POST /api/missions';
      const post = () => as(keys.operator)('post', '/api/missions');
      const steps = (step: Record<string, unknown>) => ({ steps: [step] });
      const sum = steps({ type: 'compute', op: 'sum', values: [1, 2] });
      const failing = steps({ type: 'http', url: fixtures.agentServer.endpoint('broken') });
      const held = { id: 'm_held', name: 'held', payload: {}, process: false };
      check(op, await post().send(held).expect(201));
      check(op, await post().send({ id: 'm_done', name: 'done', payload: sum }).expect(201));
      check(
        op,
        await post().send({ id: 'm_failed', name: 'failed', payload: failing }).expect(201),
      );
      check(op, await post().send({ id: 'm_held', name: 'again', payload: {} }).expect(409));
      check(op, await post().send({ name: 'bad', payload: {}, priority: 10 }).expect(400));
      check(op, await post().send({ name: 'big', payload: { TOO_LARGE } }).expect(413));
    },
    'GET /api/missions/{id}': async () => {
      const op = 'GET /api/missions/{id}';
      const get = (id: string) => as(keys.viewer)('get', `/api/missions/${id}`);
      for (const [id, status] of [
        ['m_held', 'pending'],
        ['m_done', 'completed'],
        ['m_failed', 'failed'],
      ]) {
        await waitFor(async () => {
          const res = check(op, await get(id).expect(200));
          return (res.body as { status: string }).status === status ? true : undefined;
        }, `mission ${id} to be ${status}`);
      }
      check(op, await get('m_nope').expect(404));
    },
    'GET /api/missions': async () => {
      const res = await as(keys.viewer)('get', '/api/missions').expect(200);
      expect(check('GET /api/missions', res).body.missions).toHaveLength(3);
      const bad = await as(keys.viewer)('get', '/api/missions?since=yesterday').expect(400);
      check('GET /api/missions', bad);
    },
    'GET /api/notifications/webhook-secret': async () => {
      const op = 'GET /api/notifications/webhook-secret';
      check(op, await as()('get', '/api/notifications/webhook-secret').expect(200));
    },
    'POST /api/notifications/webhook-secret/rotate': async () => {
      const op = 'POST /api/notifications/webhook-secret/rotate';
      const post = () => as()('post', '/api/notifications/webhook-secret/rotate');
      check(op, await post().send({ grace_seconds: 60 }).expect(200));
      check(op, await post().send({ grace_seconds: 'soon' }).expect(400));
      check(op, await post().send({ grace_seconds: TOO_LARGE }).expect(413));
    },
    'GET /api/audit': async () => {
      const op = 'GET /api/audit';
      // The refusals above are in it, with their reasons (a string, or null).
      const refused = check(op, await as()('get', '/api/audit?status=403&limit=500').expect(200));
      expect((refused.body as { entries: unknown[] }).entries.length).toBeGreaterThan(0);
      check(op, await as()('get', '/api/audit?limit=500').expect(200));
      check(op, await as()('get', '/api/audit?status=teapot').expect(400));
    },
    'POST /api/tasks/purge/queue': async () => {
      const op = 'POST /api/tasks/purge/queue';
      check(op, await as()('post', '/api/tasks/purge/queue?queue_name=default').expect(200));
      check(op, await as()('post', '/api/tasks/purge/queue?queue_name=nope').expect(400));
    },
    'POST /api/tasks/cancel/all': async () => {
      const op = 'POST /api/tasks/cancel/all';
      check(op, await as()('post', '/api/tasks/cancel/all?terminate=true').expect(200));
      check(op, await as()('post', '/api/tasks/cancel/all?terminate=yes').expect(400));
    },
    'POST /api/tasks/purge/results': async () => {
      const res = await as()('post', '/api/tasks/purge/results').expect(200);
      check('POST /api/tasks/purge/results', res);
    },
  };

  it.each(Object.keys(CALLS))('%s answers as documented', async (operation) => {
    await CALLS[operation]();
  });

  /** A path of the operation with its parameters filled in: ids that exist nowhere. */
  const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'no-such-id');

  it('refuses a missing key (401) and a too low role (403) as documented, on every operation', async () => {
    for (const { key, method, path, operation } of operationsOf(doc)) {
      const anonymous = check(key, await as(null)(method, concrete(path)));
      const isPublic = isKeyOptional(operation);
      // Public operations answer without a key; the others refuse it, whatever the request.
      expect([key, anonymous.status === 401]).toEqual([key, !isPublic]);
      if (isPublic) continue;
      const viewer = check(key, await as(keys.viewer)(method, concrete(path)));
      expect([key, viewer.status === 403]).toEqual([key, '403' in operation.responses]);
    }
  });

  it('has a call for every documented operation, and each documented status was answered', () => {
    const documented = operationsOf(doc).map((op) => op.key);
    expect(Object.keys(CALLS).sort()).toEqual(documented.sort());
    // 503s are answered by the API without Redis, 429s by one that limits failed keys (the
    // suites below); the rest must be seen here.
    const missing = operationsOf(doc).flatMap(({ key, operation }) =>
      Object.keys(operation.responses)
        .filter((status) => !['429', '503'].includes(status))
        .filter((status) => !seen.get(key)?.has(Number(status)))
        .map((status) => `${key} ${status}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('the OpenAPI document against the answers of an API without Redis (real API process)', () => {
  let api: ApiProcess;
  let database: DatabaseConfig;

  beforeAll(async () => {
    database = await testSqliteConfig('api-openapi-down');
    // Nothing listens on this port: every Redis call fails at once.
    const redis = `redis://127.0.0.1:${await freePort()}`;
    api = await ApiProcess.start(uniquePrefix('api-openapi-down'), database, { REDIS_URL: redis });
  });

  afterAll(async () => {
    await api?.stop();
    if (database) await dropTestDatabase(database);
  });

  it('answers every operation with a documented status and body; each documented 503 is one', async () => {
    const doc = (await request(api.url).get('/api/docs-json').expect(200)).body as OpenApiDocument;
    const checker = new AnswerChecker(doc);
    const answers = await Promise.all(
      operationsOf(doc).map(async ({ key, method, path, operation }) => {
        const call = request(api.url)
          [method](path.replace(/\{[^}]+\}/g, 'no-such-id'))
          .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`);
        const res = await (method === 'post' ? call.send({}) : call);
        return { key, status: res.status, expected: '503' in operation.responses, res };
      }),
    );
    for (const { key, res } of answers) expect(checker.problems(key, res)).toEqual([]);
    const unavailable = answers.filter((a) => a.expected).map((a) => [a.key, a.status]);
    expect(unavailable).toEqual(unavailable.map(([key]) => [key, 503]));
    expect(unavailable.map(([key]) => key)).toContain('GET /health');
  });
});

describe('the OpenAPI document against the answers of an API refusing a client that failed too often (real API process)', () => {
  let api: ApiProcess;
  let database: DatabaseConfig;

  beforeAll(async () => {
    database = await testSqliteConfig('api-openapi-limited');
    api = await ApiProcess.start(uniquePrefix('api-openapi-limited'), database, {
      AUTH_RATE_LIMIT: '1/600',
    });
  });

  afterAll(async () => {
    await api?.stop();
    if (database) await dropTestDatabase(database);
  });

  it('answers 429 with Retry-After on every operation taking a key, as documented', async () => {
    const doc = (await request(api.url).get('/api/docs-json').expect(200)).body as OpenApiDocument;
    const checker = new AnswerChecker(doc);
    await api.as('brn_not-a-key-at-all').get('/api/keys').expect(401);
    for (const { key, method, path, operation } of operationsOf(doc)) {
      const call = request(api.url)
        [method](path.replace(/\{[^}]+\}/g, 'no-such-id'))
        .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`);
      const res = await (method === 'post' ? call.send({}) : call);
      const takesKey = operation.security?.some((r) => Object.keys(r).length > 0) ?? false;
      expect([key, res.status, '429' in operation.responses]).toEqual([key, 429, takesKey]);
      expect(checker.problems(key, res)).toEqual([]);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
  });
});

/** `security: []`, or an empty requirement among others (`[{}, {api-key: []}]`): no key needed. */
function isKeyOptional(operation: OpenApiOperation): boolean {
  const security = operation.security;
  return !!security && (security.length === 0 || security.some((r) => !Object.keys(r).length));
}

/** An hour from now, ISO 8601. */
function future(): string {
  return new Date(Date.now() + 3_600_000).toISOString();
}
