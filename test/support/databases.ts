import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DatabaseConfig } from '@brain/config';
import { Client } from 'pg';

export type TestDialect = DatabaseConfig['kind'];

/** Makes a fresh, empty database named after `name`. */
export type TestDatabaseFactory = (name: string) => Promise<DatabaseConfig>;

/** The PostgreSQL server of this test run (see test/setup/global-setup.ts). */
export function testPostgresUrl(): string {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) throw new Error('TEST_POSTGRES_URL is not set: run the tests through jest.config.js');
  return url;
}

function uniqueName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 40);
  return `brain_${slug}_${randomBytes(4).toString('hex')}`;
}

/** A SQLite file in a fresh temporary directory; the file itself does not exist yet. */
export async function testSqliteConfig(name: string): Promise<DatabaseConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'brain-test-sqlite-'));
  return { kind: 'sqlite', path: join(dir, `${uniqueName(name)}.db`) };
}

/** A new, empty database `brain_<name>_<random>` on the run's PostgreSQL server. */
export async function testPostgresConfig(name: string): Promise<DatabaseConfig> {
  const server = testPostgresUrl();
  const database = uniqueName(name);
  await withClient(server, (client) => client.query(`create database "${database}"`));
  const url = new URL(server);
  url.pathname = `/${database}`;
  return { kind: 'postgres', url: url.toString() };
}

/** Removes a database made by the helpers above (close its connections first). */
export async function dropTestDatabase(config: DatabaseConfig): Promise<void> {
  if (config.kind === 'sqlite') {
    rmSync(dirname(config.path), { recursive: true, force: true });
    return;
  }
  const database = decodeURIComponent(new URL(config.url).pathname.slice(1));
  await withClient(testPostgresUrl(), (client) =>
    client.query(`drop database if exists "${database}" with (force)`),
  );
}

/** Both dialects, for `describe.each(eachDialect)('... on %s', (dialect, newDatabase) => ...)`. */
export const eachDialect: ReadonlyArray<readonly [TestDialect, TestDatabaseFactory]> = [
  ['sqlite', testSqliteConfig],
  ['postgres', testPostgresConfig],
];

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * One SQLite file per test process, for the suites whose database is incidental (the engine's):
 * their client app and the worker, beat and API processes they start share it.
 */
export function sharedSqliteConfig(): Extract<DatabaseConfig, { kind: 'sqlite' }> {
  return { kind: 'sqlite', path: join(tmpdir(), `brain-test-${process.pid}.db`) };
}
