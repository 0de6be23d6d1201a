import type { DatabaseConfig } from '@brain/config';
import type { AuditPage } from '@brain/storage';
import { ApiProcess, databaseUrl } from './support/api-process';
import { brainJson, expectUsageErrors, runBrain } from './support/brain-cli';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';

describe('brain audit list (real CLI and API processes, one SQLite database)', () => {
  const prefix = uniquePrefix('cli-audit');
  let database: DatabaseConfig;
  let api: ApiProcess;
  let env: Record<string, string>;
  let viewer = '';
  const brain = (...args: string[]) => runBrain(prefix, args, env);

  beforeAll(async () => {
    database = await testSqliteConfig('cli-audit');
    env = { DATABASE_URL: databaseUrl(database) };
    api = await ApiProcess.start(prefix, database);
    const made = await api.as().post('/api/keys').send({ name: 'cli-viewer', role: 'viewer' });
    viewer = made.body.secret as string;
    await api.as(viewer).post('/api/tasks/purge/results').expect(403);
    await api.as(null).post('/api/tasks/cancel/all').expect(401);
  });

  afterAll(async () => {
    await api?.stop();
    if (database) await dropTestDatabase(database);
  });

  it('lists refused calls with the same filters as GET /api/audit, as JSON', async () => {
    const refused = await brainJson<AuditPage>(prefix, ['audit', 'list', '--status', '403'], env);
    expect(refused).toEqual({
      ...(await api.as().get('/api/audit?status=403')).body,
      limit: 50,
      offset: 0,
      has_more: false,
    });
    expect(refused.entries).toEqual([
      expect.objectContaining({
        principal: 'cli-viewer',
        action: 'results.purge',
        status: 403,
        reason: expect.stringMatching(/needs the admin role; key "cli-viewer"/),
      }),
    ]);
    const anonymous = await brainJson<AuditPage>(
      prefix,
      ['audit', 'list', '--principal', 'anonymous', '--action', 'task.cancel_all'],
      env,
    );
    expect(anonymous.entries.map((e) => e.status)).toEqual([401]);
    const first = await brainJson<AuditPage>(prefix, ['audit', 'list', '--limit', '1'], env);
    expect(first).toMatchObject({ limit: 1, has_more: true });
    expect(first.entries.map((e) => e.action)).toEqual(['task.cancel_all']);
  });

  it('prints a table, newest first, with the reason of a refusal', async () => {
    const r = await brain('audit', 'list', '--page', '1', '--limit', '2');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^AT +PRINCIPAL +ACTION +STATUS +IP +TASK \/ TARGET \/ REASON$/);
    expect(lines[1]).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +anonymous +task\.cancel_all +401 +\S+ +Missing API key/,
    );
    expect(lines[2]).toMatch(/ cli-viewer +results\.purge +403 .*needs the admin role/);
    expect(lines[3]).toBe('entries 1-2; more with --page 2');
    expect(r.stdout).not.toContain(viewer);
  });

  it('refuses bad filters as the API does (exit 2, one line naming the option)', async () => {
    await expectUsageErrors(
      (args) => brain('audit', 'list', ...args),
      [
        [['--status', 'teapot'], /^brain: --status must be an integer number$/],
        [['--status', '1000'], /^brain: --status must not be greater than 599$/],
        [['--since', 'yesterday'], /^brain: --since must be a valid ISO 8601 date string$/],
        [['--page', '2', '--offset', '5'], /^brain: give --page or --offset, not both$/],
      ],
    );
  }, 120_000);
});
