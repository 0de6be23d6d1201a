import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DatabaseConfig } from '@brain/config';
import { ApiProcess, databaseUrl, TEST_ADMIN_KEY } from './support/api-process';
import { BrainProcess, FIXTURE_TASKS } from './support/brain-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

// Each secret distinct, so that a leak says which path it took.
const AUTHORIZATION = 'Bearer authz-s3cret-a1b2c3';
const COOKIE = 'sid=cookie-s3cret-d4e5f6';
const API_KEY = 'apikey-s3cret-g7h8i9';
const URL_PASSWORD = 'pa55word-s3cret-j1k2';
const URL_TOKEN = 'token-s3cret-l3m4';
const BODY_PASSWORD = 'body-s3cret-n5o6';
const HOOK_TOKEN = 'hook-s3cret-p7q8';
const AGENT_PASSWORD = 'agent-s3cret-r9s1';
const AGENT_KEY = 'agentkey-s3cret-t2u3';
const SECRETS = [
  AUTHORIZATION.slice('Bearer '.length),
  COOKIE.slice('sid='.length),
  API_KEY,
  URL_PASSWORD,
  URL_TOKEN,
  BODY_PASSWORD,
  HOOK_TOKEN,
  AGENT_PASSWORD,
  AGENT_KEY,
];

/** The secrets found in `text` (none, when all is well). */
const leaked = (text: string) => SECRETS.filter((s) => text.includes(s));

describe('secrets of missions, agents and task errors (real API and worker, one policy)', () => {
  let api: ApiProcess;
  let worker: BrainProcess;
  let database: DatabaseConfig;
  let server: Server;
  let port: number;
  let viewerKey: string;
  const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
  /** Every answer the API gave in this file, to search for secrets. */
  const answers: string[] = [];

  beforeAll(async () => {
    const prefix = uniquePrefix('redaction');
    database = await testSqliteConfig('redaction');
    // A third party the mission calls: it fails the step; it takes the notification webhook.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '/', headers: req.headers, body });
        if (req.url?.startsWith('/notify')) return res.writeHead(204).end();
        res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream broke');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    const OUTBOUND_ALLOW = `127.0.0.1:${port}`;
    [api, worker] = await Promise.all([
      ApiProcess.start(prefix, database, { OUTBOUND_ALLOW, BRAIN_INCLUDE: FIXTURE_TASKS }),
      BrainProcess.worker(prefix, ['--hostname', 'redaction-worker'], false, {
        DATABASE_URL: databaseUrl(database),
        BRAIN_MASTER_KEY: 'redaction-e2e-master-key-0123456789',
        OUTBOUND_ALLOW,
      }),
    ]);
    const key = await api.as().post('/api/keys').send({ name: 'viewer', role: 'viewer' });
    viewerKey = key.body.secret as string;
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await dropTestDatabase(database);
  });

  const get = async (path: string, key: string = viewerKey) => {
    const res = await api.as(key).get(path).expect(200);
    answers.push(res.text);
    return res.body as Record<string, unknown>;
  };
  const taskIn = (id: string, states: string[]) =>
    waitFor(
      async () => {
        const s = await get(`/api/tasks/${id}`);
        return states.includes(s.status as string) ? s : undefined;
      },
      `task ${id} in ${states.join('/')}`,
    );

  it('a failing mission shows *** to a viewer (and its creator); the run sent the real values', async () => {
    const stepUrl = `http://user:${URL_PASSWORD}@127.0.0.1:${port}/path?token=${URL_TOKEN}&page=2`;
    const hookUrl = `http://127.0.0.1:${port}/notify?token=${HOOK_TOKEN}`;
    const created = await api
      .as()
      .post('/api/missions')
      .send({
        name: 'secretive',
        payload: {
          steps: [
            {
              type: 'http',
              method: 'POST',
              url: stepUrl,
              headers: { Authorization: AUTHORIZATION, Cookie: COOKIE, 'X-Api-Key': API_KEY },
              body: { user: 'u', password: BODY_PASSWORD },
            },
          ],
          notify: { recipients: [hookUrl], notification_type: 'webhook' },
        },
      })
      .expect(201);
    answers.push(created.text);
    const { id, task_id } = created.body as { id: string; task_id: string };

    const task = await taskIn(task_id, ['FAILURE']);
    expect(task.error).toMatchObject({
      message: `Mission "${id}" failed: step 0 (http): POST http://127.0.0.1:${port}/path answered 500`,
    });

    const mission = await get(`/api/missions/${id}`);
    const masked = {
      steps: [
        {
          type: 'http',
          method: 'POST',
          url: `http://user:***@127.0.0.1:${port}/path?token=***&page=2`,
          headers: { Authorization: '***', Cookie: '***', 'X-Api-Key': '***' },
          body: { user: 'u', password: '***' },
        },
      ],
      notify: { recipients: [`http://127.0.0.1:${port}/notify?token=***`] },
    };
    expect(mission).toMatchObject({ status: 'failed', payload: masked });
    expect(mission.error).toMatch(
      /^step 0 \(http\): POST http:\/\/127\.0\.0\.1:\d+\/path answered 500$/,
    );
    // What its creator got back, and an admin reads, is masked as well: the store is the run's.
    expect(created.body).toMatchObject({ payload: masked });
    expect(await get(`/api/missions/${id}`, TEST_ADMIN_KEY)).toMatchObject({ payload: masked });
    const list = await get('/api/missions?status=failed');
    expect(list).toMatchObject({ missions: [{ id, payload: masked }] });

    // The call itself carried the real values.
    const call = received.find((r) => r.path.startsWith('/path'));
    expect(call).toMatchObject({
      path: `/path?token=${URL_TOKEN}&page=2`,
      headers: { authorization: AUTHORIZATION, cookie: COOKIE, 'x-api-key': API_KEY },
    });
    expect(JSON.parse(call!.body)).toEqual({ user: 'u', password: BODY_PASSWORD });

    // The notification: delivered to the real URL; its body and its task's record are masked.
    const notificationTask = await waitFor(async () => {
      const s = await get(
        `/api/tasks?task_name=backend.app.tasks.mission_tasks.send_mission_notification`,
      );
      const tasks = s.tasks as Array<{ task_id: string }>;
      return tasks[0]?.task_id;
    }, 'the notification task');
    const sent = await taskIn(notificationTask, ['SUCCESS']);
    const maskedHook = `http://127.0.0.1:${port}/notify?token=***`;
    expect(sent.kwargs).toMatchObject({ recipients: [maskedHook] });
    expect(sent.result).toMatchObject({
      recipients: [{ recipient: maskedHook, outcome: 'delivered' }],
    });
    const hook = received.find((r) => r.path.startsWith('/notify'));
    expect(hook?.path).toBe(`/notify?token=${HOOK_TOKEN}`);
    expect(leaked(hook!.body)).toEqual([]);
  });

  it('a task failing with a message that quotes a URL is recorded and logged masked', async () => {
    const message = `GET http://user:${URL_PASSWORD}@example.test/x?api_key=${API_KEY} with Authorization: ${AUTHORIZATION}`;
    const res = await api
      .as()
      .post('/api/tasks/execute')
      .send({ task_name: 'tests.fail_with', kwargs: { message } })
      .expect(201);
    const failed = await taskIn((res.body as { task_id: string }).task_id, ['FAILURE']);
    expect(failed.error).toMatchObject({
      message: 'GET http://user:***@example.test/x?api_key=*** with Authorization: Bearer ***',
    });
    expect(failed.kwargs).toEqual({
      message: 'GET http://user:***@example.test/x?api_key=*** with Authorization: Bearer ***',
    });
    // The worker logged it (the task's own warning, and its failure): masked, not dropped.
    await worker.waitForOutput(
      /tests\.fail_with\[[^\]]+\] failed: Error: GET http:\/\/user:\*\*\*@/,
    );
    expect(worker.log).toContain('about to fail: GET http://user:***@example.test');
  });

  it('an agent registered with credentials in its endpoint and metadata shows them masked', async () => {
    const endpoint = `http://agent:${AGENT_PASSWORD}@127.0.0.1:${port}/agent`;
    const registered = await api
      .as()
      .post('/api/agents')
      .send({
        id: 'secret-agent',
        name: 'Secret agent',
        endpoint,
        metadata: { api_key: AGENT_KEY, zone: 'eu' },
      })
      .expect(201);
    answers.push(registered.text);
    const agent = await get('/api/agents/secret-agent');
    expect(agent).toMatchObject({
      endpoint: `http://agent:***@127.0.0.1:${port}/agent`,
      metadata: { api_key: '***', zone: 'eu' },
    });
    answers.push(JSON.stringify(await get('/api/agents')));
  });

  it('no secret appears in any answer, nor in the API’s or the worker’s log', () => {
    expect(answers.length).toBeGreaterThan(5);
    expect(leaked(answers.join('\n'))).toEqual([]);
    expect(leaked(api.log)).toEqual([]);
    expect(leaked(worker.log)).toEqual([]);
  });
});
