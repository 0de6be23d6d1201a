import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client';

const shas = new Map<string, string>();

/**
 * Runs a Lua script by its SHA (EVALSHA), loading it on first use: hot paths then send 40 bytes
 * instead of the script on every call.
 */
export async function evalScript(
  client: RedisClient,
  lua: string,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  let sha = shas.get(lua);
  if (!sha) {
    sha = createHash('sha1').update(lua).digest('hex');
    shas.set(lua, sha);
  }
  try {
    return await client.evalsha(sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return client.eval(lua, keys.length, ...keys, ...args);
  }
}
