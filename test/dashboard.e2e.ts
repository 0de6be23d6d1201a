import type { INestApplicationContext } from '@nestjs/common';
import { ApiKeyStore, AuditLog, createDatabase, type Storage } from '@brain/storage';
import { RevocationService, TaskClient, ResultStore } from '@brain/tasks';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { TEST_ADMIN_KEY } from './support/api-process';
import { BrainProcess } from './support/brain-process';
import { launchChromium } from './support/browser';
import { clientApp, waitForState } from './support/client-app';
import { DashboardProcess } from './support/dashboard-process';
import { sharedSqliteConfig } from './support/databases';
import { testRedisUrl, uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

jest.setTimeout(180_000);

/** Long enough for any wait below: every wait is on a condition, this is only its deadline. */
const DEADLINE_MS = 30_000;

describe('the monitoring UI in headless Chromium (real dashboard and worker processes)', () => {
  const prefix = uniquePrefix('dashboard');
  let dashboard: DashboardProcess;
  let worker: BrainProcess;
  let app: INestApplicationContext;
  let storage: Storage;
  let browser: Browser;
  const keys = { operator: '', viewer: '' };
  const leftovers: string[] = [];

  beforeAll(async () => {
    [dashboard, worker, app, browser] = await Promise.all([
      DashboardProcess.start(prefix),
      BrainProcess.worker(prefix, ['--concurrency', '2', '--hostname', 'ui-worker']),
      clientApp(prefix),
      launchChromium(),
    ]);
    // The dashboard has migrated the shared database by now: add keys as an admin would.
    storage = createDatabase(sharedSqliteConfig());
    const store = new ApiKeyStore(storage);
    for (const role of ['operator', 'viewer'] as const)
      keys[role] = (await store.create({ name: `ui-${role}`, role })).secret;
  });

  afterAll(async () => {
    // Stop the long tasks first, so that the worker has nothing to wait for when it stops.
    const revocations = app?.get(RevocationService);
    for (const id of leftovers) await revocations?.revoke(id, true).catch(() => undefined);
    await browser?.close();
    const stopped = await Promise.allSettled([dashboard?.stop(), worker?.stop()]);
    for (const [i, outcome] of stopped.entries()) {
      if (outcome.status === 'fulfilled') continue;
      await (i === 0 ? dashboard.process : worker).stop('SIGKILL').catch(() => undefined);
    }
    await storage?.close();
    await app?.close();
    for (const outcome of stopped) if (outcome.status === 'rejected') throw outcome.reason;
  });

  const send = (name: string, kwargs: Record<string, unknown>) =>
    app.get(TaskClient).applyAsync(name, { kwargs });

  async function logIn(key: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(dashboard.url);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('who').waitFor({ timeout: DEADLINE_MS });
    return { context, page };
  }

  /** Everything the page reports as an error in the browser console, uncaught exceptions too. */
  function consoleErrors(page: Page): string[] {
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
    return errors;
  }

  /** Waits for an audit entry: written as the call answers, which the page need not wait for. */
  const audited = (action: string, match: Record<string, unknown>) =>
    waitFor(async () => {
      const entries = await new AuditLog(storage).list({ action });
      expect(entries).toContainEqual(expect.objectContaining(match));
      return true;
    }, `the ${action} audit entry`);

  const row = (page: Page, taskId: string, state?: string) =>
    page.locator(
      `[data-testid="tasks"] tr[data-task-id="${taskId}"]${state ? `[data-state="${state}"]` : ''}`,
    );

  it('refuses a wrong key, and serves nothing but the login page without a session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(dashboard.url);
    await page.getByLabel('API key').fill('brn_not-a-key-at-all');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Unknown, expired or revoked API key' })
      .waitFor({ timeout: DEADLINE_MS });
    expect(await page.getByTestId('who').count()).toBe(0);
    await context.close();

    const http = request(dashboard.url);
    // The page's session probe: "not logged in" is an answer; every other call is refused.
    await http.get('/api/session').expect(200, { authenticated: false });
    await http.get('/api/snapshot').expect(401);
    await http.get('/api/events').expect(401);
    await http.get('/queues').expect(401);
    const login = await http
      .post('/api/session')
      .set('Origin', dashboard.url)
      .send({ api_key: 'brn_not-a-key-at-all' })
      .expect(401);
    expect(login.headers['set-cookie']).toBeUndefined();
    // A login posted from another site's page is refused before the key is even looked at.
    await http
      .post('/api/session')
      .set('Origin', 'http://evil.example')
      .send({ api_key: TEST_ADMIN_KEY })
      .expect(403);
  });

  it('goes through a whole session without a browser console error', async () => {
    const done = await send('tests.add', { x: 2, y: 3 });
    await waitForState(app.get(ResultStore), done.task_id, ['SUCCESS']);
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = consoleErrors(page);

    await page.goto(dashboard.url);
    await page.getByLabel('API key').fill(keys.viewer);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('who').waitFor({ timeout: DEADLINE_MS });
    await page.getByTestId('workers').getByText('ui-worker').waitFor({ timeout: DEADLINE_MS });
    await page.locator('.live-live').waitFor({ timeout: DEADLINE_MS });
    // Where Redis is: the topology reached now, and the URL with its password masked.
    const redisLine = page.getByTestId('redis');
    await redisLine
      .getByText(/\(standalone: master 127\.0\.0\.1:\d+, no replica\)/)
      .waitFor({ timeout: DEADLINE_MS });
    const password = decodeURIComponent(new URL(testRedisUrl()).password);
    if (password) expect(await redisLine.textContent()).not.toContain(password);
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await row(page, done.task_id).click({ timeout: DEADLINE_MS });
    await page
      .locator(`[data-testid="task-detail"][data-task-id="${done.task_id}"][data-state="SUCCESS"]`)
      .waitFor({ timeout: DEADLINE_MS });
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('API key').waitFor({ timeout: DEADLINE_MS });

    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the worker, a task appearing and finishing live, and terminates a running one', async () => {
    const { context, page } = await logIn(keys.operator);
    await page.getByTestId('workers').getByText('ui-worker').waitFor({ timeout: DEADLINE_MS });
    // Purging a queue is an admin's, here as in the API: no button for an operator.
    await page.getByTestId('queues').waitFor({ timeout: DEADLINE_MS });
    expect(await page.getByRole('button', { name: 'Purge' }).count()).toBe(0);

    // The task list follows the queues' events: no reload from here on.
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await page.getByTestId('tasks').or(page.getByText('No task matches')).waitFor();
    const short = await send('tests.sleep', { seconds: 1 });
    await row(page, short.task_id).waitFor({ timeout: DEADLINE_MS });
    await row(page, short.task_id, 'SUCCESS').waitFor({ timeout: DEADLINE_MS });
    expect(await row(page, short.task_id).textContent()).toContain('ui-worker');

    const long = await send('tests.sleep', { seconds: 300 });
    leftovers.push(long.task_id);
    await row(page, long.task_id, 'STARTED').waitFor({ timeout: DEADLINE_MS });
    await row(page, long.task_id).click();
    const detail = page.locator(`[data-testid="task-detail"][data-task-id="${long.task_id}"]`);
    await detail.waitFor({ timeout: DEADLINE_MS });
    expect(await detail.getByLabel('kwargs').textContent()).toContain('"seconds": 300');
    await detail.getByRole('button', { name: 'Terminate' }).click();
    await page
      .locator(`[data-testid="task-detail"][data-task-id="${long.task_id}"][data-state="REVOKED"]`)
      .waitFor({ timeout: DEADLINE_MS });
    expect(await page.getByTestId('error').textContent()).toContain('TaskRevokedError');
    expect(await page.getByTestId('timeline').textContent()).toMatch(/PENDING.*STARTED.*REVOKED/s);

    const record = await waitForState(app.get(ResultStore), long.task_id, ['REVOKED']);
    expect(record.error).toMatchObject({ type: 'TaskRevokedError' });
    await audited('task.revoke', {
      principal: 'ui-operator',
      task_id: long.task_id,
      status: 200,
    });

    // The outcomes chart reads the stored records: the success and the termination are there.
    const rates = await waitFor(async () => {
      const snapshot = (await page.evaluate(() => fetch('api/snapshot').then((r) => r.json()))) as {
        throughput: { points: Array<{ succeeded: number; revoked: number }> };
      };
      const points = snapshot.throughput.points;
      const sum = (k: 'succeeded' | 'revoked') => points.reduce((n, p) => n + p[k], 0);
      return sum('succeeded') >= 1 && sum('revoked') >= 1 ? points : undefined;
    }, 'the success and the termination in the per-minute outcomes');
    expect(rates).toHaveLength(60);
    await context.close();
  });

  it('retries a failed task, revokes a waiting one and (as an admin) purges a queue, each audited', async () => {
    const failing = await send('tests.always_fails', {});
    await waitForState(app.get(ResultStore), failing.task_id, ['FAILURE']);
    const { context, page } = await logIn(keys.operator);
    await page.goto(`${dashboard.url}/#/tasks/${failing.task_id}`);
    const failed = page.locator(`[data-testid="task-detail"][data-task-id="${failing.task_id}"]`);
    await failed.waitFor({ timeout: DEADLINE_MS });
    expect(await page.getByTestId('error').textContent()).toContain('fails every time');
    expect(await page.getByLabel('traceback').textContent()).toMatch(/at /);
    expect(await page.getByTestId('timeline').textContent()).toMatch(/RETRY.*RETRY.*FAILURE/s);
    await failed.getByRole('button', { name: 'Retry' }).click();
    // The page moves to the new task, which names the failed one as its origin.
    const retried = page.locator('[data-testid="task-detail"]', {
      hasText: `Retry of${failing.task_id}`,
    });
    await retried.waitFor({ timeout: DEADLINE_MS });
    const newId = await retried.getAttribute('data-task-id');
    expect(newId).not.toBe(failing.task_id);

    const waiting = await app
      .get(TaskClient)
      .applyAsync('tests.add', { args: [1, 2], countdown: 600, queue: 'maintenance' });
    await page.goto(`${dashboard.url}/#/tasks/${waiting.task_id}`);
    const pending = page.locator(`[data-testid="task-detail"][data-task-id="${waiting.task_id}"]`);
    await pending.getByRole('button', { name: 'Revoke' }).click();
    await page
      .locator(`[data-task-id="${waiting.task_id}"][data-state="REVOKED"]`)
      .waitFor({ timeout: DEADLINE_MS });

    for (const [action, match] of [
      ['task.retry', { task_id: failing.task_id }],
      ['task.revoke', { task_id: waiting.task_id }],
    ] as const) {
      await audited(action, { principal: 'ui-operator', ...match });
    }
    await context.close();

    const queued = await app
      .get(TaskClient)
      .applyAsync('tests.add', { args: [3, 4], countdown: 600, queue: 'maintenance' });
    const admin = await logIn(TEST_ADMIN_KEY);
    const maintenance = admin.page.getByTestId('queues').locator('tr', { hasText: 'maintenance' });
    await maintenance.getByRole('button', { name: 'Purge' }).click();
    await admin.page
      .getByRole('status')
      .filter({ hasText: 'Purged 1 task(s) from maintenance' })
      .waitFor({ timeout: DEADLINE_MS });
    expect(await app.get(ResultStore).get(queued.task_id)).toBeNull();
    await audited('queue.purge', { principal: 'ADMIN_API_KEY', target: 'maintenance' });
    await admin.context.close();
  });

  it('offers an operator no retry of an admin-only task, and refuses the one it forges (403)', async () => {
    const client = app.get(TaskClient);
    const guarded = await client.applyAsync('tests.admin_only', { countdown: 600 });
    await app.get(RevocationService).revoke(guarded.task_id, false);
    await waitForState(app.get(ResultStore), guarded.task_id, ['REVOKED']);
    const { context, page } = await logIn(keys.operator);
    await page.goto(`${dashboard.url}/#/tasks/${guarded.task_id}`);
    const detail = page.locator(
      `[data-testid="task-detail"][data-task-id="${guarded.task_id}"][data-state="REVOKED"]`,
    );
    await detail.waitFor({ timeout: DEADLINE_MS });
    // The page knows what this key may send once its meta is in: a task anyone may send shows it.
    const plain = await client.applyAsync('tests.add', { args: [1, 1], countdown: 600 });
    await app.get(RevocationService).revoke(plain.task_id, false);
    await page.goto(`${dashboard.url}/#/tasks/${plain.task_id}`);
    const plainDetail = page.locator(
      `[data-testid="task-detail"][data-task-id="${plain.task_id}"]`,
    );
    await plainDetail.getByRole('button', { name: 'Retry' }).waitFor({ timeout: DEADLINE_MS });
    await page.goto(`${dashboard.url}/#/tasks/${guarded.task_id}`);
    await detail.waitFor({ timeout: DEADLINE_MS });
    expect(await detail.getByRole('button', { name: 'Retry' }).count()).toBe(0);

    const forged = await page.evaluate(async (id) => {
      const session = (await fetch('api/session').then((r) => r.json())) as { csrf_token: string };
      const res = await fetch(`api/tasks/${id}/retry`, {
        method: 'POST',
        headers: { 'X-CSRF-Token': session.csrf_token },
      });
      return { status: res.status, body: (await res.json()) as { message: string } };
    }, guarded.task_id);
    expect(forged.status).toBe(403);
    expect(forged.body.message).toMatch(/^Sending tests\.admin_only needs the admin role/);
    await context.close();
  });

  it('searches tasks by id or part of the name, and filters them by state and queue', async () => {
    const [a, b] = [
      await send('tests.add', { x: 1, y: 1 }),
      await send('tests.flaky', { fail_times: 0 }),
    ];
    await waitForState(app.get(ResultStore), a.task_id, ['SUCCESS']);
    await waitForState(app.get(ResultStore), b.task_id, ['SUCCESS']);
    const { context, page } = await logIn(keys.viewer);
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await page.getByLabel('Search').fill('FLAK');
    await page.getByRole('button', { name: 'Search' }).click();
    // The unfiltered list is replaced by the search's.
    await row(page, a.task_id).waitFor({ state: 'detached', timeout: DEADLINE_MS });
    await row(page, b.task_id).waitFor({ timeout: DEADLINE_MS });

    await page.getByLabel('Search').fill(a.task_id);
    await page.getByRole('button', { name: 'Search' }).click();
    await row(page, b.task_id).waitFor({ state: 'detached', timeout: DEADLINE_MS });
    await row(page, a.task_id).waitFor({ timeout: DEADLINE_MS });
    expect(await page.locator('[data-testid="tasks"] tbody tr').count()).toBe(1);

    // Filters live in the address: a fresh load of it shows the same list.
    await page.goto(`${dashboard.url}/#/tasks?status=SUCCESS&queue=default&task_name=tests.add`);
    await page.reload();
    await row(page, a.task_id).waitFor({ timeout: DEADLINE_MS });
    const states = await page
      .locator('[data-testid="tasks"] tbody tr')
      .evaluateAll((rows: Array<{ getAttribute(n: string): string | null; textContent: string }>) =>
        rows.map((r) => [r.getAttribute('data-state'), r.textContent] as const),
      );
    for (const [state, text] of states) {
      expect(state).toBe('SUCCESS');
      expect(text).toContain('tests.add');
    }
    const refused = await page.evaluate(async () => {
      const res = await fetch('api/tasks?status=DONE');
      return [res.status, await res.json()] as const;
    });
    expect(refused).toEqual([400, expect.objectContaining({ field: 'status' })]);
    await context.close();
  });

  it('keeps history and sessions across a restart of the dashboard (records live in the engine)', async () => {
    const done = await send('tests.add', { x: 20, y: 22 });
    await waitForState(app.get(ResultStore), done.task_id, ['SUCCESS']);
    const { context, page } = await logIn(keys.viewer);
    const port = dashboard.port;
    await dashboard.stop();
    dashboard = await DashboardProcess.start(prefix, {}, port);
    await page.goto(`${dashboard.url}/#/tasks/${done.task_id}`);
    const detail = page.locator(`[data-testid="task-detail"][data-state="SUCCESS"]`);
    await detail.waitFor({ timeout: DEADLINE_MS });
    expect(await detail.getByLabel('result').textContent()).toBe('42');
    await context.close();
  });

  it('is `brain flower start`, also `brain dashboard start`; a bad port is bad usage', async () => {
    const bad = new BrainProcess(['dashboard', 'start', '--port', 'nope'], prefix);
    expect(await bad.exit()).toBe(2);
    expect(bad.log.trim()).toBe('brain: --port must be a whole number from 0 to 65535');
    const help = new BrainProcess(['flower', '--help'], prefix);
    expect(await help.exit()).toBe(0);
    expect(help.log).toMatch(/start/);
  });

  it('opens the read-only raw job view (bull-board) to admins only', async () => {
    const admin = await logIn(TEST_ADMIN_KEY);
    const [raw] = await Promise.all([
      admin.context.waitForEvent('page'),
      admin.page.getByRole('link', { name: 'Raw jobs' }).click(),
    ]);
    await raw.getByText('BRAiN raw jobs').first().waitFor({ timeout: DEADLINE_MS });
    await raw.getByText('maintenance').first().waitFor({ timeout: DEADLINE_MS });
    // What it shows of a job is masked as the engine's records are (URL credentials here).
    const secretive = await app.get(TaskClient).applyAsync('tests.add', {
      args: ['http://u:raw-pa55@example.test/x?token=raw-t0ken', 2],
      countdown: 600,
      queue: 'maintenance',
    });
    leftovers.push(secretive.task_id);
    const shown = await raw.evaluate(async () => {
      const board = (await fetch('api/queues').then((r) => r.json())) as {
        queues: Array<{ name: string }>;
      };
      const name = board.queues.find((q) => q.name.includes('maintenance'))!.name;
      const query = `activeQueue=${encodeURIComponent(name)}&status=delayed&page=1&jobsPerPage=50`;
      return fetch(`api/queues?${query}`).then((r) => r.text());
    });
    expect(shown).toContain(secretive.task_id);
    expect(shown).toContain('http://u:***@example.test/x?token=***');
    expect(shown).not.toMatch(/raw-pa55|raw-t0ken/);
    await admin.context.close();

    const operator = await logIn(keys.operator);
    expect(await operator.page.getByRole('link', { name: 'Raw jobs' }).count()).toBe(0);
    const status = await operator.page.evaluate(() =>
      fetch('queues/api/queues').then((r) => r.status),
    );
    expect(status).toBe(403);
    await operator.context.close();
  });

  it('shows a viewer no action, and refuses its actions (403) and forged ones', async () => {
    const running = await send('tests.sleep', { seconds: 300 });
    leftovers.push(running.task_id);
    await waitForState(app.get(ResultStore), running.task_id, ['STARTED']);
    const { context, page } = await logIn(keys.viewer);
    await page.getByTestId('running').getByText('tests.sleep').waitFor({ timeout: DEADLINE_MS });
    expect(await page.getByRole('button', { name: /Purge|Terminate|Revoke/ }).count()).toBe(0);

    await page.goto(`${dashboard.url}/#/tasks/${running.task_id}`);
    await page.getByTestId('task-detail').waitFor({ timeout: DEADLINE_MS });
    expect(await page.getByRole('button', { name: /Terminate|Revoke|Retry/ }).count()).toBe(0);

    // What the page would send if it showed the button: the role is checked on the server.
    const refused = await page.evaluate(async (id) => {
      const session = (await fetch('api/session').then((r) => r.json())) as { csrf_token: string };
      const res = await fetch(`api/tasks/${id}?terminate=true`, {
        method: 'DELETE',
        headers: { 'X-CSRF-Token': session.csrf_token },
      });
      return { status: res.status, body: (await res.json()) as { message: string } };
    }, running.task_id);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/needs the operator role/);
    expect((await app.get(ResultStore).get(running.task_id))?.state).toBe('STARTED');
    await context.close();

    // An operator's session without its CSRF token (what a forged request would look like).
    const operator = await logIn(keys.operator);
    const forged = await operator.page.evaluate(async (id) => {
      const res = await fetch(`api/tasks/${id}?terminate=true`, { method: 'DELETE' });
      return res.status;
    }, running.task_id);
    expect(forged).toBe(403);
    expect((await app.get(ResultStore).get(running.task_id))?.state).toBe('STARTED');
    await operator.context.close();
  });
});
