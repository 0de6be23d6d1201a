import { parseRedisUrl, type RedisTopologyKind } from './redis-url';

/**
 * The key prefix the engine and BullMQ write under, for the configured prefix on a topology: the
 * one place that decides the key layout.
 *
 * On a Cluster, every key must carry one hash tag, so that each Lua script, MULTI and pipeline
 * touches one slot (else CROSSSLOT): the prefix becomes `{brain}`, and every key
 * `{brain}:default:wait`, `{brain}:tasks`... On one server or a Sentinel group the keys keep their
 * untagged names (`brain:...`), so that existing deployments need no migration. A prefix that
 * already holds a tag is taken as it is. (Partitions will give each its own tag here.)
 */
export function keyPrefix(prefix: string, kind: RedisTopologyKind): string {
  if (kind !== 'cluster' || /\{[^}]+\}/.test(prefix)) return prefix;
  return `{${prefix}}`;
}

/** keyPrefix() for a REDIS_URL; a URL that does not parse keeps the prefix (validation says why). */
export function keyPrefixFor(prefix: string, redisUrl: string): string {
  let kind: RedisTopologyKind = 'standalone';
  try {
    kind = parseRedisUrl(redisUrl).kind;
  } catch {
    // Start-up validation refuses the URL with a clear line; nothing to decide here.
  }
  return keyPrefix(prefix, kind);
}
