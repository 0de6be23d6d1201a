import type { INestApplicationContext } from '@nestjs/common';
import { BrainProcess } from './support/brain-process';
import { clientApp, tasks, waitForState } from './support/client-app';
import { uniquePrefix } from './support/redis';
import { RedisCluster } from './support/topology/redis-cluster';
import { waitFor } from './support/wait';

const TEST_TASK = 'backend.app.tasks.system_tasks.test_task';
const SLEEP = 'tests.sleep';
const GRACE_S = 5;
/** What a stop may take beyond the grace: a prefork child is killed 3 s after it (see the pool). */
const STOP_MARGIN_MS = 5000;

describe('a worker stopped right after a Cluster failover (real cluster, real processes)', () => {
  let cluster: RedisCluster;
  const prefix = uniquePrefix('cluster-stop');
  let app: INestApplicationContext;
  const workers: BrainProcess[] = [];

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    app = await clientApp(prefix, 3600, cluster.url);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await cluster?.stop();
  });

  const startWorker = async () => {
    // A short lock: a task left behind by a stop is redelivered within seconds.
    const args = ['--concurrency', '4', '--grace', String(GRACE_S), '--lock-timeout', '4'];
    const worker = await BrainProcess.worker(prefix, args, false, { REDIS_URL: cluster.url });
    workers.push(worker);
    return worker;
  };

  it('exits within its grace period, and every task sent runs', async () => {
    const { client, results } = tasks(app);
    const worker = await startWorker();
    const sent: string[] = [];
    let sending = true;
    const sender = (async () => {
      while (sending) {
        try {
          sent.push((await client.applyAsync(TEST_TASK, { kwargs: { wait_seconds: 0 } })).task_id);
        } catch {
          // Refused in the failover window: not sent, so not owed.
        }
      }
    })();
    try {
      await waitFor(async () => (sent.length >= 50 ? true : undefined), '50 tasks sent');
      // The master of the engine's one slot dies under load; its replica takes over.
      await cluster.killMaster(await cluster.masterIndexOf(`{${prefix}}`));
      await cluster.waitForPromotion();
      // A task running when the stop comes: it must finish within the grace, or be redelivered.
      const running = (await client.applyAsync(SLEEP, { kwargs: { seconds: 1 } })).task_id;
      await waitForState(results, running, ['STARTED', 'SUCCESS']);

      const stopAt = Date.now();
      await worker.stop('SIGTERM', (GRACE_S + 10) * 1000);
      expect(Date.now() - stopAt).toBeLessThan(GRACE_S * 1000 + STOP_MARGIN_MS);
      sending = false;
      await sender;

      // Nothing lost: what the stopped worker did not finish, another one runs.
      await startWorker();
      const ids = [...sent, running];
      await waitFor(
        async () => {
          const records = await Promise.all(ids.map((id) => results.get(id)));
          return records.every((r) => r?.state === 'SUCCESS') ? true : undefined;
        },
        `all ${ids.length} tasks sent to succeed`,
        60_000,
      );
    } finally {
      sending = false;
      await sender;
    }
  }, 150_000);
});
