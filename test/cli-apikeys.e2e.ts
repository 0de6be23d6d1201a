import type { DatabaseConfig } from '@brain/config';
import { type ApiKeyView, AuditLog, createDatabase } from '@brain/storage';
import { ApiProcess, databaseUrl } from './support/api-process';
import { brainJson, expectOneLineError, expectUsageErrors, runBrain } from './support/brain-cli';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';

type CreatedKey = ApiKeyView & { secret: string };

describe('brain apikeys (real CLI and API processes, one SQLite database)', () => {
  const prefix = uniquePrefix('cli-apikeys');
  let database: DatabaseConfig;
  let api: ApiProcess;
  let env: Record<string, string>;
  const brain = (...args: string[]) => runBrain(prefix, args, env);

  beforeAll(async () => {
    database = await testSqliteConfig('cli-apikeys');
    env = { DATABASE_URL: databaseUrl(database) };
    api = await ApiProcess.start(prefix, database);
  });

  afterAll(async () => {
    await api?.stop();
    await dropTestDatabase(database);
  });

  it('creates a key that works against the API with its role, until it is revoked', async () => {
    const created = await brainJson<CreatedKey>(
      prefix,
      ['apikeys', 'create', '--name', 'ci-operator', '--role', 'operator'],
      env,
    );
    expect(created).toMatchObject({ name: 'ci-operator', role: 'operator', revoked_at: null });
    expect(created.secret).toMatch(/^brn_[\w-]{43}$/);
    expect(created.secret.startsWith(created.prefix)).toBe(true);

    // The API takes it: an operator may read and send, not manage keys.
    expect((await api.as(created.secret).get('/api/tasks/workers/stats')).status).toBe(200);
    expect((await api.as(created.secret).get('/api/keys')).status).toBe(403);

    const list = await brainJson<ApiKeyView[]>(prefix, ['apikeys', 'list'], env);
    expect(list).toContainEqual(expect.objectContaining({ id: created.id, name: 'ci-operator' }));
    expect(JSON.stringify(list)).not.toContain(created.secret);
    const table = await brain('apikeys', 'list');
    expect(table.stdout).toMatch(
      new RegExp(`^${created.id} +ci-operator +operator +${created.prefix} +active `, 'm'),
    );
    expect(table.stdout).not.toContain(created.secret);

    const revoked = await brain('apikeys', 'revoke', 'ci-operator');
    expect({ code: revoked.code, stderr: revoked.stderr }).toEqual({ code: 0, stderr: '' });
    expect(revoked.stdout.trim()).toBe(`revoked API key "ci-operator" (${created.id}, operator)`);
    expect((await api.as(created.secret).get('/api/tasks/workers/stats')).status).toBe(401);
    expect((await brain('apikeys', 'list')).stdout).toMatch(
      new RegExp(`^${created.id} +ci-operator +operator +\\S+ +revoked `, 'm'),
    );
    expectOneLineError(
      await brain('apikeys', 'revoke', created.id),
      1,
      new RegExp(`^brain: API key "ci-operator" \\(${created.id}\\) is already revoked$`),
    );

    // Both changes are audited, as the API's own would be.
    const storage = createDatabase(database);
    try {
      const entries = await new AuditLog(storage).list();
      expect(entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: 'api_key.create', target: created.id }),
          expect.objectContaining({ action: 'api_key.revoke', target: created.id }),
        ]),
      );
      expect(entries.find((e) => e.action === 'api_key.create')?.principal).toMatch(/^cli/);
    } finally {
      await storage.close();
    }
  });

  it('prints a new key once in the table output, with its expiry; revokes by id', async () => {
    const r = await brain(
      'apikeys',
      'create',
      '--name',
      'grafana',
      '--role',
      'viewer',
      '--expires',
      '2099-01-01T00:00:00Z',
    );
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const id = /^id +(\S+)$/m.exec(r.stdout)![1];
    const secret = /^key +(brn_\S+)$/m.exec(r.stdout)![1];
    expect(r.stdout).toMatch(/^role +viewer$/m);
    expect(r.stdout).toMatch(/^expires +2099-01-01 00:00:00$/m);
    expect(r.stdout).toMatch(/cannot be shown again/);
    expect((await api.as(secret).get('/api/tasks/workers/stats')).status).toBe(200);
    expect((await api.as(secret).post('/api/tasks/execute').send({})).status).toBe(403);

    const revoked = await brainJson<ApiKeyView>(prefix, ['apikeys', 'revoke', id], env);
    expect(revoked).toMatchObject({ id, name: 'grafana', revoked_at: expect.any(String) });
    expect((await api.as(secret).get('/api/tasks/workers/stats')).status).toBe(401);
  });

  it('refuses bad input as the API does, an ambiguous name, and an unknown key', async () => {
    const twins = [
      await brain('apikeys', 'create', '--name', 'twin', '--role', 'viewer'),
      await brain('apikeys', 'create', '--name', 'twin', '--role', 'viewer'),
    ];
    expect(twins.map((t) => t.code)).toEqual([0, 0]);
    await expectUsageErrors(
      (args) => brain('apikeys', ...args),
      [
        [
          ['create', '--name', 'x', '--role', 'root'],
          /^brain: --role must be one of the following values: admin, operator, viewer$/,
        ],
        [
          ['create', '--name', 'x', '--role', 'viewer', '--expires', 'soon'],
          /^brain: --expires must be a valid ISO 8601 date string$/,
        ],
        [['create', '--name', '', '--role', 'viewer'], /^brain: --name should not be empty$/],
        [['create', '--role', 'viewer'], /^brain: required option '--name <name>' not specified$/],
        [
          ['revoke', 'twin'],
          /^brain: 2 active keys are named "twin": give the id \(brain apikeys list\)$/,
        ],
      ],
    );
    expectOneLineError(
      await brain('apikeys', 'revoke', 'nobody'),
      1,
      /^brain: no active API key with id or name "nobody"$/,
    );
  }, 180_000);
});
