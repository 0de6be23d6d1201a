import { connect } from 'node:net';
import { Cluster } from 'ioredis';
import { type ClusterMaster, RedisCluster } from './support/topology/redis-cluster';
import { liveProcesses } from './support/live-processes';
import { waitFor } from './support/wait';

/** Rejects if `promise` does not settle in `ms`: a probe that hangs must not hold the wait. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Opens a TCP connection to `port` on 127.0.0.1 (and closes it). */
function connectTo(port: number): Promise<void> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      done();
    });
    socket.once('error', fail);
  });
}

const servedBy = (masters: ClusterMaster[], slot: number): ClusterMaster | undefined =>
  masters.find((m) => m.slots.some(([from, to]) => slot >= from && slot <= to));

describe('the Redis Cluster harness (3 masters, 3 replicas of real redis-server)', () => {
  let cluster: RedisCluster;
  let client: Cluster;
  /** One hash tag per master, in the masters' slot order. */
  let tags: string[];

  beforeAll(async () => {
    const started = Date.now();
    cluster = await RedisCluster.start();
    console.log(`cluster started in ${Date.now() - started} ms`);
    client = new Cluster(cluster.seeds, { redisOptions: { password: cluster.password } });
  });

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  it('forms a cluster of three masters that share every slot, each with one replica', async () => {
    const masters = await cluster.masters();
    expect(masters).toHaveLength(3);
    expect(masters.flatMap((m) => m.slots).reduce((n, [a, b]) => n + b - a + 1, 0)).toBe(16384);
    for (const master of masters) expect(master.replicas).toHaveLength(1);
    const members = masters.flatMap((m) => [m.node, ...m.replicas]).map((n) => n.port);
    expect(new Set(members).size).toBe(6);
    expect(cluster.url).toMatch(
      new RegExp(
        `^redis-cluster://:${cluster.password}@(127\\.0\\.0\\.1:\\d+,){2}127\\.0\\.0\\.1:\\d+$`,
      ),
    );
  });

  it('spreads keys of three hash tags over the three masters', async () => {
    const masters = await cluster.masters();
    // The first tag of the form {p<n>} whose slot each master serves.
    tags = [];
    for (let n = 0; tags.length < masters.length; n++) {
      const tag = `{p${n}}`;
      const slot = Number(await client.cluster('KEYSLOT', tag));
      if (servedBy(masters, slot) === masters[tags.length]) tags.push(tag);
    }

    await Promise.all(tags.map((tag) => client.set(`${tag}:key`, tag)));

    // Each master holds its own tag's key and none of the others' (KEYS on a node: its own keys).
    for (const [i, master] of masters.entries()) {
      const direct = master.node.client();
      try {
        expect(await direct.keys('*')).toEqual([`${tags[i]}:key`]);
      } finally {
        direct.disconnect();
      }
      const stats = await cluster.commandStats(master.node);
      expect(stats.set).toBe(1);
    }
  });

  it("promotes a killed master's replica, and the client writes to its slots again", async () => {
    const tag = tags[1];
    const killed = await cluster.killMaster(1);
    const { master, afterMs } = await cluster.waitForPromotion();
    console.log(`failover: replica on port ${master.node.port} serves after ${afterMs} ms`);

    expect(killed.node.running).toBe(false);
    expect(killed.replicas.map((n) => n.port)).toContain(master.node.port);
    expect(master.slots).toEqual(killed.slots);
    expect(await cluster.masters()).toHaveLength(3);

    const written = await waitFor(
      () => within(client.set(`${tag}:after`, 'written'), 1_000),
      `a write to ${tag}'s slot after the failover`,
      15_000,
    );
    expect(written).toBe('OK');
    expect(await client.get(`${tag}:after`)).toBe('written');
    // The write went to the promoted replica.
    const direct = master.node.client();
    try {
      expect(await direct.get(`${tag}:after`)).toBe('written');
    } finally {
      direct.disconnect();
    }
  });

  it('stops every node, leaving none running', async () => {
    client.disconnect();
    await cluster.stop();
    for (const node of cluster.nodes) {
      expect(node.running).toBe(false);
      await expect(connectTo(node.port)).rejects.toThrow(/ECONNREFUSED/);
    }
    expect([...liveProcesses()].map((p) => p.command)).not.toContainEqual(
      expect.stringMatching(/^redis-server/),
    );
  });
});
