import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkerDirectory, type WorkerStats } from '@brain/tasks';
import { BrainProcess } from './support/brain-process';
import { brainJson, expectOneLineError, runBrain } from './support/brain-cli';
import { dropTestDatabase, testPostgresConfig } from './support/databases';
import { testRedisUrl } from './support/redis';
import { waitFor } from './support/wait';
import { workerSuite } from './support/worker-suite';

const HOST = 'cli-stats-worker';
const VERSION = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

type Stats = WorkerStats & { offline: string[] };

describe('brain worker stats and info (real worker, beat and CLI processes)', () => {
  const suite = workerSuite('cli-workers', ['--concurrency', '3', '--hostname', HOST]);
  const brain = (...args: string[]) => runBrain(suite.prefix, args);

  it('worker stats shows each worker with pool, counts and resources; --json the API’s shape', async () => {
    await brain('tasks', 'execute', 'tests.add', '--args', '[1, 2]', '--wait');

    // Prefork children report their counts every second, and the worker's heartbeat carries
    // them on: the run shows within a heartbeat or two of its end.
    const stats = await waitFor(async () => {
      const s = await brainJson<Stats>(suite.prefix, ['worker', 'stats']);
      return s.workers[HOST]?.processed ? s : undefined;
    }, 'the run to reach the heartbeat');
    expect(stats.total_workers).toBe(1);
    expect(stats.offline).toEqual([]);
    const w = stats.workers[HOST];
    expect(w).toMatchObject({
      pool: { implementation: 'prefork', 'max-concurrency': 3 },
      total: { 'tests.add': 1 },
      processed: 1,
      active: 0,
      pid: suite.worker.child.pid,
    });
    expect(w.pool.processes).toHaveLength(3);
    expect(w.rusage.rss_bytes).toBeGreaterThan(0);

    const table = await brain('worker', 'stats');
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^HOSTNAME +STATUS +PID +POOL +CONCURRENCY +PROCESSES +PROCESSED +RUNNING +RESERVED +CPU +RSS +UPTIME +QUEUES$/,
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^${HOST} +online +${suite.worker.child.pid} +prefork +3 +[\\d,]+ +1 +0 +0 +[\\d.]+s +[\\d.]+ MiB +\\d+[dhms](?: \\d+[dhms])? +system,missions,agents,default,maintenance$`,
      ),
    );
    expect(table.stdout).toMatch(
      new RegExp(`^${HOST}: tasks processed\\n +TASK +COUNT\\n +tests\\.add +1$`, 'm'),
    );
    expect(lines.filter(Boolean).at(-1)).toBe('1 online, 0 offline');
  });

  it('worker stats lists a worker that died as offline, and filters by --hostname', async () => {
    const dead = await BrainProcess.worker(
      suite.prefix,
      ['--hostname', 'doomed', '--pool', 'inline'],
      true,
    );
    process.kill(-dead.child.pid!, 'SIGKILL');
    await dead.exit();
    // Its heartbeat lapses within a few seconds.
    await waitFor(
      async () => (await suite.app.get(WorkerDirectory).offline()).includes('doomed') || undefined,
      'the killed worker to read offline',
    );

    const stats = await brainJson<Stats>(suite.prefix, ['worker', 'stats', '--hostname', 'doomed']);
    expect(stats).toEqual({ workers: {}, total_workers: 0, offline: ['doomed'] });
    const table = await brain('worker', 'stats');
    expect(table.stdout).toMatch(/^doomed +offline +- +- +- +- +- +- +- +- +- +- +-$/m);
    expect(table.stdout).toMatch(/^1 online, 1 offline$/m);

    expectOneLineError(
      await brain('worker', 'stats', '--hostname', 'nobody'),
      1,
      /^brain: no worker nobody \(online, or within the last hour\)$/,
    );
  });

  it('info shows versions, masked Redis and database targets, queues, workers and beat schedules', async () => {
    const beat = new BrainProcess(['beat', 'start'], suite.prefix);
    await beat.waitForOutput(/schedule\(s\) registered/);
    const database = await testPostgresConfig('cli-info');
    try {
      // Trust authentication ignores these passwords; info must never show them.
      const redis = new URL(testRedisUrl());
      redis.password = 'redis-hunter2';
      const pg = new URL(database.kind === 'postgres' ? database.url : '');
      pg.password = 'pg-hunter2';
      const env = { REDIS_URL: redis.toString(), DATABASE_URL: pg.toString() };

      const r = await runBrain(suite.prefix, ['info'], env);
      expect(r.code).toBe(0);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/hunter2/);
      const fields = r.stdout.split('\n\n')[0];
      expect(fields).toMatch(new RegExp(`^brain-tasks +${VERSION.replace(/\./g, '\\.')}$`, 'm'));
      expect(fields).toMatch(new RegExp(`^node +${process.versions.node}$`, 'm'));
      expect(fields).toMatch(/^bullmq +\d+\.\d+\.\d+$/m);
      expect(fields).toMatch(/^redis-server +\d+\.\d+\.\d+$/m);
      expect(fields).toMatch(
        new RegExp(
          `^redis +redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} \\(key prefix ${suite.prefix}\\)$`,
          'm',
        ),
      );
      expect(fields).toMatch(
        /^database +postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/brain_cli_info_\w+ \(postgres \d+/m,
      );
      expect(r.stdout).toMatch(
        /^QUEUE +PRIORITY +DEPTH +SCHEDULED +ACTIVE\nsystem +10 +\d+ +\d+ +\d+\nmissions +8 /m,
      );
      expect(r.stdout).toMatch(new RegExp(`^workers online: 1 \\(${HOST}\\)$`, 'm'));
      expect(r.stdout).toMatch(/^beat: running \(\S+:\d+\)$/m);
      expect(r.stdout).toMatch(
        /^beat:health-check +backend\.app\.tasks\.system_tasks\.health_check +system +300s +\d{4}-/m,
      );

      interface Info {
        version: string;
        redis_server: string;
        redis: { url: string; prefix: string };
        database: { url: string; dialect: string; server: string };
        queues: Array<{ queue: string; depth: number }>;
        workers: { online: number; hostnames: string[] };
        beat: { running: string[]; schedules: Array<{ key: string; next_run: string }> };
      }
      const info = await brainJson<Info>(suite.prefix, ['info'], env);
      expect(info).toMatchObject({
        version: VERSION,
        redis: { prefix: suite.prefix },
        database: { dialect: 'postgres' },
        workers: { online: 1, hostnames: [HOST] },
      });
      expect(info.redis.url).toContain(':***@');
      expect(info.queues.map((q) => q.queue)).toEqual([
        'system',
        'missions',
        'agents',
        'default',
        'maintenance',
      ]);
      expect(info.beat.running).toHaveLength(1);
      expect(info.beat.schedules.map((s) => s.key)).toContain('beat:health-check');
      expect(Date.parse(info.beat.schedules[0].next_run)).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      await beat.stop();
      await dropTestDatabase(database);
    }
  });
});
