import { join } from 'node:path';
import type { DatabaseConfig } from '@brain/config';
import type { Browser } from 'playwright-core';
import { ApiProcess, TEST_ADMIN_KEY } from './support/api-process';
import { launchChromium } from './support/browser';
import { runBrain } from './support/brain-cli';
import { BrainProcess, FIXTURE_TASKS } from './support/brain-process';
import { DashboardProcess } from './support/dashboard-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

const PERIODIC_TASKS = join(__dirname, 'fixtures', 'periodic-tasks.js');
const INCLUDES = `${FIXTURE_TASKS},${PERIODIC_TASKS}`;

interface Row {
  task_id: string;
  task_name: string;
  status: string;
  result: unknown;
  worker: string | null;
  date_started: string | null;
  date_done: string | null;
  periodic_task_name: string | null;
  error: { type: string; message: string; traceback: string | null } | null;
}

describe('periodic runs are task records like any other (real beat, worker and API)', () => {
  let prefix: string;
  let database: DatabaseConfig;
  let api: ApiProcess;
  let beat: BrainProcess;
  let worker: BrainProcess;

  beforeAll(async () => {
    prefix = uniquePrefix('beat-records');
    database = await testSqliteConfig('beat-records');
    beat = new BrainProcess(['beat', 'start', '--include', PERIODIC_TASKS], prefix);
    worker = new BrainProcess(['worker', 'start', '--include', INCLUDES], prefix);
    [api] = await Promise.all([
      ApiProcess.start(prefix, database, { BRAIN_INCLUDE: INCLUDES }),
      beat.waitForOutput(/schedule\(s\) registered/),
      worker.waitForOutput(/ready: queues/),
    ]);
  });

  afterAll(async () => {
    await Promise.all([beat?.stop(), worker?.stop(), api?.stop()]);
    await dropTestDatabase(database);
  });

  const list = async (taskName: string): Promise<Row[]> => {
    const res = await api.as().get(`/api/tasks?task_name=${taskName}&limit=100`).expect(200);
    return (res.body as { tasks: Row[] }).tasks;
  };

  const rowsIn = (taskName: string, status: string, count: number) =>
    waitFor(
      async () => {
        const rows = (await list(taskName)).filter((r) => r.status === status);
        return rows.length >= count ? rows : undefined;
      },
      `${count} ${status} run(s) of ${taskName} listed`,
      30_000,
    );

  it('lists each tick of a schedule as SUCCESS with its result, worker, times and schedule key', async () => {
    const runs = await rowsIn('tests.periodic.tick', 'SUCCESS', 2);
    for (const run of runs) {
      expect(run).toMatchObject({
        task_name: 'tests.periodic.tick',
        result: { ticked: true },
        periodic_task_name: 'beat:tests-tick',
        error: null,
      });
      expect(run.worker).toEqual(expect.any(String));
      expect(Date.parse(run.date_done!)).toBeGreaterThanOrEqual(Date.parse(run.date_started!));
    }
    expect(new Set(runs.map((r) => r.task_id)).size).toBe(runs.length);

    // The record itself, with its timeline, as for a sent task.
    const detail = (await api.as().get(`/api/tasks/${encodeURIComponent(runs[0].task_id)}`))
      .body as Row & { timeline: { state: string }[] };
    expect(detail).toMatchObject({
      status: 'SUCCESS',
      periodic_task_name: 'beat:tests-tick',
      result: { ticked: true },
    });
    expect(detail.timeline.map((e) => e.state)).toEqual(['PENDING', 'STARTED', 'SUCCESS']);
  });

  it('lists a periodic task that fails every time as FAILURE, with its error and traceback', async () => {
    const [failed] = await rowsIn('tests.periodic.broken_tick', 'FAILURE', 1);
    expect(failed).toMatchObject({
      periodic_task_name: 'beat:tests-broken-tick',
      error: { type: 'Error', message: 'this periodic task fails every time' },
    });
    expect(failed.error!.traceback).toMatch(/brokenTick/);
  });

  it('keeps no record of an ignore_result periodic task, as for a sent one', async () => {
    // The worker counts its runs (heartbeat), so it is known to have run before the list is read.
    await waitFor(
      async () => {
        const stats = (await api.as().get('/api/tasks/workers/stats').expect(200)).body as {
          workers: Record<string, { total: Record<string, number> }>;
        };
        const runs = Object.values(stats.workers).map(
          (w) => w.total['tests.periodic.quiet_tick'] ?? 0,
        );
        return runs.some((n) => n >= 2) || undefined;
      },
      'two runs of the ignore_result periodic task',
      30_000,
    );
    expect(await list('tests.periodic.quiet_tick')).toEqual([]);
  });

  it('shows the schedule in the CLI: tasks list and tasks status', async () => {
    const [run] = await rowsIn('tests.periodic.tick', 'SUCCESS', 1);
    const env = { BRAIN_INCLUDE: INCLUDES };
    const listed = await runBrain(prefix, ['tasks', 'list', '--name', 'tests.periodic.tick'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/SCHEDULE/);
    expect(listed.stdout).toMatch(/beat:tests-tick/);
    const status = await runBrain(prefix, ['tasks', 'status', run.task_id], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/schedule +beat:tests-tick/);
  });

  it('shows the schedule in the monitoring UI: the tasks list and the task page', async () => {
    const [run] = await rowsIn('tests.periodic.tick', 'SUCCESS', 1);
    let dashboard: DashboardProcess | undefined;
    let browser: Browser | undefined;
    try {
      [dashboard, browser] = await Promise.all([
        DashboardProcess.start(prefix, { BRAIN_INCLUDE: INCLUDES }),
        launchChromium(),
      ]);
      const page = await browser.newPage();
      await page.goto(dashboard.url);
      await page.getByLabel('API key').fill(TEST_ADMIN_KEY);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByTestId('who').waitFor();
      await page.goto(`${dashboard.url}/#/tasks?task_name=tests.periodic.tick`);
      const row = page.locator(`[data-testid="tasks"] tr[data-task-id="${run.task_id}"]`);
      await row.locator('.schedule-tag', { hasText: 'beat:tests-tick' }).waitFor();
      await page.goto(`${dashboard.url}/#/tasks/${encodeURIComponent(run.task_id)}`);
      const detail = page.locator('[data-testid="task-detail"][data-state="SUCCESS"]');
      await detail.getByText('beat:tests-tick', { exact: true }).waitFor();
    } finally {
      await Promise.all([browser?.close(), dashboard?.stop()]);
    }
  });
});
