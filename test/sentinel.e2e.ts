import type { INestApplicationContext } from '@nestjs/common';
import { BeatService } from '@brain/tasks';
import type { DatabaseConfig } from '@brain/config';
import { ApiProcess } from './support/api-process';
import { brainJson } from './support/brain-cli';
import { BrainProcess } from './support/brain-process';
import { clientApp } from './support/client-app';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';
import { SentinelGroup } from './support/topology/sentinel-group';
import { waitFor } from './support/wait';

const TASK = 'backend.app.tasks.system_tasks.test_task';
/** The API never makes a caller wait longer than this, failover or not (issue 14). */
const MAX_CALL_MS = 2000;
/** Every worker consumes again within this of the promotion (issue 14). */
const RESUME_MS = 15_000;

interface Call {
  at: number;
  ms: number;
  status: number;
  taskId?: string;
}

/** How often each task id succeeded in a worker's log. */
function runsIn(logs: string[]): Map<string, number> {
  const runs = new Map<string, number>();
  const line = /system_tasks\.test_task\[([0-9a-f-]+)\] succeeded/g;
  for (const log of logs) {
    for (const m of log.matchAll(line)) runs.set(m[1], (runs.get(m[1]) ?? 0) + 1);
  }
  return runs;
}

describe('a Sentinel group: failover under load (real master, replica, sentinels, processes)', () => {
  const group = new SentinelGroup({ sentinelPassword: 'sentinels-own-pw' });
  const prefix = uniquePrefix('sentinel');
  let database: DatabaseConfig;
  let api: ApiProcess;
  let workers: BrainProcess[] = [];
  let beat: BrainProcess;
  let app: INestApplicationContext;

  beforeAll(async () => {
    await group.start();
    database = await testSqliteConfig('sentinel');
    [api, workers, beat, app] = await Promise.all([
      ApiProcess.start(prefix, database, group.env),
      Promise.all(
        [1, 2].map(() => BrainProcess.worker(prefix, ['--concurrency', '4'], false, group.env)),
      ),
      (async () => {
        const b = new BrainProcess(['beat', 'start'], prefix, group.env);
        await b.waitForOutput(/schedule\(s\) registered/);
        return b;
      })(),
      clientApp(prefix, 3600, group.url, group.sentinelPassword),
    ]);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([api?.stop(), beat?.stop(), ...workers.map((w) => w.stop())]);
    await group.stop();
    if (database) await dropTestDatabase(database);
  });

  it('brain info shows the topology, the password masked', async () => {
    const master = await group.master();
    const info = await brainJson<{ redis: { url: string; topology: unknown } }>(
      prefix,
      ['info'],
      group.env,
    );
    expect(info.redis.url).toBe(group.url.replace(`:${group.password}@`, ':***@'));
    expect(info.redis.topology).toEqual({
      kind: 'sentinel',
      master: `127.0.0.1:${master.port}`,
      replicas: [`127.0.0.1:${group.nodes.find((n) => n !== master)!.port}`],
    });
  });

  it('carries on without a restart: 503 fast in the window, every worker and beat resume, no acknowledged task lost after the promotion', async () => {
    const calls: Call[] = [];
    let sending = true;
    // Two callers sending one task after another, all along: the load, and the probe of the API.
    const sender = async () => {
      while (sending) {
        const at = Date.now();
        const res = await api
          .as()
          .post('/api/tasks/execute')
          .send({ task_name: TASK, kwargs: { wait_seconds: 0 } });
        const body = res.body as { task_id?: string };
        calls.push({ at, ms: Date.now() - at, status: res.status, taskId: body.task_id });
      }
    };
    const senders = [sender(), sender()];
    try {
      const acked = () => calls.filter((c) => c.status === 201).length;
      await waitFor(async () => (acked() >= 100 ? true : undefined), '100 tasks sent');
      await waitFor(
        async () => (runsIn(workers.map((w) => w.log)).size >= 50 ? true : undefined),
        'the workers to run tasks',
      );

      const { killedAt, promotedAt } = await group.failover();
      const offsets = workers.map((w) => w.log.length);

      // Every worker runs a task acknowledged after the promotion: none stalled silently.
      const resumedAt = await Promise.all(
        workers.map((worker, i) =>
          waitFor(
            async () => (runsIn([worker.log.slice(offsets[i])]).size > 0 ? Date.now() : undefined),
            `worker ${i + 1} to consume again after the promotion`,
            RESUME_MS,
          ),
        ),
      );
      await waitFor(
        async () =>
          calls.filter((c) => c.at > promotedAt && c.status === 201).length >= 100
            ? true
            : undefined,
        '100 tasks acknowledged after the promotion',
      );

      // Beat carries on too: schedules removed on the new master are registered again by it.
      const schedules = app.get(BeatService);
      await schedules.removeAll();
      await beat.waitForOutput(/were gone while this beat runs: registered again/, 20_000);
      sending = false;
      await Promise.all(senders);

      const failed = calls.filter((c) => c.status !== 201);
      const slowest = Math.max(...calls.map((c) => c.ms));
      // Every acknowledged task runs; with asynchronous replication (REDIS_MIN_REPLICAS_ACK=0),
      // one acknowledged in the last moment before the kill may be lost: counted, not asserted.
      const sent = calls.filter((c) => c.status === 201).map((c) => c.taskId!);
      const afterPromotion = calls.filter((c) => c.status === 201 && c.at > promotedAt);
      await waitFor(
        async () => {
          const runs = runsIn(workers.map((w) => w.log));
          return afterPromotion.every((c) => runs.has(c.taskId!)) ? true : undefined;
        },
        'every task acknowledged after the promotion to run',
        30_000,
      );
      const runs = runsIn(workers.map((w) => w.log));
      const lostBefore = sent.filter((id) => !runs.has(id));
      const duplicates = [...runs.values()].filter((n) => n > 1).length;
      console.log(
        [
          `failover: promoted ${promotedAt - killedAt} ms after the kill;`,
          `workers consumed again ${resumedAt.map((t) => t - promotedAt).join(' ms, ')} ms after it;`,
          `${sent.length} tasks acknowledged (${afterPromotion.length} after the promotion),`,
          `${failed.length} calls refused (${[...new Set(failed.map((c) => c.status))].join(', ')}),`,
          `slowest call ${slowest} ms; not run: ${lostBefore.length} (all acknowledged before the kill);`,
          `duplicates: ${duplicates}`,
        ].join(' '),
      );

      expect(failed.every((c) => c.status === 503)).toBe(true);
      expect(failed.length).toBeGreaterThan(0);
      expect(slowest).toBeLessThanOrEqual(MAX_CALL_MS);
      // The API serves again on its own, soon after the promotion.
      const lastRefusal = Math.max(...failed.map((c) => c.at + c.ms));
      expect(lastRefusal - promotedAt).toBeLessThan(RESUME_MS);
      expect(lostBefore.every((id) => calls.find((c) => c.taskId === id)!.at < killedAt)).toBe(
        true,
      );
    } finally {
      sending = false;
      await Promise.all(senders);
    }
  }, 90_000);
});
