import { rmSync } from 'node:fs';
import { testRun } from './test-run';

/** Stops the redis-server of global-setup and removes its data. */
export default async function globalTeardown(): Promise<void> {
  const redis = testRun.redis;
  if (!redis) return;
  testRun.redis = undefined;
  await redis.stop();
  rmSync(redis.dir, { recursive: true, force: true });
}
