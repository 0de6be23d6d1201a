import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Logger } from '@nestjs/common';
import type { DatabaseConfig } from '@brain/config';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool } from 'pg';
import type { Database } from './schema';

export type StorageDialect = 'sqlite' | 'postgres';

/** An open database: the query builder, which dialect it speaks, and how to close it. */
export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: StorageDialect;
  /** Closes the connection(s); idempotent. */
  close(): Promise<void>;
}

/** How long a statement waits for another process's write lock before failing (SQLite). */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** A small pool: the API and CLI issue short queries, and PostgreSQL limits connections. */
const POSTGRES_POOL_SIZE = 5;
/** A database that is down fails the request (and the start-up) quickly instead of hanging. */
const POSTGRES_CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens the database of `config`: a SQLite file (and its directory) is created when missing; a
 * PostgreSQL pool connects on first use. Does not migrate: see migrate().
 */
export function createDatabase(config: DatabaseConfig): Storage {
  return config.kind === 'sqlite' ? openSqlite(config.path) : openPostgres(config.url);
}

function openSqlite(path: string): Storage {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const connection = new SqliteDatabase(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  // busy_timeout first: switching to WAL needs a lock that another process may hold.
  connection.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  // WAL lets readers (other processes, the CLI) run while one process writes.
  if (!inMemory) switchToWal(connection);
  // In WAL mode NORMAL stays consistent across crashes and skips an fsync per commit (one audit
  // entry per API call): only the last commits before a power loss could be lost.
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  // Kysely closes the connection only if it ever ran a query.
  return wrap(db, 'sqlite', () => {
    if (connection.open) connection.close();
  });
}

/** Pause between attempts to switch a file that another process is writing to WAL. */
const WAL_SWITCH_RETRY_MS = 25;

/**
 * `journal_mode = WAL`, retried while another process writes. SQLite skips the busy handler
 * here: the switch reads the header, then upgrades to a write lock, and an upgrade from a read
 * fails at once rather than risk a deadlock. Two processes opening a new file together (an API
 * and a worker started at the same moment) meet exactly that. Synchronous, like the open.
 */
function switchToWal(connection: SqliteDatabase.Database): void {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      connection.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if (!isSqliteBusy(err) || Date.now() >= deadline) throw err;
      Atomics.wait(pause, 0, 0, WAL_SWITCH_RETRY_MS);
    }
  }
}

/** Duck-typed: better-sqlite3's errors may come from another realm's class (Jest registries). */
export function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

function openPostgres(url: string): Storage {
  const pool = new Pool({
    connectionString: url,
    max: POSTGRES_POOL_SIZE,
    connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection dropped by the server (restart, failover) would otherwise be an
  // unhandled 'error' event and end the process; the next query reconnects or fails on its own.
  const logger = new Logger('Storage');
  pool.on('error', (err) => logger.warn(`idle PostgreSQL connection lost: ${err.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // Kysely ends the pool only if it ever ran a query.
  return wrap(db, 'postgres', () => (pool.ended ? undefined : pool.end()));
}

function wrap(
  db: Kysely<Database>,
  dialect: StorageDialect,
  release: () => void | Promise<void>,
): Storage {
  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    await db.destroy();
    await release();
  };
  return { db, dialect, close: () => (closed ??= close()) };
}
