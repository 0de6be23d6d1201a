import type { Redis } from 'ioredis';
import { parseRedisUrl, type RedisTopologyKind } from './redis-url';

/** What REDIS_URL leads to now: the master this process talks to, and its replicas. */
export interface RedisTopology {
  kind: RedisTopologyKind;
  /** host:port of the master (after a Sentinel failover, the promoted one). */
  master: string;
  /** host:port of each replica the master reports. */
  replicas: string[];
}

/** The replicas listed by `INFO replication` (`slaveN:ip=...,port=...,state=online,...`). */
export function replicasOf(infoReplication: string): string[] {
  return [...infoReplication.matchAll(/^slave\d+:ip=([^,\s]+),port=(\d+)/gm)].map(
    (m) => `${m[1]}:${m[2]}`,
  );
}

/** Asks the connected master for itself and its replicas. */
export async function redisTopology(client: Redis, redisUrl: string): Promise<RedisTopology> {
  const info = await client.info('replication');
  const stream = client.stream as { remoteAddress?: string; remotePort?: number } | undefined;
  return {
    kind: parseRedisUrl(redisUrl).kind,
    master: stream?.remoteAddress ? `${stream.remoteAddress}:${stream.remotePort}` : 'unknown',
    replicas: replicasOf(info),
  };
}
