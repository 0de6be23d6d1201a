import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  choosePartition,
  PartitionLayout,
  partitionOfTaskId,
  QueueRegistry,
  ResultStore,
  type TaskRecord,
} from '@brain/tasks';
import type { DatabaseConfig } from '@brain/config';
import { ApiProcess, TEST_ADMIN_KEY } from './support/api-process';
import { launchChromium } from './support/browser';
import { brainJson } from './support/brain-cli';
import { BrainProcess } from './support/brain-process';
import { clientApp, tasks, waitForState } from './support/client-app';
import { DashboardProcess } from './support/dashboard-process';
import { testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';
import { closeClusterSuite } from './support/topology/cluster-suite';
import { RedisCluster } from './support/topology/redis-cluster';
import { waitFor } from './support/wait';

const SLEEP = 'tests.sleep';
/** A task the API knows (the fixture tasks are the workers' and the client app's only). */
const TEST_TASK = 'backend.app.tasks.system_tasks.test_task';
const PARTITIONS = 3;

interface Sent {
  task_id: string;
}

/** A partition key that REDIS_PARTITIONS=3 places in `partition`. */
function keyFor(partition: number, tag = 'tenant'): string {
  for (let i = 0; ; i++) {
    const key = `${tag}-${i}`;
    if (choosePartition(PARTITIONS, key) === partition) return key;
  }
}

/** A task id of `partition` (as a caller-chosen id: its `-p<n>` suffix names the partition). */
const idIn = (partition: number) =>
  partition === 0 ? randomUUID() : `${randomUUID()}-p${partition}`;

describe('REDIS_PARTITIONS=3 on a real 3-master, 3-replica cluster (real processes)', () => {
  let cluster: RedisCluster;
  const prefix = uniquePrefix('partitions');
  let env: Record<string, string>;
  let database: DatabaseConfig;
  let api: ApiProcess;
  let worker: BrainProcess | undefined;
  let app: INestApplicationContext;
  const others: BrainProcess[] = [];

  const processes = () => [api, worker, ...others].filter((p) => p !== undefined);
  /** One slot, no prefetch: the order tasks run in is the order the worker chose them. */
  const startWorker = async (extra: Record<string, string> = {}) =>
    (worker = await BrainProcess.worker(
      prefix,
      ['--concurrency', '1', '--prefetch-multiplier', '1'],
      false,
      { ...env, ...extra },
    ));
  const send = async (body: Record<string, unknown>): Promise<string> => {
    const res = await api
      .as()
      .post('/api/tasks/execute')
      .send({ task_name: TEST_TASK, kwargs: { wait_seconds: 0 }, ...body })
      .expect(201);
    return (res.body as Sent).task_id;
  };
  const status = async (id: string): Promise<string | undefined> => {
    const res = await api.as().get(`/api/tasks/${id}`);
    return res.status === 404 ? 'gone' : (res.body as { status?: string }).status;
  };
  const waitForStatus = (id: string, wanted: string, ms = 20_000) =>
    waitFor(async () => ((await status(id)) === wanted ? true : undefined), `${id} ${wanted}`, ms);

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    env = { REDIS_URL: cluster.url, REDIS_PARTITIONS: String(PARTITIONS) };
    database = await testSqliteConfig('partitions');
    [api, app] = await Promise.all([
      ApiProcess.start(prefix, database, env),
      clientApp(prefix, 3600, cluster.url, undefined, PARTITIONS),
    ]);
  }, 90_000);

  closeClusterSuite(() => ({ app, processes: processes(), cluster, database }));

  it('registers three partitions whose hash tags sit on three different masters', async () => {
    const layout = app.get(PartitionLayout);
    await layout.ensure();
    const prefixes = await layout.refresh();
    expect(prefixes).toHaveLength(PARTITIONS);
    expect(prefixes[0]).toBe(`{${prefix}}`);
    const masters = await cluster.masters();
    const node = masters[0].node.client();
    try {
      const owners = await Promise.all(
        prefixes.map(async (p) => {
          const slot = Number(await node.call('CLUSTER', 'KEYSLOT', p));
          return masters.findIndex((m) => m.slots.some(([a, b]) => slot >= a && slot <= b));
        }),
      );
      expect(new Set(owners).size).toBe(PARTITIONS);
      // brain info shows the same layout.
      const info = await brainJson<{
        partitions: {
          configured: number;
          registered: Array<{ partition: number; prefix: string; master: string }>;
        };
      }>(prefix, ['info'], env);
      expect(info.partitions.configured).toBe(PARTITIONS);
      expect(info.partitions.registered.map((p) => p.prefix)).toEqual(prefixes);
      expect(info.partitions.registered.map((p) => p.master)).toEqual(
        owners.map((i) => `127.0.0.1:${masters[i].node.port}`),
      );
    } finally {
      node.disconnect();
    }
  });

  it('takes the highest-priority queue with a ready task in any partition first', async () => {
    const { client, results } = tasks(app);
    // No worker yet: the lowest queue fills in every partition, then one task in the highest
    // queue lands in the last partition.
    const low: string[] = [];
    for (let i = 0; i < 3; i++)
      for (let p = 0; p < PARTITIONS; p++) {
        const sent = await client.applyAsync(SLEEP, {
          kwargs: { seconds: 0.05 },
          queue: 'maintenance',
          taskId: idIn(p),
        });
        low.push(sent.task_id);
      }
    const high = (
      await client.applyAsync(SLEEP, { kwargs: { seconds: 0 }, queue: 'system', taskId: idIn(2) })
    ).task_id;
    expect(new Set(low.map(partitionOfTaskId))).toEqual(new Set([0, 1, 2]));
    await startWorker();
    const done = await Promise.all(
      [high, ...low].map((id) => waitForState(results, id, ['SUCCESS'])),
    );
    const first = done.sort((a, b) => a.date_started!.localeCompare(b.date_started!))[0];
    expect(first.task_id).toBe(high);
  });

  it('spreads tasks sent through the API over the partitions; each is read, listed and run', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, () => send({})));
    expect(new Set(ids.map(partitionOfTaskId))).toEqual(new Set([0, 1, 2]));
    // Its job lives in the partition its id names.
    const queues = app.get(QueueRegistry);
    const prefixes = await app.get(PartitionLayout).all();
    for (const id of ids.slice(0, 6)) {
      const job = await queues.in(prefixes[partitionOfTaskId(id)]).get('system').getJob(id);
      expect(job?.id).toBe(id);
    }
    for (const id of ids) await waitForStatus(id, 'SUCCESS');
    // Three more, one after the other (each sent a millisecond later at least), in partitions
    // 2, 0 and 1: the one list is newest first across the partitions.
    const last: string[] = [];
    for (const p of [2, 0, 1]) {
      last.push(await send({ partition_key: keyFor(p) }));
      const sent = Date.now();
      await waitFor(async () => (Date.now() > sent ? true : undefined), 'the clock to move on');
    }
    expect(last.map(partitionOfTaskId)).toEqual([2, 0, 1]);
    const listed = await api.as().get('/api/tasks?limit=100').expect(200);
    const page = (listed.body as { tasks: Array<TaskRecord & { status: string }> }).tasks;
    expect(page.map((t) => t.task_id)).toEqual(expect.arrayContaining(ids));
    expect(page.slice(0, 3).map((t) => t.task_id)).toEqual([...last].reverse());
    // A filter on the records reads each partition's; paging by cursor goes on across them.
    const filtered = await api.as().get(`/api/tasks?status=SUCCESS&limit=100`).expect(200);
    expect((filtered.body as { tasks: Sent[] }).tasks.map((t) => t.task_id)).toEqual(
      expect.arrayContaining(ids),
    );
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await api
        .as()
        .get(`/api/tasks?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        .expect(200);
      const body = res.body as { tasks: Sent[]; next_cursor: string | null };
      seen.push(...body.tasks.map((t) => t.task_id));
      cursor = body.next_cursor;
    }
    expect(seen).toEqual(page.map((t) => t.task_id));
  });

  it('shows, in the monitoring UI (headless Chromium), each master with its slots and the tasks of every partition', async () => {
    const ids = await Promise.all([0, 1, 2].map((p) => send({ partition_key: keyFor(p, 'ui') })));
    expect(ids.map(partitionOfTaskId)).toEqual([0, 1, 2]);
    for (const id of ids) await waitForStatus(id, 'SUCCESS');
    const [dashboard, browser] = await Promise.all([
      DashboardProcess.start(prefix, env),
      launchChromium(),
    ]);
    others.push(dashboard.process);
    try {
      const page = await browser.newPage();
      await page.goto(dashboard.url);
      await page.getByLabel('API key').fill(TEST_ADMIN_KEY);
      await page.getByRole('button', { name: 'Log in' }).click();
      const redisLine = page.getByTestId('redis');
      for (const m of await cluster.masters()) {
        await redisLine
          .getByText(new RegExp(`127\\.0\\.0\\.1:${m.node.port} \\(slots`))
          .waitFor({ timeout: 20_000 });
      }
      expect(await redisLine.textContent()).not.toContain(cluster.password);
      // The raw job view (bull-board) shows each partition's queues apart.
      const board = await page.evaluate(() =>
        fetch('queues/api/queues').then(
          (r) => r.json() as Promise<{ queues: Array<{ name: string }> }>,
        ),
      );
      expect(board.queues.map((q) => q.name)).toEqual(
        expect.arrayContaining(['default', 'p1-default', 'p2-system']),
      );
      await page.getByRole('link', { name: 'Tasks', exact: true }).click();
      for (const id of ids) {
        await page
          .locator(`[data-testid="tasks"] tr[data-task-id="${id}"][data-state="SUCCESS"]`)
          .waitFor({ timeout: 20_000 });
      }
    } finally {
      await browser.close();
    }
  });

  it('revokes, terminates and retries by id in any partition', async () => {
    const waiting = await send({ countdown: 60, partition_key: keyFor(1) });
    expect(partitionOfTaskId(waiting)).toBe(1);
    await api.as().delete(`/api/tasks/${waiting}`).expect(200);
    await waitForStatus(waiting, 'REVOKED');

    const running = await send({ kwargs: { wait_seconds: 60 }, partition_key: keyFor(2) });
    expect(partitionOfTaskId(running)).toBe(2);
    await waitForStatus(running, 'STARTED');
    await api.as().delete(`/api/tasks/${running}?terminate=true`).expect(200);
    await waitForStatus(running, 'REVOKED');

    // Sent again with its partition key: same partition, and it runs.
    const res = await api.as().post(`/api/tasks/${waiting}/retry`).expect(201);
    const again = (res.body as Sent).task_id;
    expect(partitionOfTaskId(again)).toBe(1);
    await waitForStatus(again, 'SUCCESS');
    expect(worker!.log).not.toContain(`test_task[${waiting}] succeeded`);
  });

  it('keeps FIFO among tasks of one partition key', async () => {
    const key = keyFor(1, 'fifo');
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push(await send({ kwargs: { wait_seconds: 0.02 }, partition_key: key }));
    expect(new Set(ids.map(partitionOfTaskId))).toEqual(new Set([1]));
    const { results } = tasks(app);
    const done = await Promise.all(ids.map((id) => waitForState(results, id, ['SUCCESS'])));
    const order = [...done]
      .sort((a, b) => a.date_started!.localeCompare(b.date_started!))
      .map((r) => r.task_id);
    expect(order).toEqual(ids);
  });

  it('cancels, purges a queue and purges results in every partition', async () => {
    const { client, results } = tasks(app);
    const later = async (queue: string) =>
      Promise.all(
        [0, 1, 2].map(
          async (p) =>
            (await client.applyAsync(SLEEP, { countdown: 60, queue, taskId: idIn(p) })).task_id,
        ),
      );
    const toCancel = await later('default');
    const cancel = await api.as().post('/api/tasks/cancel/all').expect(200);
    expect((cancel.body as { revoked: number }).revoked).toBeGreaterThanOrEqual(3);
    for (const id of toCancel) expect((await results.get(id))?.state).toBe('REVOKED');

    const toPurge = await later('maintenance');
    const purged = await api.as().post('/api/tasks/purge/queue?queue_name=maintenance').expect(200);
    expect((purged.body as { purged: number }).purged).toBe(3);
    for (const id of toPurge) expect(await results.get(id)).toBeNull();

    // Finished records of every partition go.
    const finished = await Promise.all(
      [0, 1, 2].map((p) => client.applyAsync(SLEEP, { taskId: idIn(p) })),
    );
    for (const { task_id } of finished) await waitForState(results, task_id, ['SUCCESS']);
    await api.as().post('/api/tasks/purge/results').expect(200);
    for (const id of [...toCancel, ...finished.map((f) => f.task_id)])
      expect(await results.get(id)).toBeNull();
    const listed = await api.as().get('/api/tasks?limit=100').expect(200);
    expect((listed.body as { tasks: Sent[] }).tasks).toEqual([]);
  });

  it('fires each tick of a schedule once with two beats', async () => {
    const beats = [0, 1].map(() => new BrainProcess(['beat', 'start'], prefix, env));
    others.push(...beats);
    await Promise.all(beats.map((b) => b.waitForOutput(/schedule\(s\) registered/)));
    // Periodic tasks live in partition 0, beside the beat's lock and presence.
    const queue = app.get(QueueRegistry).get('default');
    await queue.upsertJobScheduler(
      'beat:partitions-add',
      { every: 1000 },
      { name: 'tests.add', data: { args: [1, 1] } },
    );
    try {
      const results = app.get(ResultStore);
      const runs = await waitFor(
        async () => {
          const ids = await results.recentIds(100);
          const recs = (await Promise.all(ids.map((id) => results.get(id)))).filter(
            (r) => r?.task_name === 'tests.add' && r.state === 'SUCCESS',
          );
          return recs.length >= 3 ? recs : undefined;
        },
        'three ticks',
        15_000,
      );
      const ticks = runs.map((r) => Number(r!.task_id.split(':').pop())).sort((a, b) => a - b);
      expect(ticks.slice(1).every((t, i) => t - ticks[i] >= 1000)).toBe(true);
    } finally {
      await queue.removeJobScheduler('beat:partitions-add');
      await Promise.all(beats.map((b) => b.stop()));
    }
  });

  it('lowering REDIS_PARTITIONS to 1 strands nothing: the worker drains partitions 1 and 2', async () => {
    await worker!.stop();
    worker = undefined;
    const { client, results } = tasks(app);
    const left = await Promise.all(
      [1, 2, 1, 2].map(async (p) => (await client.applyAsync(SLEEP, { taskId: idIn(p) })).task_id),
    );
    await api.stop();
    const one = { REDIS_PARTITIONS: '1' };
    api = await ApiProcess.start(prefix, database, { ...env, ...one });
    const sentNow = await Promise.all([0, 1, 2].map(() => send({})));
    // New tasks all go to partition 0; the others still answer by id.
    expect(sentNow.map(partitionOfTaskId)).toEqual([0, 0, 0]);
    for (const id of left) expect(await status(id)).toBe('PENDING');
    const info = await brainJson<{
      partitions: { configured: number; registered: Array<{ sending: boolean; depth: number }> };
    }>(prefix, ['info'], { ...env, ...one });
    expect(info.partitions.configured).toBe(1);
    expect(info.partitions.registered.map((p) => p.sending)).toEqual([true, false, false]);
    expect(info.partitions.registered.map((p) => p.depth)).toEqual([3, 2, 2]);

    await startWorker(one);
    for (const id of [...left, ...sentNow]) await waitForState(results, id, ['SUCCESS']);
  });
});

describe('REDIS_PARTITIONS=2 on one Redis server (real worker processes)', () => {
  const prefix = uniquePrefix('partitions-one');
  const env = { REDIS_PARTITIONS: '2' };
  let app: INestApplicationContext;
  const workers: BrainProcess[] = [];

  beforeAll(async () => {
    app = await clientApp(prefix, 3600, undefined, undefined, 2);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await app?.close();
  });

  it('spreads tasks over two prefixes and runs them all; a worker may serve chosen partitions', async () => {
    const layout = app.get(PartitionLayout);
    expect(await layout.ensure()).toEqual([prefix, `${prefix}:p1`]);
    const { client, results } = tasks(app);
    const ids = await Promise.all(
      Array.from(
        { length: 20 },
        async () => (await client.applyAsync('tests.add', { args: [1, 2] })).task_id,
      ),
    );
    expect(new Set(ids.map(partitionOfTaskId))).toEqual(new Set([0, 1]));
    // A worker of partition 1 alone runs its tasks and leaves partition 0's waiting.
    const one = await BrainProcess.worker(prefix, ['--partitions', '1,5'], false, env);
    workers.push(one);
    // Partition 5 does not exist (yet): the worker says so, and serves it once it does.
    await one.waitForOutput(/partition\(s\) 5 do not exist \(2 registered\)/);
    const inOne = ids.filter((id) => partitionOfTaskId(id) === 1);
    const inZero = ids.filter((id) => partitionOfTaskId(id) === 0);
    for (const id of inOne) expect((await waitForState(results, id, ['SUCCESS'])).result).toBe(3);
    for (const id of inZero) expect((await results.get(id))?.state).toBe('PENDING');
    workers.push(await BrainProcess.worker(prefix, [], false, env));
    for (const id of inZero) await waitForState(results, id, ['SUCCESS']);
    expect(await results.recentIds(100)).toEqual(expect.arrayContaining(ids));
  });

  it('refuses a caller-chosen task id naming a partition that does not exist', async () => {
    await expect(
      tasks(app).client.applyAsync('tests.add', { args: [1, 2], taskId: `${randomUUID()}-p7` }),
    ).rejects.toThrow(/partition 7, which does not exist/);
  });
});

describe('partitions tied on the highest queue take turns (one server, real worker process)', () => {
  const prefix = uniquePrefix('partitions-turns');
  let app: INestApplicationContext;
  let worker: BrainProcess | undefined;

  beforeAll(async () => {
    app = await clientApp(prefix, 3600, undefined, undefined, 2);
  });

  afterAll(async () => {
    await worker?.stop();
    await app?.close();
  });

  it('a slot goes on with one partition for a bounded streak, then the other gets its turn', async () => {
    await app.get(PartitionLayout).ensure();
    const { client, results } = tasks(app);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      for (const p of [0, 1])
        ids.push(
          (await client.applyAsync(SLEEP, { kwargs: { seconds: 0.005 }, taskId: idIn(p) })).task_id,
        );
    worker = await BrainProcess.worker(
      prefix,
      ['--concurrency', '1', '--prefetch-multiplier', '1'],
      false,
      { REDIS_PARTITIONS: '2' },
    );
    const done = await Promise.all(ids.map((id) => waitForState(results, id, ['SUCCESS'])));
    // In the order they started (each runs 5 ms: no two start in one millisecond).
    const started = [...done].sort((a, b) => a.date_started!.localeCompare(b.date_started!));
    const order = started.map((r) => partitionOfTaskId(r.task_id));
    // One select, then at most 16 handed on within the partition: the 18th run is the other's.
    expect(new Set(order.slice(0, 18))).toEqual(new Set([0, 1]));
    // FIFO within each partition.
    for (const p of [0, 1]) {
      const mine = started.filter((r) => partitionOfTaskId(r.task_id) === p).map((r) => r.task_id);
      expect(mine).toEqual(ids.filter((id) => partitionOfTaskId(id) === p));
    }
  });
});
