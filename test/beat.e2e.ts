import { BeatService, Inspector, QueueRegistry, ResultStore } from '@brain/tasks';
import { BrainProcess, FIXTURE_TASKS } from './support/brain-process';
import { clientApp } from './support/client-app';
import { clientSuite } from './support/worker-suite';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

const HEALTH_CHECK = 'backend.app.tasks.system_tasks.health_check';

describe('beat (real processes)', () => {
  const suite = clientSuite('beat');

  it('registers health_check every 5 minutes on system, once however many beats run, and removes it on beat stop', async () => {
    // A leftover schedule from an older deployment: beat must remove it.
    const system = suite.app.get(QueueRegistry).get('system');
    await system.upsertJobScheduler(
      'beat:retired',
      { every: 60_000 },
      { name: HEALTH_CHECK, data: {} },
    );

    const beats = [
      new BrainProcess(['beat', 'start'], suite.prefix),
      new BrainProcess(['beat', 'start'], suite.prefix),
    ];
    await Promise.all(beats.map((b) => b.waitForOutput(/schedule\(s\) registered/)));

    const schedules = await suite.app.get(BeatService).list();
    // The spec's seven schedules, each declared in its domain module.
    const timing = (s: (typeof schedules)[number]) => [
      s.task.replace(/^backend\.app\.tasks\./, ''),
      s.queue,
      s.every_seconds ?? s.cron,
    ];
    expect(schedules.map(timing).sort()).toEqual(
      [
        ['agent_tasks.check_agent_heartbeats', 'agents', 30],
        ['maintenance_tasks.cleanup_audit_logs', 'maintenance', '0 2 * * *'],
        ['maintenance_tasks.cleanup_task_results', 'maintenance', '0 3 * * *'],
        ['maintenance_tasks.rotate_encryption_keys', 'maintenance', '0 4 1 * *'],
        ['mission_tasks.check_mission_queue_health', 'missions', 60],
        ['system_tasks.generate_daily_metrics', 'system', '0 0 * * *'],
        ['system_tasks.health_check', 'system', 300],
      ].sort(),
    );
    expect(schedules.filter((s) => s.task === HEALTH_CHECK)).toEqual([
      expect.objectContaining({
        key: 'beat:health-check',
        queue: 'system',
        every_seconds: 300,
        declared: true,
      }),
    ]);
    // One scheduler, so one pending firing, not one per beat.
    const keys = (await system.getJobSchedulers(0, -1)).map((j) => j.key);
    expect(keys.filter((k) => k === 'beat:health-check')).toHaveLength(1);
    // Inspect's scheduled list shows its next firing beside countdown/ETA tasks.
    expect(await suite.app.get(Inspector).scheduled()).toContainEqual(
      expect.objectContaining({
        task_name: 'backend.app.tasks.system_tasks.generate_daily_metrics',
        queue: 'system',
        schedule: { key: 'beat:generate-daily-metrics', every_seconds: null, cron: '0 0 * * *' },
      }),
    );
    // And so does the CLI.
    const cli = new BrainProcess(['tasks', 'scheduled'], suite.prefix);
    expect(await cli.exit()).toBe(0);
    expect(cli.log).toMatch(
      /system_tasks\.generate_daily_metrics +beat:generate-daily-metrics \(cron 0 0 \* \* \*\)/,
    );
    const pending = await system.getJobs(['delayed', 'prioritized', 'waiting']);
    expect(pending.filter((j) => j.id?.startsWith('repeat:beat:health-check:'))).toHaveLength(1);

    const stop = new BrainProcess(['beat', 'stop'], suite.prefix);
    expect(await stop.exit()).toBe(0);
    expect(await Promise.all(beats.map((b) => b.exit()))).toEqual([0, 0]);
    expect(await suite.app.get(BeatService).list()).toEqual([]);
  });

  it('fires each tick exactly once with two beats and a worker running', async () => {
    const p = uniquePrefix('beat-fire');
    const fast = await clientApp(p);
    try {
      // Same engine, a one-second schedule on the fixture add task: fire a few ticks.
      const queue = fast.get(QueueRegistry).get('default');
      const beats = [
        new BrainProcess(['beat', 'start'], p),
        new BrainProcess(['beat', 'start'], p),
      ];
      await Promise.all(beats.map((b) => b.waitForOutput(/schedule\(s\) registered/)));
      // Both beats re-register their own schedules: prove that doing so again does not double a tick.
      await queue.upsertJobScheduler(
        'beat:fast-add',
        { every: 1000 },
        { name: 'tests.add', data: { args: [1, 1] } },
      );
      await queue.upsertJobScheduler(
        'beat:fast-add',
        { every: 1000 },
        { name: 'tests.add', data: { args: [1, 1] } },
      );
      const worker = await BrainProcess.worker(p, ['--queue', 'default']);
      const results = fast.get(ResultStore);
      const runs = await waitFor(
        async () => {
          const ids = await results.recentIds(100);
          const recs = (await Promise.all(ids.map((id) => results.get(id)))).filter(
            (r) => r?.task_name === 'tests.add',
          );
          return recs.length >= 4 ? recs : undefined;
        },
        'four ticks',
        15_000,
      );
      await queue.removeJobScheduler('beat:fast-add');
      // A scheduler job's id carries its tick ("repeat:<key>:<millis>"): no two within one period.
      const ticks = runs.map((r) => Number(r!.task_id.split(':').pop())).sort((a, b) => a - b);
      const gaps = ticks.slice(1).map((t, i) => t - ticks[i]);
      expect(gaps.every((g) => g >= 1000)).toBe(true);
      await worker.stop();
      await Promise.all(beats.map((b) => b.stop()));
    } finally {
      await fast.close();
    }
  });

  it('registers crontab schedules in the beat timezone (TZ), with their next run', async () => {
    const p = uniquePrefix('beat-tz');
    const beat = new BrainProcess(['beat', 'start', '--include', FIXTURE_TASKS], p, {
      TZ: 'Europe/Berlin',
    });
    const view = await clientApp(p);
    try {
      await beat.waitForOutput(/schedule\(s\) registered/);
      const monthly = (await view.get(BeatService).list()).find(
        (s) => s.key === 'beat:tests-monthly',
      );
      expect(monthly).toMatchObject({
        task: 'tests.add',
        queue: 'default',
        cron: '0 4 1 * *',
        timezone: 'Europe/Berlin',
      });
      const next = new Date(monthly!.next_run!);
      const berlin = Object.fromEntries(
        new Intl.DateTimeFormat('en-GB', {
          timeZone: 'Europe/Berlin',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          hourCycle: 'h23',
        })
          .formatToParts(next)
          .map((part) => [part.type, part.value]),
      );
      expect(berlin).toMatchObject({ day: '1', hour: '04', minute: '00' });
      expect(next.getTime()).toBeGreaterThan(Date.now());
      expect(await beat.stop()).toBe(0);
    } finally {
      await view.close();
    }
  });
});
