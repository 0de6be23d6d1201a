import { spawn } from 'node:child_process';
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

    it('opens a new file while another process holds its write lock (API and worker starting together)', async () => {
      const path = join(dir, 'shared.db');
      // Another process starts writing the new file, still in rollback mode, and holds the lock
      // a moment: SQLite fails the switch to WAL at once (no busy handler on that path).
      const holder = spawn(
        process.execPath,
        [
          '-e',
          `const db = new (require(${JSON.stringify(require.resolve('better-sqlite3'))}))(process.argv[1]);
           db.exec('begin immediate'); console.log('locked');
           setTimeout(() => { db.exec('rollback'); db.close(); }, 300);`,
          path,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      try {
        await new Promise((locked) => holder.stdout.once('data', locked));
        const storage = createDatabase({ kind: 'sqlite', path });
        try {
          const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(
            storage.db,
          );
          expect(rows[0].journal_mode).toBe('wal');
        } finally {
          await storage.close();
        }
      } finally {
        if (holder.exitCode === null) await new Promise((exited) => holder.once('exit', exited));
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
