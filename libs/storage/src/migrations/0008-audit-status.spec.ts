import { Migrator, sql } from 'kysely';
import type { DatabaseConfig } from '@brain/config';
import { dropTestDatabase, eachDialect } from '../../../../test/support/databases';
import { AuditLog } from '../audit/audit-log';
import { createDatabase, type Storage } from '../create-database';
import { migrate } from '../migrate';
import { MIGRATIONS } from './index';

describe.each(eachDialect)('migration 0008-audit-status (%s)', (_dialect, newDatabase) => {
  let config: DatabaseConfig;
  let storage: Storage;

  beforeAll(async () => {
    config = await newDatabase('audit_status');
    storage = createDatabase(config);
  });

  afterAll(async () => {
    await storage.close();
    await dropTestDatabase(config);
  });

  it("copies the status of earlier entries out of their detail; other rows' stays null", async () => {
    const before = MIGRATIONS.filter(([name]) => name < '0008');
    const migrator = new Migrator({
      db: storage.db,
      provider: {
        getMigrations: async () =>
          Object.fromEntries(before.map(([name, build]) => [name, build(storage.dialect)])),
      },
    });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const old = (principal: string, detail: string | null) =>
      sql`insert into audit_log (at, principal, action, detail)
        values ('2030-01-01T00:00:00.000Z', ${principal}, 'task.execute', ${detail})`.execute(
        storage.db,
      );
    await old('created', JSON.stringify({ status: 201, method: 'POST', query: {} }));
    await old('refused', JSON.stringify({ method: 'POST', status: 403 }));
    await old('by-hand', 'written by hand');
    await old('cli', JSON.stringify({ via: 'cli', role: 'admin' }));
    await old('empty', null);

    expect(await migrate(storage)).toEqual(['0008-audit-status']);
    const statuses = Object.fromEntries(
      (await new AuditLog(storage).list()).map((e) => [e.principal, e.status]),
    );
    expect(statuses).toEqual({
      created: 201,
      refused: 403,
      'by-hand': null,
      cli: null,
      empty: null,
    });
  });
});
