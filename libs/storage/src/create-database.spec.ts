import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createDatabase } from './create-database';
import { StorageHealth } from './storage-health';

describe('createDatabase', () => {
  describe('SQLite', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'brain-create-db-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('creates the parent directory and opens the file in WAL mode with foreign keys', async () => {
      const path = join(dir, 'nested', 'var', 'brain.db');
      const storage = createDatabase({ kind: 'sqlite', path });
      try {
        expect(storage.dialect).toBe('sqlite');
        expect(existsSync(path)).toBe(true);
        const pragma = async (name: string): Promise<unknown> => {
          const { rows } = await sql
            .raw<Record<string, unknown>>(`pragma ${name}`)
            .execute(storage.db);
          return Object.values(rows[0])[0];
        };
        expect(await pragma('journal_mode')).toBe('wal');
        expect(await pragma('foreign_keys')).toBe(1);
        expect(await pragma('busy_timeout')).toBe(5000);
      } finally {
        await storage.close();
      }
    });

    it('closes idempotently, also when never used', async () => {
      const storage = createDatabase({ kind: 'sqlite', path: join(dir, 'unused.db') });
      await storage.close();
      await storage.close();
      const used = createDatabase({ kind: 'sqlite', path: ':memory:' });
      await sql`select 1`.execute(used.db);
      await Promise.all([used.close(), used.close()]);
    });
  });

  describe('PostgreSQL', () => {
    it('fails fast, without hanging, when the server is down', async () => {
      // Port 1 on localhost: nothing listens there.
      const storage = createDatabase({ kind: 'postgres', url: 'postgres://u@127.0.0.1:1/db' });
      const started = Date.now();
      try {
        await expect(new StorageHealth(storage).ping()).rejects.toThrow(/ECONNREFUSED/);
        expect(Date.now() - started).toBeLessThan(3_000);
      } finally {
        await storage.close();
      }
    });

    it('closes idempotently, also when never used', async () => {
      const storage = createDatabase({ kind: 'postgres', url: process.env.TEST_POSTGRES_URL! });
      await storage.close();
      await storage.close();
    });
  });
});
