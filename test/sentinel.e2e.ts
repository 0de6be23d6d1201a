import type { INestApplicationContext } from '@nestjs/common';
import { BeatService } from '@brain/tasks';
import type { DatabaseConfig } from '@brain/config';
import { ApiLoad, runsInLogs } from './support/api-load';
import { ApiProcess } from './support/api-process';
import { brainJson } from './support/brain-cli';
import { BrainProcess } from './support/brain-process';
import { clientApp } from './support/client-app';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { FailoverWatch } from './support/failover-check';
import { uniquePrefix } from './support/redis';
import { SentinelGroup } from './support/topology/sentinel-group';
import { waitFor } from './support/wait';

const TASK = 'backend.app.tasks.system_tasks.test_task';

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

  it('follows a switchover (the master demoted while it runs) at once: every worker consumes from the new master, nothing acknowledged after the switch is lost', async () => {
    const load = ApiLoad.start(api, { body: { task_name: TASK, kwargs: { wait_seconds: 0 } } });
    try {
      await load.waitForAcknowledged(100);
      const { startedAt, promotedAt, old } = await group.switchover();
      const watch = new FailoverWatch(workers, load, TASK);
      // The sentinels announce the new master: every process reconnects the connections it
      // holds on the old one, which would otherwise take writes for ten more seconds.
      const followedAt = await waitFor(
        async () => (/Sentinel: new master/.test(api.log) ? Date.now() : undefined),
        'the API to follow the new master',
      );
      // So does each worker process.
      for (const worker of workers) await worker.waitForOutput(/Sentinel: new master/);
      const resumedAt = await watch.workersResumed();
      await load.waitForAcknowledged(100, followedAt);
      await load.stop();
      await watch.verdict('switchover', {
        began: 'SENTINEL FAILOVER',
        killedAt: startedAt,
        promotedAt,
        resumedAt,
        lossUntil: followedAt,
      });
      // The next test kills the master: the old one must be its replica by then.
      await group.demoted(old);
    } finally {
      await load.stop();
    }
  }, 90_000);

  it('carries on without a restart: 503 fast in the window, every worker and beat resume, no acknowledged task lost after the promotion', async () => {
    // Two callers sending one task after another, all along: the load, and the probe of the API.
    const load = ApiLoad.start(api, { body: { task_name: TASK, kwargs: { wait_seconds: 0 } } });
    try {
      await load.waitForAcknowledged(100);
      await waitFor(
        async () =>
          runsInLogs(
            workers.map((w) => w.log),
            TASK,
          ).size >= 50
            ? true
            : undefined,
        'the workers to run tasks',
      );

      const { killedAt, promotedAt } = await group.failover();
      const watch = new FailoverWatch(workers, load, TASK);
      // Every worker runs a task acknowledged after the promotion: none stalled silently.
      const resumedAt = await watch.workersResumed();
      await load.waitForAcknowledged(100, promotedAt);

      // Beat carries on too: schedules removed on the new master are registered again by it.
      const schedules = app.get(BeatService);
      await schedules.removeAll();
      await beat.waitForOutput(/were gone while this beat runs: registered again/, 20_000);
      await load.stop();

      const { failed } = await watch.verdict('failover', { killedAt, promotedAt, resumedAt });
      expect(failed.length).toBeGreaterThan(0);
    } finally {
      await load.stop();
    }
  }, 90_000);
});
