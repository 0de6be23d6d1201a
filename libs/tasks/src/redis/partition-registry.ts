import { Cluster, type Redis } from 'ioredis';
import { engineKeys } from './engine-keys';
import { evalScript } from './eval-script';
import { partitionPrefix, slotOfKey } from './key-layout';
import type { RedisClient } from './redis-client';
import type { RedisTopologyKind } from './redis-url';

/**
 * Appends ARGV[2..] to the registry only if it still holds ARGV[1] entries: of processes growing
 * it at once, one wins each position and the others read what it wrote. Answers the whole list.
 */
const GROW_SCRIPT = `
if redis.call('LLEN', KEYS[1]) == tonumber(ARGV[1]) then
  for i = 2, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
end
return redis.call('LRANGE', KEYS[1], 0, -1)
`;

/** Candidate tags tried for one new partition before taking any (a master may own few slots). */
const MAX_ATTEMPTS = 256;

/**
 * The partitions' prefixes as registered (partition 0's first), in partition 0's key space. An
 * absent registry is partition 0 alone: one partition writes nothing.
 */
export async function readPartitions(client: RedisClient, base: string): Promise<string[]> {
  const list = await client.lrange(engineKeys(base).partitions, 0, -1);
  return list.length ? list : [base];
}

/**
 * Grows the registry to at least `count` partitions and answers it. Entries are only appended,
 * never rewritten: a task's partition keeps its keys whatever the count later. On a Cluster, each
 * new partition's tag is chosen so that its slot lies on the master holding the fewest partitions.
 */
export async function ensurePartitions(
  client: RedisClient,
  base: string,
  kind: RedisTopologyKind,
  count: number,
): Promise<string[]> {
  let registered = await readPartitions(client, base);
  const key = engineKeys(base).partitions;
  while (registered.length < count) {
    const stored = (await client.llen(key)) === 0 ? 0 : registered.length;
    const next = await nextPrefix(client, base, kind, registered);
    const append = stored === 0 ? [base, next] : [next];
    registered = (await evalScript(client, GROW_SCRIPT, [key], [stored, ...append])) as string[];
  }
  return registered;
}

async function nextPrefix(
  client: RedisClient,
  base: string,
  kind: RedisTopologyKind,
  registered: readonly string[],
): Promise<string> {
  const partition = registered.length;
  if (kind !== 'cluster' || !(client instanceof Cluster))
    return partitionPrefix(base, kind, partition);
  const node = client.nodes('master')[0];
  const owners = await slotOwners(node);
  const load = new Map<string, number>([...new Set(owners.values())].map((m) => [m, 0]));
  for (const slot of registered.map(slotOfKey))
    load.set(owners.get(slot)!, (load.get(owners.get(slot)!) ?? 0) + 1);
  const target = [...load.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0][0];
  const candidates = Array.from({ length: MAX_ATTEMPTS }, (_, attempt) =>
    partitionPrefix(base, kind, partition, attempt),
  );
  const hit = candidates.map(slotOfKey).findIndex((slot) => owners.get(slot) === target);
  return candidates[Math.max(0, hit)];
}

/** Each slot's master (host:port), from CLUSTER SLOTS. */
async function slotOwners(node: Redis): Promise<Map<number, string>> {
  const ranges = (await node.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
  const owners = new Map<number, string>();
  for (const [start, end, [host, port]] of ranges)
    for (let slot = start; slot <= end; slot++) owners.set(slot, `${host}:${port}`);
  return owners;
}

/** The master (host:port) each prefix's slot lies on now; undefined off a Cluster. */
export async function mastersOfPartitions(
  client: RedisClient,
  prefixes: readonly string[],
): Promise<string[] | undefined> {
  if (!(client instanceof Cluster)) return undefined;
  const node = client.nodes('master')[0];
  const owners = await slotOwners(node);
  return prefixes.map((prefix) => owners.get(slotOfKey(prefix)) ?? 'unknown');
}
