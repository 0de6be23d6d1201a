import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAppConfig } from '@brain/config';
import { createRedisClient, redactUrl, redisEndpoint } from '@brain/tasks';
import { CliError } from './cli-error';

/** Where `brain up` keeps its private redis (BRAIN_VAR_DIR, default ./var). */
export const VAR_DIR = process.env.BRAIN_VAR_DIR ?? join(process.cwd(), 'var');
export const EMBEDDED_REDIS_DIR = join(VAR_DIR, 'redis');
export const EMBEDDED_REDIS_URL_FILE = join(EMBEDDED_REDIS_DIR, 'url');

/**
 * Checks the environment before any process boots, so that a bad variable is one clear line
 * (naming it, never its value) instead of a stack trace from deep inside the framework.
 */
export function checkEnvironment(): void {
  ensureRedisUrl();
  try {
    loadAppConfig(process.env);
  } catch (err) {
    throw new CliError((err as Error).message.replace(/\n\s*/g, ' '), 1);
  }
}

/**
 * Every process needs REDIS_URL. Without it, use the private redis-server that `brain up` started
 * (it leaves its address in var/redis/url); failing both, say how to get one.
 */
export function ensureRedisUrl(): void {
  if (process.env.REDIS_URL) return;
  if (existsSync(EMBEDDED_REDIS_URL_FILE)) {
    process.env.REDIS_URL = readFileSync(EMBEDDED_REDIS_URL_FILE, 'utf8').trim();
    return;
  }
  throw new CliError(
    'REDIS_URL is not set and no embedded redis is running: set REDIS_URL or run `brain up`',
    1,
  );
}

/**
 * One PING before a command boots the engine: an unreachable Redis is then one line naming its
 * (masked) address, instead of the engine's connection retries and BullMQ's stack traces.
 */
export async function checkRedisReachable(url: string, timeoutMs = 5000): Promise<void> {
  const client = createRedisClient({
    // Through the one factory, so that a Sentinel group is asked for its master (and a Cluster
    // for its slots) as everywhere.
    ...redisEndpoint(url, { sentinelPassword: process.env.REDIS_SENTINEL_PASSWORD || undefined }),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
  });
  // The connection's own error (ECONNREFUSED...) says more than the failed call's.
  let cause: Error | undefined;
  client.on('error', (err: Error) => (cause ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const reason = (cause ?? (err as Error)).message;
    throw new CliError(`cannot reach Redis at ${redactUrl(url)}: ${reason}`, 1);
  } finally {
    client.disconnect();
  }
}
