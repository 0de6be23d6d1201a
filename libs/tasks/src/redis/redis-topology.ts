import { Cluster } from 'ioredis';
import type { RedisClient } from './redis-client';
import { parseRedisUrl, type RedisTopologyKind } from './redis-url';

/** A Cluster master: its address, the slots it serves and its replicas. */
export interface ClusterMasterView {
  master: string;
  /** Inclusive slot ranges, in order. */
  slots: Array<[number, number]>;
  replicas: string[];
}

/** What REDIS_URL leads to now: the master this process talks to, and its replicas. */
export interface RedisTopology {
  kind: RedisTopologyKind;
  /** host:port of the master (after a Sentinel failover, the promoted one; a Cluster's first). */
  master: string;
  /** host:port of each replica the master reports (on a Cluster: of every master). */
  replicas: string[];
  /** On a Cluster: every master with its slots, in slot order. */
  masters?: ClusterMasterView[];
}

/** The replicas listed by `INFO replication` (`slaveN:ip=...,port=...,state=online,...`). */
export function replicasOf(infoReplication: string): string[] {
  return [...infoReplication.matchAll(/^slave\d+:ip=([^,\s]+),port=(\d+)/gm)].map(
    (m) => `${m[1]}:${m[2]}`,
  );
}

type SlotsReply = Array<[number, number, ...Array<[string, number, ...unknown[]]>]>;

/** CLUSTER SLOTS grouped by master, in slot order. */
export function mastersOfSlots(reply: SlotsReply): ClusterMasterView[] {
  const byMaster = new Map<string, ClusterMasterView>();
  for (const [from, to, [host, port], ...replicas] of reply) {
    const master = `${host}:${port}`;
    const view = byMaster.get(master) ?? { master, slots: [], replicas: [] };
    view.slots.push([from, to]);
    for (const [rHost, rPort] of replicas) {
      const replica = `${rHost}:${rPort}`;
      if (!view.replicas.includes(replica)) view.replicas.push(replica);
    }
    byMaster.set(master, view);
  }
  const masters = [...byMaster.values()];
  for (const m of masters) m.slots.sort((a, b) => a[0] - b[0]);
  return masters.sort((a, b) => a.slots[0][0] - b.slots[0][0]);
}

/** Asks the connected master for itself and its replicas (a Cluster for its slot map). */
export async function redisTopology(client: RedisClient, redisUrl: string): Promise<RedisTopology> {
  const kind = parseRedisUrl(redisUrl).kind;
  if (client instanceof Cluster) {
    const masters = mastersOfSlots(await client.cluster('SLOTS'));
    return {
      kind,
      master: masters[0]?.master ?? 'unknown',
      replicas: masters.flatMap((m) => m.replicas),
      masters,
    };
  }
  const info = await client.info('replication');
  const stream = client.stream as { remoteAddress?: string; remotePort?: number } | undefined;
  return {
    kind,
    master: stream?.remoteAddress ? `${stream.remoteAddress}:${stream.remotePort}` : 'unknown',
    replicas: replicasOf(info),
  };
}
