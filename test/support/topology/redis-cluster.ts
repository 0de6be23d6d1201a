/**
 * A real Redis Cluster of a test's own: 3 masters and 3 replicas, each a `PrivateRedis` (Debian
 * `redis-server --cluster-enabled yes`) in its own temp directory, joined by
 * `redis-cli --cluster create`. Every node requires the same password (and replicates with it).
 *
 *   const cluster = await RedisCluster.start();
 *   process.env.REDIS_URL = cluster.url;            // redis-cluster://:PASSWORD@seed1,seed2,seed3
 *   const killed = await cluster.killMaster(0);     // SIGKILL the master of the lowest slots
 *   await cluster.waitForPromotion();               // its replica serves those slots, state ok
 *   await cluster.stop();
 *
 * The nodes register with the test environment's live processes (see PrivateRedis), so a file that
 * ends without stop() does not leave them running; their temp directories are removed by stop().
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { freePort } from '../../../apps/cli/src';
import { PrivateRedis } from '../private-redis';
import { waitFor } from '../wait';

const MASTERS = 3;
const REPLICAS_PER_MASTER = 1;
const NODES = MASTERS * (1 + REPLICAS_PER_MASTER);
const SLOTS = 16384;
const run = promisify(execFile);

/** One node as the cluster sees it (a line of CLUSTER NODES). */
interface NodeView {
  id: string;
  port: number;
  flags: string[];
  /** The master it replicates, for a replica. */
  masterId?: string;
  connected: boolean;
  slots: Array<[number, number]>;
}

/** A master serving slots, with the replicas that follow it. */
export interface ClusterMaster {
  id: string;
  node: PrivateRedis;
  /** Inclusive slot ranges, in order. */
  slots: Array<[number, number]>;
  replicas: PrivateRedis[];
}

export interface RedisClusterOptions {
  /**
   * cluster-node-timeout: how long a master may be unreachable before it is failed over. Small,
   * so that a test's failover takes seconds.
   */
  nodeTimeoutMs?: number;
}

/** Ports free right now, all different (each node needs a client port and a cluster bus port). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Runs `fn` on a one-off connection to `node` that does not retry. */
async function onNode<T>(node: PrivateRedis, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = node.client({ lazyConnect: true, retryStrategy: () => null });
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/** `field:value` lines of INFO-style text as a map. */
function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** CLUSTER NODES, parsed (slots being migrated, `[slot->-id]`, are left out). */
function parseClusterNodes(text: string): NodeView[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [id, address, flags, master, , , , link, ...slots] = line.trim().split(' ');
      // address is ip:port@busport[,hostname]
      const hostPort = address.split('@')[0];
      const port = Number(hostPort.slice(hostPort.lastIndexOf(':') + 1));
      return {
        id,
        port,
        flags: flags.split(','),
        masterId: master === '-' ? undefined : master,
        connected: link === 'connected',
        slots: slots
          .filter((slot) => !slot.startsWith('['))
          .map((slot): [number, number] => {
            const [from, to = from] = slot.split('-').map(Number);
            return [from, to];
          })
          .sort((a, b) => a[0] - b[0]),
      };
    });
}

const slotCount = (slots: Array<[number, number]>): number =>
  slots.reduce((sum, [from, to]) => sum + to - from + 1, 0);

const sameSlots = (a: Array<[number, number]>, b: Array<[number, number]>): boolean =>
  a.length === b.length && a.every(([from, to], i) => from === b[i][0] && to === b[i][1]);

export class RedisCluster {
  private pending?: { killed: ClusterMaster; since: number };

  private constructor(
    /** Every node, the killed ones included, in creation order (the first three start as masters). */
    readonly nodes: PrivateRedis[],
    readonly password: string,
    private readonly dirs: string[],
  ) {}

  /** Starts the six nodes in parallel, creates the cluster and waits until it is whole. */
  static async start(options: RedisClusterOptions = {}): Promise<RedisCluster> {
    const password = randomBytes(12).toString('hex');
    const ports = await distinctFreePorts(2 * NODES);
    const dirs = await Promise.all(
      Array.from({ length: NODES }, () => mkdtemp(join(tmpdir(), 'brain-cluster-'))),
    );
    const nodes = dirs.map((dir, i) => {
      const port = ports[i];
      return new PrivateRedis(port, {
        password,
        dir,
        args: [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          // The bus port is set: port + 10000 may not exist for a port from the ephemeral range.
          '--cluster-port',
          String(ports[NODES + i]),
          '--cluster-node-timeout',
          String(options.nodeTimeoutMs ?? 1000),
          // A replica's first sync starts at once, not after the default 5 s wait for more replicas.
          '--repl-diskless-sync-delay',
          '0',
        ],
      });
    });
    const cluster = new RedisCluster(nodes, password, dirs);
    try {
      await Promise.all(nodes.map((node) => node.start()));
      await cluster.create();
      await cluster.waitUntilWhole();
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  /** The REDIS_URL of this cluster: its first three nodes as seeds. */
  get url(): string {
    const seeds = this.seeds
      .slice(0, MASTERS)
      .map(({ host, port }) => `${host}:${port}`)
      .join(',');
    return `redis-cluster://:${encodeURIComponent(this.password)}@${seeds}`;
  }

  /** Every node's address, as ioredis' `Cluster` takes its startup nodes. */
  get seeds(): Array<{ host: string; port: number }> {
    return this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  }

  /** The masters serving slots now, in slot order, as a live node sees them. */
  async masters(): Promise<ClusterMaster[]> {
    return this.mastersIn(await this.view(this.liveNodes()[0]));
  }

  /** The index (in slot order, as killMaster() takes it) of the master serving `key`'s slot. */
  async masterIndexOf(key: string): Promise<number> {
    const masters = await this.masters();
    const slot = Number(await onNode(masters[0].node, (client) => client.cluster('KEYSLOT', key)));
    return masters.findIndex((m) => m.slots.some(([from, to]) => slot >= from && slot <= to));
  }

  /**
   * SIGKILLs the `index`th master (in slot order) as in a crash; waitForPromotion() then waits for
   * its replica to take over. Answers the master that was killed.
   */
  async killMaster(index: number): Promise<ClusterMaster> {
    const masters = await this.masters();
    const killed = masters[index];
    if (!killed) throw new Error(`no master ${index}: the cluster has ${masters.length}`);
    if (!killed.replicas.length) throw new Error(`master ${index} has no replica to promote`);
    await killed.node.stop();
    this.pending = { killed, since: Date.now() };
    return killed;
  }

  /**
   * Waits until one of the killed master's replicas serves its slots, every live node agrees and
   * says cluster_state:ok. Answers the new master and how long the failover took since the kill.
   */
  async waitForPromotion(timeoutMs = 20_000): Promise<{ master: ClusterMaster; afterMs: number }> {
    const pending = this.pending;
    if (!pending) throw new Error('waitForPromotion() without killMaster() first');
    const { killed, since } = pending;
    const master = await waitFor(
      async () => {
        let promoted: ClusterMaster | undefined;
        for (const node of this.liveNodes()) {
          if (!(await this.stateOk(node))) return undefined;
          const masters = this.mastersIn(await this.view(node));
          const heir = masters.find((m) => sameSlots(m.slots, killed.slots));
          if (!heir || !killed.replicas.includes(heir.node)) return undefined;
          if (promoted && promoted.id !== heir.id) return undefined;
          promoted = heir;
        }
        return promoted;
      },
      `a replica of the master on port ${killed.node.port} to serve its slots`,
      timeoutMs,
    );
    this.pending = undefined;
    return { master, afterMs: Date.now() - since };
  }

  /**
   * A switchover, as a managed service does for maintenance: CLUSTER FAILOVER on the `index`th
   * master's replica, which takes over in step with its master (no write lost); the old master
   * becomes its replica and keeps its clients' connections (they are redirected, MOVED). Waits
   * until every node agrees and the old master is an attached replica of the new one; answers
   * how long that took.
   */
  async switchover(index: number): Promise<{ master: ClusterMaster; afterMs: number }> {
    const since = Date.now();
    const old = (await this.masters())[index];
    if (!old?.replicas.length) throw new Error(`master ${index} has no replica to promote`);
    const heir = old.replicas[0];
    await onNode(heir, (client) => client.cluster('FAILOVER'));
    const master = await waitFor(
      async () => {
        for (const node of this.liveNodes()) if (!(await this.stateOk(node))) return undefined;
        const promoted = (await this.masters()).find((m) => sameSlots(m.slots, old.slots));
        if (promoted?.node !== heir || !promoted.replicas.includes(old.node)) return undefined;
        const role = infoFields(await onNode(old.node, (client) => client.info('replication')));
        return role.get('master_link_status') === 'up' ? promoted : undefined;
      },
      `the replica on port ${heir.port} to take over from its master`,
      30_000,
    );
    return { master, afterMs: Date.now() - since };
  }

  /**
   * Starts a killed node again: its cluster config brings it back, and a master whose slots were
   * taken over rejoins as a replica of its heir. Waits until the master serving the slots it
   * served lists it as an online replica.
   */
  async restart(killed: ClusterMaster): Promise<void> {
    await killed.node.start();
    await waitFor(
      async () => {
        const heir = (await this.masters()).find((m) => sameSlots(m.slots, killed.slots));
        if (!heir?.replicas.includes(killed.node)) return undefined;
        const role = infoFields(await onNode(killed.node, (client) => client.info('replication')));
        return role.get('master_link_status') === 'up' ? true : undefined;
      },
      `the node on port ${killed.node.port} to rejoin as a replica`,
      30_000,
    );
  }

  /** Calls per command on `node` since it started or resetCommandStats() (`INFO commandstats`). */
  async commandStats(node: PrivateRedis): Promise<Record<string, number>> {
    const text = await onNode(node, (client) => client.info('commandstats'));
    const calls: Record<string, number> = {};
    for (const [field, value] of infoFields(text)) {
      const match = /^cmdstat_(.+)$/.exec(field);
      const count = /(?:^|,)calls=(\d+)/.exec(value);
      if (match && count) calls[match[1]] = Number(count[1]);
    }
    return calls;
  }

  /** Zeroes every live node's statistics (CONFIG RESETSTAT), e.g. after a warm-up. */
  async resetCommandStats(): Promise<void> {
    await Promise.all(
      this.liveNodes().map((node) => onNode(node, (client) => client.config('RESETSTAT'))),
    );
  }

  /** SIGKILLs every node and removes their directories. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    await Promise.all(this.dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }

  private liveNodes(): PrivateRedis[] {
    const live = this.nodes.filter((node) => node.running);
    if (!live.length) throw new Error('no node of the cluster is running');
    return live;
  }

  private async create(): Promise<void> {
    const addresses = this.nodes.map((node) => `127.0.0.1:${node.port}`);
    try {
      // REDISCLI_AUTH rather than -a: no warning about a password on the command line, and none
      // in the process list.
      await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...addresses,
          '--cluster-replicas',
          String(REPLICAS_PER_MASTER),
          '--cluster-yes',
        ],
        { env: { ...process.env, REDISCLI_AUTH: this.password }, timeout: 30_000 },
      );
    } catch (err) {
      const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
      throw new Error(`redis-cli --cluster create failed: ${stderr.trim() || stdout.trim()}`);
    }
  }

  /**
   * Until every node says cluster_state:ok, knows all six, sees three masters covering every
   * slot, each followed by a connected replica, every replica's link to its master is up, and
   * every node's CLUSTER SLOTS lists each range's replica.
   */
  private async waitUntilWhole(): Promise<void> {
    await waitFor(
      async () => {
        for (const node of this.nodes) {
          if (!(await this.stateOk(node))) return undefined;
          const view = await this.view(node);
          if (view.length !== NODES || view.some((n) => !n.connected)) return undefined;
          const masters = this.mastersIn(view);
          if (masters.length !== MASTERS) return undefined;
          if (slotCount(masters.flatMap((m) => m.slots)) !== SLOTS) return undefined;
          if (masters.some((m) => m.replicas.length !== REPLICAS_PER_MASTER)) return undefined;
          const role = infoFields(await onNode(node, (client) => client.info('replication')));
          if (role.get('role') === 'slave' && role.get('master_link_status') !== 'up') {
            return undefined;
          }
          // What clients read: CLUSTER SLOTS lists a replica only once this node has heard (by
          // gossip) that it completed its first sync; until then a topology shows none.
          const slots = (await onNode(node, (client) => client.cluster('SLOTS'))) as unknown[][];
          if (slots.some((range) => range.length < 4)) return undefined;
        }
        return true;
      },
      'the cluster to be whole (state ok, every replica attached and listed by CLUSTER SLOTS)',
      30_000,
    );
  }

  private async stateOk(node: PrivateRedis): Promise<boolean> {
    const info = await onNode(node, (client) => client.cluster('INFO'));
    return infoFields(info).get('cluster_state') === 'ok';
  }

  private async view(node: PrivateRedis): Promise<NodeView[]> {
    const text: unknown = await onNode(node, (client) => client.cluster('NODES'));
    if (typeof text !== 'string') throw new Error('CLUSTER NODES did not answer text');
    return parseClusterNodes(text);
  }

  /** The masters with slots in a view, with their replicas that are not failed. */
  private mastersIn(view: NodeView[]): ClusterMaster[] {
    const byPort = (port: number): PrivateRedis => {
      const node = this.nodes.find((n) => n.port === port);
      if (!node) throw new Error(`the cluster reports a node on port ${port} it did not start`);
      return node;
    };
    const alive = view.filter((n) => !n.flags.includes('fail') && !n.flags.includes('fail?'));
    return alive
      .filter((n) => n.flags.includes('master') && n.slots.length)
      .map((m) => ({
        id: m.id,
        node: byPort(m.port),
        slots: m.slots,
        replicas: alive.filter((r) => r.masterId === m.id).map((r) => byPort(r.port)),
      }))
      .sort((a, b) => a.slots[0][0] - b.slots[0][0]);
  }
}
