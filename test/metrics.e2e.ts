import SwaggerParser from '@apidevtools/swagger-parser';
import { join } from 'node:path';
import type { DatabaseConfig } from '@brain/config';
import { brainMetrics } from '../apps/api/src';
import { ApiProcess, TEST_ADMIN_KEY } from './support/api-process';
import { BrainProcess, FIXTURE_TASKS } from './support/brain-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { promtool, Scrape } from './support/prometheus';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

/** The viewer key the API seeds from METRICS_API_KEY, as Prometheus would hold it. */
const METRICS_KEY = 'test-metrics-key-0123456789abcdef-0123';

describe('GET /metrics (real API and worker processes)', () => {
  let api: ApiProcess;
  let worker: BrainProcess;
  let database: DatabaseConfig;
  let prefix: string;

  beforeAll(async () => {
    prefix = uniquePrefix('metrics');
    database = await testSqliteConfig('metrics');
    [api, worker] = await Promise.all([
      ApiProcess.start(prefix, database, {
        BRAIN_INCLUDE: FIXTURE_TASKS,
        METRICS_API_KEY: METRICS_KEY,
      }),
      // Its own process group: the last test kills it whole, as a crash would.
      BrainProcess.worker(prefix, ['--concurrency', '2', '--hostname', 'metrics-worker'], true),
    ]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await dropTestDatabase(database);
  });

  const scrape = async (): Promise<Scrape> => {
    const res = await api.as(METRICS_KEY).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return new Scrape(res.text);
  };

  /** Scrapes until `probe` answers (workers write their counts every 2 s). */
  const scrapeUntil = (probe: (s: Scrape) => boolean, what: string) =>
    waitFor(
      async () => {
        const s = await scrape();
        return probe(s) ? s : undefined;
      },
      what,
      20_000,
      250,
    );

  const execute = async (body: Record<string, unknown>): Promise<string> => {
    const res = await api.as().post('/api/tasks/execute').send(body);
    expect(res.status).toBe(201);
    return (res.body as { task_id: string }).task_id;
  };

  const waitStatus = (id: string, status: string) =>
    waitFor(async () => {
      const res = await api.as().get(`/api/tasks/${id}`);
      return (res.body as { status: string }).status === status ? true : undefined;
    }, `${id} to reach ${status}`);

  const total = (s: Scrape, task: string, status: string) =>
    s.value('task_total', { task, status }) ?? 0;

  it('needs an API key (viewer is enough)', async () => {
    const none = await api.as(null).get('/metrics');
    expect(none.status).toBe(401);
    expect(none.text).not.toMatch(/task_total/);
    const unknown = await api.as('not-a-real-key-0123456789').get('/metrics');
    expect(unknown.status).toBe(401);
    expect((await api.as(TEST_ADMIN_KEY).get('/metrics')).status).toBe(200);
    expect((await scrape()).value('redis_up')).toBe(1);
  });

  it('is in the OpenAPI document, as text behind the bearer key', async () => {
    const doc = (await api.as(null).get('/api/docs-json').expect(200)).body as {
      paths: Record<string, { get?: Record<string, unknown> }>;
    };
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    expect(doc.paths['/metrics']?.get).toMatchObject({
      tags: ['metrics'],
      security: [{ 'api-key': [] }],
      responses: { '200': { content: { 'text/plain': expect.anything() as unknown } } },
    });
  });

  it('counts real runs per task and status, with their durations', async () => {
    const before = await scrape();
    const addBefore = before.histogram('task_execution_seconds', {
      task: 'tests.add',
      status: 'success',
    });

    const adds = await Promise.all(
      [1, 2, 3].map((x) => execute({ task_name: 'tests.add', args: [x, 1] })),
    );
    // Retried twice (0.2 s apart), then fails for good.
    const failing = await execute({ task_name: 'tests.always_fails' });
    await Promise.all([
      ...adds.map((id) => waitStatus(id, 'SUCCESS')),
      waitStatus(failing, 'FAILURE'),
    ]);

    // Each prefork child flushes its own counts every 2 s, and the three attempts may have run
    // in different children: wait for every count, not only the last attempt's.
    const after = await scrapeUntil(
      (s) =>
        total(s, 'tests.add', 'success') >= total(before, 'tests.add', 'success') + 3 &&
        total(s, 'tests.always_fails', 'retry') >=
          total(before, 'tests.always_fails', 'retry') + 2 &&
        total(s, 'tests.always_fails', 'failure') >=
          total(before, 'tests.always_fails', 'failure') + 1,
      'the runs to be counted',
    );
    expect(total(after, 'tests.add', 'success')).toBe(total(before, 'tests.add', 'success') + 3);
    expect(total(after, 'tests.always_fails', 'retry')).toBe(
      total(before, 'tests.always_fails', 'retry') + 2,
    );
    expect(total(after, 'tests.always_fails', 'failure')).toBe(
      total(before, 'tests.always_fails', 'failure') + 1,
    );

    const add = after.histogram('task_execution_seconds', { task: 'tests.add', status: 'success' });
    expect(add.count).toBe(addBefore.count + 3);
    expect(add.sum).toBeGreaterThanOrEqual(addBefore.sum);
    expect(add.buckets['+Inf']).toBe(add.count);
    const bounds = Object.keys(add.buckets).filter((le) => le !== '+Inf');
    expect(bounds.length).toBeGreaterThan(5);
    // Cumulative: never decreasing with the bound.
    const counts = bounds.sort((a, b) => Number(a) - Number(b)).map((le) => add.buckets[le]);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(
      after.histogram('task_execution_seconds', { task: 'tests.always_fails', status: 'retry' })
        .count,
    ).toBe(total(after, 'tests.always_fails', 'retry'));
  });

  it('passes promtool check metrics, and exposes every metric it declares', async () => {
    const s = await scrape();
    const check = promtool(['check', 'metrics'], s.text);
    expect(check).toEqual({ status: 0, output: '' });

    const declared = brainMetrics({
      cluster: () => Promise.reject(new Error('names only')),
      disk: () => Promise.reject(new Error('names only')),
      memory: () => Promise.reject(new Error('names only')),
      diskPath: '/',
    });
    const exposed = [...s.families.keys()];
    expect(exposed).toEqual(expect.arrayContaining(declared.map((m) => m.name)));
    // The API process's own metrics come beside them.
    expect(exposed).toEqual(
      expect.arrayContaining(['process_cpu_seconds_total', 'process_resident_memory_bytes']),
    );
    expect(s.value('host_memory_total_bytes')).toBeGreaterThan(0);
    const [disk] = s.all('host_filesystem_avail_bytes');
    expect(disk.value).toBeGreaterThan(0);
    expect(disk.labels.path).toBe(join(__dirname, '..')); // the API's working directory
  });

  it('shows queued, running and revoked tasks', async () => {
    const before = await scrape();
    // A countdown: delayed in its queue until revoked; a revoke there counts as its end.
    const waiting = await execute({ task_name: 'tests.add', args: [1, 2], countdown: 600 });
    await scrapeUntil(
      (s) => (s.value('queue_depth', { queue: 'default', state: 'delayed' }) ?? 0) >= 1,
      'the delayed task in queue_depth',
    );
    await api.as().delete(`/api/tasks/${waiting}`).expect(200);
    const revoked = await scrapeUntil(
      (s) => total(s, 'tests.add', 'revoked') === total(before, 'tests.add', 'revoked') + 1,
      'the revoke to be counted',
    );
    expect(revoked.value('queue_depth', { queue: 'default', state: 'delayed' })).toBe(0);

    const sleeping = await execute({ task_name: 'tests.sleep', args: [3] });
    // Both series come from one read of what runs: once the task shows, it is counted.
    const running = await scrapeUntil(
      (s) => s.value('task_oldest_running_seconds', { task: 'tests.sleep' }) !== undefined,
      'the sleeping task in task_oldest_running_seconds',
    );
    expect(
      running.value('task_oldest_running_seconds', { task: 'tests.sleep' }),
    ).toBeGreaterThanOrEqual(0);
    expect(running.value('tasks_running', { queue: 'default' })).toBeGreaterThanOrEqual(1);
    const older = await scrapeUntil(
      (s) => (s.value('task_oldest_running_seconds', { task: 'tests.sleep' }) ?? 0) >= 1,
      'the sleeping task to age',
    );
    expect(older.value('tasks_running', { queue: 'system' })).toBe(0);
    await waitStatus(sleeping, 'SUCCESS');
    const done = await scrapeUntil(
      (s) => s.value('tasks_running', { queue: 'default' }) === 0,
      'no task running',
    );
    expect(done.value('task_oldest_running_seconds', { task: 'tests.sleep' })).toBeUndefined();
  });

  it('counts online workers: 1, then 0 once a killed worker heartbeat lapses, or a worker stops', async () => {
    const one = await scrape();
    expect(one.value('workers_online')).toBe(1);
    expect(one.value('celery_workers_total')).toBe(1);

    process.kill(-worker.child.pid!, 'SIGKILL');
    await worker.exit();
    const none = await scrapeUntil((s) => s.value('workers_online') === 0, 'workers_online 0');
    expect(none.value('celery_workers_total')).toBe(0);

    worker = await BrainProcess.worker(prefix, ['--pool', 'inline', '--hostname', 'metrics-again']);
    await scrapeUntil((s) => s.value('workers_online') === 1, 'workers_online 1 again');
    expect(await worker.stop()).toBe(0);
    // A graceful stop removes its heartbeat at once: no lapse to wait for.
    expect((await scrape()).value('workers_online')).toBe(0);
  });
});
