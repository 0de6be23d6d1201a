import type { INestApplicationContext } from '@nestjs/common';
import { QueueRegistry, ResultStore } from '@brain/tasks';
import type { DatabaseConfig } from '@brain/config';
import { ApiLoad } from './support/api-load';
import { ApiProcess } from './support/api-process';
import { brainJson } from './support/brain-cli';
import { BrainProcess } from './support/brain-process';
import { clientApp, tasks, waitForState } from './support/client-app';
import { testSqliteConfig } from './support/databases';
import { FailoverWatch } from './support/failover-check';
import { uniquePrefix } from './support/redis';
import { closeClusterSuite } from './support/topology/cluster-suite';
import { RedisCluster } from './support/topology/redis-cluster';
import { waitFor } from './support/wait';

const TEST_TASK = 'backend.app.tasks.system_tasks.test_task';
const SLEEP = 'tests.sleep';

describe('a Redis Cluster: the core on 3 masters and 3 replicas (real cluster, real processes)', () => {
  let cluster: RedisCluster;
  const prefix = uniquePrefix('cluster');
  let env: Record<string, string>;
  let database: DatabaseConfig;
  let api: ApiProcess;
  /** One slot, no prefetch: the order tasks run in is the order the worker chose them. */
  let worker: BrainProcess;
  let beat: BrainProcess;
  let app: INestApplicationContext;
  const extraWorkers: BrainProcess[] = [];

  const processes = () => [api, worker, beat, ...extraWorkers].filter(Boolean);

  /**
   * Runs `failover` while callers send tasks through the API all along, to the worker and two
   * more with 4 slots each, on the master of the slot that holds every key of the engine (the one
   * whose loss matters).
   */
  const underLoad = async (
    failover: (load: ApiLoad, workers: BrainProcess[], index: number) => Promise<void>,
  ): Promise<void> => {
    while (extraWorkers.length < 2)
      extraWorkers.push(await BrainProcess.worker(prefix, ['--concurrency', '4'], false, env));
    const load = ApiLoad.start(api, {
      body: { task_name: TEST_TASK, kwargs: { wait_seconds: 0 } },
    });
    try {
      await load.waitForAcknowledged(100);
      await failover(load, [worker, ...extraWorkers], await cluster.masterIndexOf(`{${prefix}}`));
    } finally {
      await load.stop();
    }
  };

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    env = { REDIS_URL: cluster.url };
    database = await testSqliteConfig('cluster');
    [api, worker, beat, app] = await Promise.all([
      ApiProcess.start(prefix, database, env),
      BrainProcess.worker(prefix, ['--concurrency', '1', '--prefetch-multiplier', '1'], false, env),
      (async () => {
        const b = new BrainProcess(['beat', 'start'], prefix, env);
        await b.waitForOutput(/schedule\(s\) registered/);
        return b;
      })(),
      clientApp(prefix, 3600, cluster.url),
    ]);
  }, 90_000);

  closeClusterSuite(() => ({ app, processes: processes(), cluster, database }));

  it('brain info shows the cluster: its masters, their slots and replicas, the password masked', async () => {
    const masters = await cluster.masters();
    const info = await brainJson<{
      redis: {
        url: string;
        prefix: string;
        topology: { kind: string; masters: Array<{ master: string; slots: unknown }> };
      };
    }>(prefix, ['info'], env);
    expect(info.redis.url).not.toContain(cluster.password);
    expect(info.redis.url).toMatch(/^redis-cluster:\/\/:\*\*\*@/);
    expect(info.redis.prefix).toBe(`{${prefix}}`);
    expect(info.redis.topology).toEqual({
      kind: 'cluster',
      master: `127.0.0.1:${masters[0].node.port}`,
      replicas: masters.map((m) => `127.0.0.1:${m.replicas[0].port}`),
      masters: masters.map((m) => ({
        master: `127.0.0.1:${m.node.port}`,
        slots: m.slots,
        replicas: [`127.0.0.1:${m.replicas[0].port}`],
      })),
    });
  });

  it('runs tasks sent through the API, and lists and shows them', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(async () => {
        const res = await api
          .as()
          .post('/api/tasks/execute')
          .send({ task_name: TEST_TASK, kwargs: { wait_seconds: 0 } })
          .expect(201);
        return (res.body as { task_id: string }).task_id;
      }),
    );
    for (const id of ids) {
      await waitFor(async () => {
        const res = await api.as().get(`/api/tasks/${id}`);
        return (res.body as { status?: string }).status === 'SUCCESS' ? true : undefined;
      }, `${id} to succeed`);
    }
    const listed = await api.as().get('/api/tasks').expect(200);
    const listedIds = (listed.body as { tasks: Array<{ task_id: string }> }).tasks.map(
      (t) => t.task_id,
    );
    expect(listedIds).toEqual(expect.arrayContaining(ids));
  });

  it('takes the next task from the highest-priority non-empty queue', async () => {
    const { client, results } = tasks(app);
    const blocker = (await client.applyAsync(SLEEP, { kwargs: { seconds: 3 } })).task_id;
    await waitForState(results, blocker, ['STARTED']);
    const ids: Record<string, string> = {};
    for (const queue of ['maintenance', 'default', 'agents', 'system', 'missions']) {
      ids[queue] = (await client.applyAsync(SLEEP, { kwargs: { seconds: 0.05 }, queue })).task_id;
    }
    const done = await Promise.all(
      Object.entries(ids).map(async ([label, id]) => ({
        label,
        r: await waitForState(results, id, ['SUCCESS']),
      })),
    );
    const order = done
      .sort((a, b) => a.r.date_done!.localeCompare(b.r.date_done!))
      .map((d) => d.label);
    expect(order).toEqual(['system', 'missions', 'agents', 'default', 'maintenance']);
  });

  it('revokes a waiting task and terminates a running one through the API', async () => {
    const { client, results } = tasks(app);
    const running = (await client.applyAsync(SLEEP, { kwargs: { seconds: 60 } })).task_id;
    await waitForState(results, running, ['STARTED']);
    const waiting = (await client.applyAsync(SLEEP, { kwargs: { seconds: 0 } })).task_id;

    await api.as().delete(`/api/tasks/${waiting}?terminate=false`).expect(200);
    await api.as().delete(`/api/tasks/${running}?terminate=true`).expect(200);
    await waitForState(results, running, ['REVOKED']);
    expect((await results.get(waiting))?.state).toBe('REVOKED');

    // The slot is free again, and the revoked task never ran: a task sent now runs, it does not.
    const after = (await client.applyAsync(SLEEP, { kwargs: { seconds: 0 } })).task_id;
    await waitForState(results, after, ['SUCCESS']);
    expect((await results.get(waiting))?.state).toBe('REVOKED');
    expect(worker.log).not.toContain(`tests.sleep[${waiting}] succeeded`);
  });

  it('fires a schedule', async () => {
    const queue = app.get(QueueRegistry).get('default');
    await queue.upsertJobScheduler(
      'beat:cluster-add',
      { every: 1000 },
      { name: 'tests.add', data: { args: [1, 1] } },
    );
    try {
      const results = app.get(ResultStore);
      await waitFor(
        async () => {
          const ids = await results.recentIds(100);
          const recs = await Promise.all(ids.map((id) => results.get(id)));
          const ran = recs.filter((r) => r?.task_name === 'tests.add' && r.state === 'SUCCESS');
          return ran.length >= 2 ? true : undefined;
        },
        'two ticks of the schedule to run',
        15_000,
      );
    } finally {
      await queue.removeJobScheduler('beat:cluster-add');
    }
  });

  it('carries on through a switchover (CLUSTER FAILOVER: the master demoted, still answering): every worker consumes again, no call hangs, no task lost', async () => {
    await underLoad(async (load, workers, index) => {
      const startedAt = Date.now();
      const { afterMs } = await cluster.switchover(index);
      const switchedAt = startedAt + afterMs;
      const watch = new FailoverWatch(workers, load, TEST_TASK);
      const resumedAt = await watch.workersResumed();
      await load.waitForAcknowledged(100, switchedAt);
      await load.stop();
      const { notRun } = await watch.verdict('cluster switchover', {
        began: 'CLUSTER FAILOVER',
        killedAt: startedAt,
        promotedAt: switchedAt,
        resumedAt,
      });
      // A manual failover waits for the replica to catch up: nothing acknowledged is lost.
      expect(notRun).toEqual([]);
    });
  }, 120_000);

  it('carries on when a master dies under load: its replica takes over, 503 fast in the window, every worker resumes', async () => {
    await underLoad(async (load, workers, index) => {
      const killedAt = Date.now();
      await cluster.killMaster(index);
      const watch = new FailoverWatch(workers, load, TEST_TASK);
      const { afterMs } = await cluster.waitForPromotion();
      const promotedAt = killedAt + afterMs;

      const resumedAt = await watch.workersResumed();
      await load.waitForAcknowledged(100, promotedAt);
      await load.stop();
      await watch.verdict('cluster failover', { killedAt, promotedAt, resumedAt });
    });
  }, 120_000);

  it('after the failover: terminate still reaches a running task, beat still counts, maintenance covers every master', async () => {
    // Revocations travel by pub/sub: the workers' subscriptions must have followed the failover.
    const { client, results } = tasks(app);
    const running = (await client.applyAsync(SLEEP, { kwargs: { seconds: 60 } })).task_id;
    await waitForState(results, running, ['STARTED'], 30_000);
    await api.as().delete(`/api/tasks/${running}?terminate=true`).expect(200);
    await waitForState(results, running, ['REVOKED']);

    // Beat's presence lives on the master that died: it writes it again on the new one.
    await waitFor(
      async () => {
        const info = await brainJson<{ beat: { running: string[] } }>(prefix, ['info'], env);
        return info.beat.running.length === 1 ? true : undefined;
      },
      'beat to show as running after the failover',
      30_000,
    );

    // The Redis maintenance task reads (and purges) every master, not just the one it reached.
    const masters = await cluster.masters();
    const perMaster = await Promise.all(
      masters.map(async (m) => {
        const c = m.node.client();
        try {
          return Number(/^used_memory:(\d+)/m.exec(await c.info('memory'))?.[1]);
        } finally {
          c.disconnect();
        }
      }),
    );
    const res = await api
      .as()
      .post('/api/tasks/execute')
      .send({ task_name: 'backend.app.tasks.maintenance_tasks.optimize_redis_memory' })
      .expect(201);
    const id = (res.body as { task_id: string }).task_id;
    const outcome = await waitFor(async () => {
      const r = await api.as().get(`/api/tasks/${id}`);
      const body = r.body as { status?: string; result?: { memory_before_bytes: number } };
      return body.status === 'SUCCESS' ? body.result : undefined;
    }, 'the maintenance task to succeed');
    expect(outcome.memory_before_bytes).toBeGreaterThan(Math.max(...perMaster));
  }, 90_000);
});
