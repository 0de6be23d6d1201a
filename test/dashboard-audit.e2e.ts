import type { DatabaseConfig } from '@brain/config';
import { ApiKeyStore, createDatabase, type Storage } from '@brain/storage';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { databaseUrl, TEST_ADMIN_KEY } from './support/api-process';
import { launchChromium } from './support/browser';
import { DashboardProcess } from './support/dashboard-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';

jest.setTimeout(120_000);

const DEADLINE_MS = 30_000;

describe('the audit of refused UI calls, and the audit page (real dashboard, headless Chromium)', () => {
  let dashboard: DashboardProcess;
  let database: DatabaseConfig;
  let storage: Storage;
  let browser: Browser;
  const keys = { operator: '', viewer: '' };

  beforeAll(async () => {
    database = await testSqliteConfig('dashboard-audit');
    [dashboard, browser] = await Promise.all([
      DashboardProcess.start(uniquePrefix('dashboard-audit'), {
        DATABASE_URL: databaseUrl(database),
      }),
      launchChromium(),
    ]);
    storage = createDatabase(database);
    const store = new ApiKeyStore(storage);
    for (const role of ['operator', 'viewer'] as const)
      keys[role] = (await store.create({ name: `ui-${role}`, role })).secret;
  });

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await storage?.close();
    if (database) await dropTestDatabase(database);
  });

  async function logIn(key: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(dashboard.url);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('who').waitFor({ timeout: DEADLINE_MS });
    return { context, page };
  }

  /** A state-changing call from the logged-in page, with its session's CSRF token or not. */
  const callFrom = (page: Page, method: string, path: string, withToken: boolean) =>
    page.evaluate(
      async ([method, path, withToken]) => {
        const session = (await fetch('api/session').then((r) => r.json())) as {
          csrf_token: string;
        };
        const headers: Record<string, string> = withToken
          ? { 'X-CSRF-Token': session.csrf_token }
          : {};
        const res = await fetch(path, { method, headers });
        return { status: res.status, message: ((await res.json()) as { message: string }).message };
      },
      [method, path, withToken] as const,
    );

  it('audits calls refused without a session (401), for the role (403) and by the CSRF check (403)', async () => {
    await request(dashboard.url)
      .delete('/api/tasks/some-task')
      .set('Origin', dashboard.url)
      .expect(401);

    const viewer = await logIn(keys.viewer);
    const forRole = await callFrom(
      viewer.page,
      'POST',
      'api/queues/purge?queue_name=default',
      true,
    );
    expect(forRole).toEqual({
      status: 403,
      message: expect.stringMatching(/needs the admin role/),
    });
    // A refused read is not audited; the audit log is an admin's.
    expect(await viewer.page.evaluate(() => fetch('api/audit').then((r) => r.status))).toBe(403);
    await viewer.context.close();

    const operator = await logIn(keys.operator);
    const forged = await callFrom(operator.page, 'DELETE', 'api/tasks/some-task', false);
    expect(forged).toEqual({
      status: 403,
      message: 'Cross-site request refused: missing or wrong CSRF token',
    });
    await operator.context.close();

    const admin = await logIn(TEST_ADMIN_KEY);
    const page = await admin.page.evaluate(() =>
      fetch('api/audit?limit=500').then((r) => r.json()),
    );
    const refused = (page as { entries: Array<Record<string, unknown>> }).entries
      .filter((e) => (e.status as number) >= 400)
      .map((e) => [e.principal, e.action, e.status, e.reason]);
    expect(refused).toEqual([
      ['ui-operator', 'task.revoke', 403, forged.message],
      ['ui-viewer', 'queue.purge', 403, forRole.message],
      ['anonymous', 'task.revoke', 401, 'Not logged in, or the session has ended'],
    ]);
    await admin.context.close();
  });

  it('shows admins the audit page, filtered in the address; viewers and operators have none', async () => {
    const { context, page } = await logIn(TEST_ADMIN_KEY);
    await page.getByRole('link', { name: 'Audit' }).click();
    const rows = page.locator('[data-testid="audit"] tbody tr');
    await rows.first().waitFor({ timeout: DEADLINE_MS });
    // The logins are in it, and the refusals with their reasons.
    await rows
      .filter({ hasText: 'dashboard.login' })
      .filter({ hasText: 'ui-viewer' })
      .first()
      .waitFor({ timeout: DEADLINE_MS });
    await page.getByLabel('Status').fill('403');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('[data-testid="audit"] tbody tr[data-status="200"]').first().waitFor({
      state: 'detached',
      timeout: DEADLINE_MS,
    });
    expect(page.url()).toMatch(/#\/audit\?status=403$/);
    const shown = await rows.evaluateAll((trs: Array<{ getAttribute(n: string): string | null }>) =>
      trs.map((tr) => [tr.getAttribute('data-status'), tr.getAttribute('data-action')]),
    );
    expect(shown).toEqual([
      ['403', 'task.revoke'],
      ['403', 'queue.purge'],
    ]);
    expect(await rows.nth(1).textContent()).toMatch(/ui-viewer.*needs the admin role/);
    await context.close();

    for (const key of [keys.viewer, keys.operator]) {
      const other = await logIn(key);
      expect(await other.page.getByRole('link', { name: 'Audit' }).count()).toBe(0);
      await other.page.goto(`${dashboard.url}/#/audit`);
      await other.page.getByTestId('who').waitFor({ timeout: DEADLINE_MS });
      expect(await other.page.getByTestId('audit').count()).toBe(0);
      await other.context.close();
    }
  });
});
