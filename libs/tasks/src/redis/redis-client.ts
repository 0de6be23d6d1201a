import { Cluster, type ClusterOptions, Redis } from 'ioredis';
import { slotOfKey } from './key-layout';
import type { RedisEndpoint } from './redis-endpoint';

/**
 * A connection of the engine: to one server (or a Sentinel group's master), or to a Cluster. Both
 * take the same commands; a key's node is the Cluster client's business.
 */
export type RedisClient = Redis | Cluster;

/** The one place that opens a connection from endpoint options (redisEndpoint()). */
export function createRedisClient(endpoint: RedisEndpoint): RedisClient {
  const { clusterNodes, ...options } = endpoint;
  if (!clusterNodes) return new Redis(options);
  return new Cluster(clusterNodes, clusterOptions(options));
}

/** Every master of the connection: the server itself, or each master of a Cluster. */
export function mastersOf(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/**
 * The connection a Cluster client sends `key`'s commands on: its pool's instance for the master
 * serving the key's slot now. A command with no key (WAIT) sent there runs on that connection.
 */
export function connectionOfKey(cluster: Cluster, key: string): Redis {
  const slot = slotOfKey(key);
  const [address] = cluster.slots[slot] ?? [];
  const node = cluster
    .nodes('master')
    .find((n) => `${n.options.host}:${n.options.port}` === address);
  if (!node) throw new Error(`no master serves slot ${slot} now`);
  return node;
}

function clusterOptions(node: Omit<RedisEndpoint, 'clusterNodes'>): ClusterOptions {
  const { lazyConnect, retryStrategy, ...redisOptions } = node;
  // redisEndpoint()'s failFast (the API): no retries per command.
  const failFast = node.maxRetriesPerRequest === 0;
  return {
    // Each node's connection (credentials, TLS, retries per command, READONLY handling); a
    // failing-fast client does not wait long for a node that is gone from the network.
    redisOptions: failFast ? { connectTimeout: 1000, ...redisOptions } : redisOptions,
    lazyConnect,
    // The Cluster reconnects as a whole (its nodes' own retryStrategy is not used).
    clusterRetryStrategy: retryStrategy ?? ((times: number) => Math.min(times * 100, 2000)),
    // While a master's slots fail over, a command is retried (the slot map re-read each time):
    // until the promotion for workers and beat (16 x 200 ms, then their own retries), under a
    // second for a failing-fast client (4 x 100 ms), whose caller answers 503 rather than wait.
    retryDelayOnFailover: failFast ? 100 : 200,
    retryDelayOnClusterDown: failFast ? 100 : 200,
    maxRedirections: failFast ? 4 : 16,
    slotsRefreshTimeout: failFast ? 1000 : 2000,
    // TLS clusters (managed services) announce addresses their certificates name: keep them.
    ...(redisOptions.tls && {
      dnsLookup: (address: string, callback: (err: null, address: string) => void) =>
        callback(null, address),
    }),
  };
}

/**
 * The keys matching `pattern` on every master, a batch at a time (SCAN on a Cluster client
 * reaches one node only).
 */
export async function* scanKeys(client: RedisClient, pattern: string): AsyncGenerator<string[]> {
  for (const master of mastersOf(client)) {
    let cursor = '0';
    do {
      const [next, keys] = await master.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length) yield keys;
    } while (cursor !== '0');
  }
}

/**
 * PUBLISH, answering how many subscribers it reached. A Cluster delivers to every node's
 * subscribers, but PUBLISH counts only those of the node it was sent to: ask every node.
 */
export async function publishCounted(
  client: RedisClient,
  channel: string,
  message: string,
): Promise<number> {
  const local = await client.publish(channel, message);
  if (!(client instanceof Cluster)) return local;
  const counts = await Promise.all(
    client.nodes('all').map(async (node) => {
      const reply = (await node.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
      return Number(reply[1]);
    }),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}
