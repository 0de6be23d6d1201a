import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRedis } from '../../libs/tasks/src/redis/embedded-redis';
import { testRun } from './test-run';

/**
 * Starts one private redis-server for the whole run and exposes it as TEST_REDIS_URL (test
 * workers inherit it). When TEST_REDIS_URL is already set, that Redis is used instead.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_REDIS_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'brain-test-redis-'));
  const redis = await startEmbeddedRedis({ dir, install: true, log: (m) => console.log(`\n${m}`) });
  process.env.TEST_REDIS_URL = redis.url;
  testRun.redis = { dir, stop: () => redis.stop() };
}
