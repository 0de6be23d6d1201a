import { sql } from 'kysely';
import { dropTestDatabase, eachDialect } from '../../../test/support/databases';
import { createDatabase, type Storage } from './create-database';
import { migrate, MigrationError } from './migrate';
import { MIGRATIONS } from './migrations';

const TABLES = [
  'agent_executions',
  'agents',
  'api_keys',
  'audit_log',
  'cache_entries',
  'encryption_keys',
  'missions',
  'notification_attempts',
  'notification_outbox',
  'request_principals',
  'request_stats',
  'sealed_secrets',
];

async function userTables(storage: Storage): Promise<string[]> {
  const tables = await storage.db.introspection.getTables();
  return tables.map((t) => t.name).sort();
}

describe.each(eachDialect)('migrate (%s)', (dialect, newDatabase) => {
  it('creates the schema once: a second run applies nothing', async () => {
    const config = await newDatabase('migrate_twice');
    const storage = createDatabase(config);
    try {
      expect(storage.dialect).toBe(dialect);
      expect(await migrate(storage)).toEqual(MIGRATIONS.map(([name]) => name));
      expect(await migrate(storage)).toEqual([]);
      expect(await userTables(storage)).toEqual(TABLES);
    } finally {
      await storage.close();
      await dropTestDatabase(config);
    }
  });

  it('is safe when several processes migrate the same database at once', async () => {
    const config = await newDatabase('migrate_concurrently');
    const storages = [1, 2, 3].map(() => createDatabase(config));
    try {
      const applied = await Promise.all(storages.map((s) => migrate(s)));
      // Exactly one of them did the work; the others found it done.
      expect(applied.flat()).toEqual(MIGRATIONS.map(([name]) => name));
      for (const storage of storages) expect(await userTables(storage)).toEqual(TABLES);
      const rows = await sql<{ n: number | string }>`select count(*) as n from kysely_migration`
        .execute(storages[0].db)
        .then((r) => r.rows);
      expect(Number(rows[0].n)).toBe(MIGRATIONS.length);
    } finally {
      await Promise.all(storages.map((s) => s.close()));
      await dropTestDatabase(config);
    }
  });

  it('fails with a clear error, and leaves nothing half-done, when a migration fails', async () => {
    const config = await newDatabase('migrate_failure');
    const storage = createDatabase(config);
    try {
      // A table in the way: 0001 cannot create audit_log.
      await sql`create table audit_log (x integer)`.execute(storage.db);
      const failure = migrate(storage);
      await expect(failure).rejects.toThrow(MigrationError);
      await expect(failure).rejects.toThrow(/database migration 0001-initial failed: .*audit_log/);
      // Rolled back: api_keys, created before the failure, is gone again.
      expect(await userTables(storage)).toEqual(['audit_log']);
    } finally {
      await storage.close();
      await dropTestDatabase(config);
    }
  });
});
