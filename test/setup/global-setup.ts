import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRedis } from '../../apps/cli/src';
import { startEmbeddedPostgres } from './embedded-postgres';
import { testRun } from './test-run';

/**
 * Starts one private redis-server and one private PostgreSQL cluster for the whole run and
 * exposes them as TEST_REDIS_URL and TEST_POSTGRES_URL (test workers inherit them). When a
 * variable is already set, that server is used instead.
 */
export default async function globalSetup(): Promise<void> {
  const log = (m: string) => console.log(`\n${m}`);
  await Promise.all([startRedis(log), startPostgres(log)]);
}

async function startRedis(log: (message: string) => void): Promise<void> {
  if (process.env.TEST_REDIS_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'brain-test-redis-'));
  const redis = await startEmbeddedRedis({ dir, install: true, log });
  process.env.TEST_REDIS_URL = redis.url;
  testRun.redis = { dir, stop: () => redis.stop() };
}

async function startPostgres(log: (message: string) => void): Promise<void> {
  if (process.env.TEST_POSTGRES_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'brain-test-pg-'));
  try {
    const postgres = await startEmbeddedPostgres({ dir, log });
    process.env.TEST_POSTGRES_URL = postgres.url;
    testRun.postgres = { dir, stop: () => postgres.stop() };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
