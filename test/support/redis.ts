import { randomBytes } from 'node:crypto';

/** The Redis of this test run (see test/setup/global-setup.ts). */
export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: run the tests through jest.config.js');
  return url;
}

/**
 * A key prefix no other test uses, e.g. `t-dispatcher-3f9a1c2b`; tests share one Redis and
 * isolate themselves by prefix. Characters outside [A-Za-z0-9_-] become `-`.
 */
export function uniquePrefix(name: string): string {
  return `t-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}-${randomBytes(4).toString('hex')}`;
}
