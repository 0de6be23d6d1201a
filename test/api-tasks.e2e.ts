import { ApiProcess, databaseUrl } from './support/api-process';
import { BrainProcess, FIXTURE_TASKS } from './support/brain-process';
import { FAILED_AFTER_TWO_RETRIES } from './support/client-app';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';
import type { DatabaseConfig } from '@brain/config';

interface Status {
  task_id: string;
  status: string;
  ready: boolean;
  successful: boolean;
  result: unknown;
  [key: string]: unknown;
}

describe('the REST API task endpoints (real API and worker processes, SQLite)', () => {
  let api: ApiProcess;
  let worker: BrainProcess;
  let database: DatabaseConfig;

  beforeAll(async () => {
    const prefix = uniquePrefix('api-tasks');
    database = await testSqliteConfig('api-tasks');
    [api, worker] = await Promise.all([
      ApiProcess.start(prefix, database, { BRAIN_INCLUDE: FIXTURE_TASKS }),
      // The worker shares the API's database: generate_daily_metrics reads what the API recorded.
      BrainProcess.worker(prefix, ['--concurrency', '2', '--hostname', 'api-worker'], false, {
        DATABASE_URL: databaseUrl(database),
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await dropTestDatabase(database);
  });

  const execute = async (body: Record<string, unknown>) => {
    const res = await api.as().post('/api/tasks/execute').send(body);
    expect(res.status).toBe(201);
    return res.body as { task_id: string; task_name: string; status: string; queue: string };
  };

  const status = async (id: string) => (await api.as().get(`/api/tasks/${id}`)).body as Status;

  const waitStatus = (id: string, states: string[]) =>
    waitFor(
      async () => {
        const s = await status(id);
        return states.includes(s.status) ? s : undefined;
      },
      `${id} to reach ${states.join('/')}`,
    );

  it('runs a spec task sent by name and reports it as the old system did', async () => {
    const sent = await execute({
      task_name: 'backend.app.tasks.system_tasks.test_task',
      kwargs: { wait_seconds: 0 },
    });
    expect(sent).toEqual({
      task_id: expect.any(String),
      task_name: 'backend.app.tasks.system_tasks.test_task',
      status: 'PENDING',
      queue: 'system',
    });
    const done = await waitStatus(sent.task_id, ['SUCCESS']);
    expect(done).toMatchObject({
      task_id: sent.task_id,
      status: 'SUCCESS',
      ready: true,
      successful: true,
      result: { waited_seconds: 0, task_id: sent.task_id },
      task_name: 'backend.app.tasks.system_tasks.test_task',
      queue: 'system',
      kwargs: { wait_seconds: 0 },
      worker: 'api-worker',
      error: null,
    });
    expect(Date.parse(done.date_done as string)).toBeGreaterThanOrEqual(
      Date.parse(done.date_received as string),
    );
  });

  it('reports a failure with its error type, message and traceback', async () => {
    const failing = await execute({ task_name: 'tests.always_fails' });
    const failed = await waitStatus(failing.task_id, ['FAILURE']);
    expect(failed).toMatchObject({
      ready: true,
      successful: false,
      result: null,
      retries: 2,
      error: { type: expect.any(String), message: expect.any(String) },
    });
    expect((failed.error as { traceback: string }).traceback).toMatch(/at /);
    // The timeline of its states, each retry's start and end included, as the CLI shows it.
    const timeline = failed.timeline as Array<{ state: string; worker?: string; retries?: number }>;
    expect(timeline.map((e) => e.state)).toEqual(FAILED_AFTER_TWO_RETRIES);
    expect(timeline[1].worker).toBe('api-worker');
    expect(timeline.filter((e) => e.state === 'RETRY').map((e) => e.retries)).toEqual([1, 2]);
  });

  it('answers 404 for an id never sent', async () => {
    const res = await api.as().get('/api/tasks/00000000-0000-0000-0000-000000000000');
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/No task with id/);
  });

  it('revokes a waiting task (DELETE), which then never runs', async () => {
    const sent = await execute({ task_name: 'tests.add', args: [1, 2], countdown: 600 });
    const scheduled = await api.as().get('/api/tasks/scheduled/list');
    expect(scheduled.body).toContainEqual(
      expect.objectContaining({
        task_id: sent.task_id,
        task_name: 'tests.add',
        args: [1, 2],
        schedule: null,
      }),
    );
    const res = await api.as().delete(`/api/tasks/${sent.task_id}?terminate=false`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      task_id: sent.task_id,
      previous_status: 'PENDING',
      status: 'REVOKED',
      terminate: false,
    });
    expect(await status(sent.task_id)).toMatchObject({ status: 'REVOKED', ready: true });
  });

  it('lists a running task as active the moment it reads STARTED, and not once it ended', async () => {
    const activeList = async () =>
      (await api.as().get('/api/tasks/active/list').expect(200)).body as Array<{
        task_id: string;
        pid?: number;
      }>;
    const sent = await execute({ task_name: 'tests.sleep', kwargs: { seconds: 30 } });
    await waitStatus(sent.task_id, ['STARTED']);
    // One read, at once: the list is what Redis records, as the task's state is.
    expect((await activeList()).find((t) => t.task_id === sent.task_id)).toMatchObject({
      worker: 'api-worker',
      task_name: 'tests.sleep',
      kwargs: { seconds: 30 },
      time_start: expect.any(String),
    });
    // The process running it comes with its worker's next heartbeat: a prefork child.
    const pid = await waitFor(
      async () => (await activeList()).find((t) => t.task_id === sent.task_id)?.pid,
      'the pid of the child running it',
    );
    expect(pid).not.toBe(worker.child.pid);
    await api.as().delete(`/api/tasks/${sent.task_id}?terminate=true`).expect(200);
    expect(await waitStatus(sent.task_id, ['REVOKED'])).toMatchObject({
      error: { type: 'TaskRevokedError' },
    });
    expect((await activeList()).map((t) => t.task_id)).not.toContain(sent.task_id);
  });

  it('gives worker stats and the registered tasks in the spec shapes', async () => {
    const stats = await api.as().get('/api/tasks/workers/stats').expect(200);
    expect(stats.body.total_workers).toBe(1);
    expect(stats.body.workers['api-worker']).toMatchObject({
      pool: { implementation: 'prefork', 'max-concurrency': 2 },
      total: expect.any(Object),
      pid: worker.child.pid,
    });
    const registered = await api.as().get('/api/tasks/registered/list').expect(200);
    expect(registered.body.tasks).toEqual(
      expect.arrayContaining(['backend.app.tasks.system_tasks.health_check', 'tests.sleep']),
    );
    expect(registered.body.total).toBe(registered.body.tasks.length);
  });

  it('lists recent tasks newest first, filtered by name and status, paginated', async () => {
    const a = await execute({ task_name: 'tests.add', args: [2, 3] });
    // b in a later millisecond: tasks sent within the same one are listed in no set order.
    const aSent = Date.now();
    await waitFor(async () => (Date.now() > aSent ? true : undefined), 'a later millisecond');
    const b = await execute({ task_name: 'tests.add', args: [4, 5] });
    await Promise.all([waitStatus(a.task_id, ['SUCCESS']), waitStatus(b.task_id, ['SUCCESS'])]);
    const page = await api
      .as()
      .get('/api/tasks?task_name=tests.add&status=SUCCESS&limit=1')
      .expect(200);
    expect(page.body).toMatchObject({ limit: 1, offset: 0, has_more: true });
    expect((page.body.tasks as Status[]).map((t) => t.task_id)).toEqual([b.task_id]);
    const next = await api
      .as()
      .get('/api/tasks?task_name=tests.add&status=SUCCESS&limit=1&offset=1')
      .expect(200);
    expect((next.body.tasks as Status[]).map((t) => t.task_id)).toEqual([a.task_id]);
    const bad = await api.as().get('/api/tasks?status=DONE').expect(400);
    expect(bad.body.field).toBe('status');
  });

  it('retries a FAILURE task as a new task linked to the old one, and refuses a SUCCESS', async () => {
    const failing = await execute({ task_name: 'tests.always_fails', args: [], kwargs: {} });
    await waitStatus(failing.task_id, ['FAILURE']);
    const res = await api.as().post(`/api/tasks/${failing.task_id}/retry`).expect(201);
    expect(res.body).toMatchObject({ task_name: 'tests.always_fails', retry_of: failing.task_id });
    expect(res.body.task_id).not.toBe(failing.task_id);
    expect(await status(res.body.task_id as string)).toMatchObject({ parent_id: failing.task_id });
    const ok = await execute({ task_name: 'tests.add', args: [1, 1] });
    await waitStatus(ok.task_id, ['SUCCESS']);
    const refused = await api.as().post(`/api/tasks/${ok.task_id}/retry`).expect(409);
    expect(refused.body.message).toMatch(/SUCCESS/);
  });

  it('purges a queue (an unknown one is a 400), and cancels everything waiting', async () => {
    await execute({ task_name: 'tests.add', args: [1, 2], queue: 'maintenance', countdown: 600 });
    const purged = await api.as().post('/api/tasks/purge/queue?queue_name=maintenance').expect(200);
    expect(purged.body).toEqual({ queue: 'maintenance', purged: 1 });
    const unknown = await api.as().post('/api/tasks/purge/queue?queue_name=nope').expect(400);
    expect(unknown.body.field).toBe('queue_name');
    const waiting = await execute({ task_name: 'tests.add', args: [1, 2], countdown: 600 });
    const cancelled = await api.as().post('/api/tasks/cancel/all?terminate=false').expect(200);
    // Everything waiting in every queue: ours, and any retry still pending from earlier tests.
    expect(cancelled.body).toEqual({ revoked: expect.any(Number), terminated: 0 });
    expect(cancelled.body.revoked).toBeGreaterThanOrEqual(1);
    expect(await status(waiting.task_id)).toMatchObject({ status: 'REVOKED' });
  });

  it('purges finished results: their ids are then unknown', async () => {
    const sent = await execute({ task_name: 'tests.add', args: [3, 4] });
    await waitStatus(sent.task_id, ['SUCCESS']);
    const res = await api.as().post('/api/tasks/purge/results').expect(200);
    expect(res.body.purged).toBeGreaterThanOrEqual(1);
    await api.as().get(`/api/tasks/${sent.task_id}`).expect(404);
  });

  it.each([
    [{ task_name: 'tests.nope' }, 'task_name'],
    [{ task_name: 'tests.add', countdown: -1 }, 'countdown'],
    [{ task_name: 'tests.add', eta: 'next tuesday' }, 'eta'],
    [{ task_name: 'tests.add', args: { a: 1 } }, 'args'],
    [{ task_name: 'tests.add', kwargs: [1] }, 'kwargs'],
    [{ task_name: 'tests.add', priority: 10 }, 'priority'],
    [{ task_name: 'tests.add', queue: 'fast' }, 'queue'],
    [{ task_name: 'tests.add', expires: 'soon' }, 'expires'],
    [{ task_name: 'tests.add', surprise: true }, 'surprise'],
    [{}, 'task_name'],
  ])('refuses %j with a 400 naming %s', async (body, field) => {
    const res = await api.as().post('/api/tasks/execute').send(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, field });
  });

  it('refuses malformed JSON (400) and an oversized body (413)', async () => {
    const malformed = await api
      .as()
      .post('/api/tasks/execute')
      .set('Content-Type', 'application/json')
      .send('{"task_name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/Malformed JSON/);
    const huge = await api
      .as()
      .post('/api/tasks/execute')
      .send({ task_name: 'tests.add', args: ['x'.repeat(300 * 1024)] });
    expect(huge.status).toBe(413);
  });

  it("reports the day's API traffic from what the API recorded (generate_daily_metrics)", async () => {
    for (let i = 0; i < 5; i++) await api.as().get('/api/tasks/registered/list').expect(200);
    const today = new Date().toISOString().slice(0, 10);
    // The API writes its counts every 10 s: ask until they are in.
    const report = await waitFor(
      async () => {
        const sent = await execute({
          task_name: 'backend.app.tasks.system_tasks.generate_daily_metrics',
          kwargs: { date: today },
        });
        const done = await waitStatus(sent.task_id, ['SUCCESS', 'FAILURE']);
        const result = done.result as {
          metrics: { by_route: Array<{ method: string; route: string; requests: number }> };
        };
        const listed = result.metrics.by_route.find(
          (r) => r.method === 'GET' && r.route === '/api/tasks/registered/list',
        );
        return listed && listed.requests >= 5 ? done.result : undefined;
      },
      'the API counts to reach the database',
      30_000,
      1000,
    );
    expect(report).toMatchObject({
      date: today,
      generated_at: expect.any(String),
      metrics: {
        api_requests: { total: expect.any(Number), avg_response_time_ms: expect.any(Number) },
        errors: { total: 0, error_rate: 0 },
        users: { unique_active: 1 },
      },
    });
    const metrics = (report as { metrics: { api_requests: { total: number } } }).metrics;
    expect(metrics.api_requests.total).toBeGreaterThanOrEqual(5);
    // A bad date is refused when sent, naming the argument.
    const bad = await api
      .as()
      .post('/api/tasks/execute')
      .send({
        task_name: 'backend.app.tasks.system_tasks.generate_daily_metrics',
        kwargs: { date: '2026-13-45' },
      });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'date', message: expect.stringMatching(/YYYY-MM-DD/) });
  });
});
