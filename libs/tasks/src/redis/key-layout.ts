import calculateSlot from 'cluster-key-slot';
import { parseRedisUrl, type RedisTopologyKind } from './redis-url';

/**
 * The key prefix the engine and BullMQ write under, for the configured prefix on a topology: the
 * one place that decides the key layout.
 *
 * On a Cluster, every key must carry one hash tag, so that each Lua script, MULTI and pipeline
 * touches one slot (else CROSSSLOT): the prefix becomes `{brain}`, and every key
 * `{brain}:default:wait`, `{brain}:tasks`... On one server or a Sentinel group the keys keep their
 * untagged names (`brain:...`), so that existing deployments need no migration. A prefix that
 * already holds a tag is taken as it is. This is partition 0; partitionPrefix() names the others.
 */
export function keyPrefix(prefix: string, kind: RedisTopologyKind): string {
  if (kind !== 'cluster' || /\{[^}]+\}/.test(prefix)) return prefix;
  return `{${prefix}}`;
}

/** keyPrefix() for a REDIS_URL; a URL that does not parse keeps the prefix (validation says why). */
export function keyPrefixFor(prefix: string, redisUrl: string): string {
  return keyPrefix(prefix, topologyKindOf(redisUrl));
}

/** The topology a REDIS_URL names; standalone for one that does not parse. */
export function topologyKindOf(redisUrl: string): RedisTopologyKind {
  try {
    return parseRedisUrl(redisUrl).kind;
  } catch {
    // Start-up validation refuses the URL with a clear line; nothing to decide here.
    return 'standalone';
  }
}

/**
 * The Cluster slot of `key` (of its hash tag, if it has one), as every Redis Cluster computes it
 * (CRC16 mod 16384): the same function ioredis routes with, so no round trip to the server.
 */
export function slotOfKey(key: string): number {
  return calculateSlot(key);
}

/** REDIS_PARTITIONS' bounds. */
export const MAX_PARTITIONS = 64;

/**
 * The prefix of partition `partition` (>= 1), `attempt` telling candidates apart: on a Cluster
 * each partition has a hash tag of its own (`{brain:p1}`, `{brain:p1:2}`...), tried until one's
 * slot sits on the master wanted (partition-registry.ts); elsewhere just a distinct prefix
 * (`brain:p1`). Partition 0 is `base` itself, so that nothing moves for one partition.
 */
export function partitionPrefix(
  base: string,
  kind: RedisTopologyKind,
  partition: number,
  attempt = 0,
): string {
  if (partition === 0) return base;
  if (kind !== 'cluster') return `${base}:p${partition}`;
  const name = base.replace(/[{}]/g, '');
  return `{${name}:p${partition}${attempt ? `:${attempt}` : ''}}`;
}

/** A task id of partition p >= 1 ends with `-p<p>` (a UUID's hex never holds a `p`). */
const PARTITION_SUFFIX = /-p([1-9]\d?)$/;

/** The partition a task id names: its `-p<n>` suffix, or 0 (every id from before partitions). */
export function partitionOfTaskId(taskId: string): number {
  const match = PARTITION_SUFFIX.exec(taskId);
  return match ? Number(match[1]) : 0;
}

/** A new task id in `partition`: `base` (a UUID), suffixed for partitions above 0. */
export function taskIdIn(partition: number, base: string): string {
  return partition === 0 ? base : `${base}-p${partition}`;
}

/**
 * The partition a new task goes to among the first `count`: by its partition key when given
 * (same key, same partition, so FIFO among them while the count stays), else uniformly at random
 * (`random` in [0, 1)).
 */
export function choosePartition(
  count: number,
  partitionKey?: string,
  random = Math.random(),
): number {
  if (count <= 1) return 0;
  if (partitionKey === undefined) return Math.floor(random * count);
  return fnv1a(partitionKey) % count;
}

/** FNV-1a, 32 bits: a stable spread of keys (not a security hash). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
