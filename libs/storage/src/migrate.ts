import {
  type Kysely,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  sql,
} from 'kysely';
import { isSqliteBusy, SQLITE_BUSY_TIMEOUT_MS, type Storage } from './create-database';
import { MIGRATIONS } from './migrations';

/** A migration failed, or the migration lock could not be taken; the database is unchanged. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** How long start-up waits for another process that is migrating the same SQLite file. */
const SQLITE_LOCK_TIMEOUT_MS = 30_000;
const SQLITE_LOCK_RETRY_MS = 25;

/**
 * Brings the schema up to date and returns the names of the migrations it applied. Safe when
 * several processes start at once: on PostgreSQL Kysely holds an advisory lock and runs the
 * migrations in a transaction; on SQLite, where Kysely takes no lock, the whole run happens in
 * one `BEGIN IMMEDIATE` transaction, which holds the file's write lock. Run it before anything
 * else uses `storage`: on SQLite, other queries issued meanwhile would join that transaction.
 */
export async function migrate(storage: Storage): Promise<string[]> {
  const provider: MigrationProvider = {
    // In code, not read from a folder: works the same from dist/ and from the TypeScript sources.
    getMigrations: async () =>
      Object.fromEntries(MIGRATIONS.map(([name, build]) => [name, build(storage.dialect)])),
  };
  const migrator = new Migrator({ db: storage.db, provider });
  const run = async () => applied(await migrator.migrateToLatest());
  if (storage.dialect !== 'sqlite') return run();
  // Most starts find nothing to do: a read (which WAL never blocks) spares them the write lock,
  // which many processes starting at once (a worker's pool children) would otherwise queue for.
  const pending = (await migrator.getMigrations()).some((m) => !m.executedAt);
  return pending ? inSqliteWriteTransaction(storage.db, run) : [];
}

function applied({ error, results = [] }: MigrationResultSet): string[] {
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error');
    const reason = messageOf(error);
    throw new MigrationError(
      `database migration ${failed ? `${failed.migrationName} ` : ''}failed: ${reason}`,
      { cause: error },
    );
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function inSqliteWriteTransaction<T, DB>(db: Kysely<DB>, work: () => Promise<T>): Promise<T> {
  await takeSqliteWriteLock(db);
  let result: T;
  try {
    result = await work();
  } catch (err) {
    await sql`rollback`.execute(db).catch(() => undefined);
    throw err;
  }
  await sql`commit`.execute(db);
  return result;
}

/**
 * `BEGIN IMMEDIATE`, retried without a busy timeout: better-sqlite3 waits for a lock by
 * blocking the thread, which would also stall a holder in this same process (tests, or two
 * storages on one file) until the wait timed out.
 */
async function takeSqliteWriteLock<DB>(db: Kysely<DB>): Promise<void> {
  await sql`pragma busy_timeout = 0`.execute(db);
  try {
    const deadline = Date.now() + SQLITE_LOCK_TIMEOUT_MS;
    for (;;) {
      try {
        await sql`begin immediate`.execute(db);
        return;
      } catch (err) {
        if (!isSqliteBusy(err)) throw err;
        if (Date.now() >= deadline) {
          throw new MigrationError(
            `database migration: another process has held the SQLite write lock for ${SQLITE_LOCK_TIMEOUT_MS / 1000} s`,
            { cause: err },
          );
        }
        await new Promise((wake) => setTimeout(wake, SQLITE_LOCK_RETRY_MS));
      }
    }
  } finally {
    await sql`pragma busy_timeout = ${sql.lit(SQLITE_BUSY_TIMEOUT_MS)}`.execute(db);
  }
}

/**
 * Not `instanceof Error`: better-sqlite3's native addon builds its errors from the SqliteError
 * class of whichever copy of the module loaded last, which under Jest's per-file module
 * registries belongs to another realm.
 */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
