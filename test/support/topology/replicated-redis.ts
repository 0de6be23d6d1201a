import { freePort } from '../../../apps/cli/src';
import { PrivateRedis } from '../private-redis';
import { waitFor } from '../wait';

/**
 * A master and its replicas of a suite's own (real redis-server processes, one password), for
 * what depends on replication: durable sending (Redis WAIT), failover.
 */
export class ReplicatedRedis {
  private constructor(
    readonly master: PrivateRedis,
    readonly replicas: PrivateRedis[],
  ) {}

  /** Starts the master, then `replicas` replicas of it, and waits until each is in sync. */
  static async start(replicas = 1, password = 'replicated-redis-pw'): Promise<ReplicatedRedis> {
    const master = new PrivateRedis(await freePort(), { password });
    await master.start();
    const nodes: PrivateRedis[] = [];
    const topology = new ReplicatedRedis(master, nodes);
    try {
      for (let i = 0; i < replicas; i++) {
        const replica = new PrivateRedis(await freePort(), {
          password,
          args: ['--replicaof', '127.0.0.1', String(master.port)],
        });
        nodes.push(replica);
        await replica.start();
      }
      await topology.waitForReplicas(replicas);
    } catch (err) {
      await topology.stop();
      throw err;
    }
    return topology;
  }

  get url(): string {
    return this.master.url;
  }

  /** Waits until the master counts `n` replicas online (INFO replication). */
  async waitForReplicas(n: number): Promise<void> {
    const client = this.master.client();
    try {
      await waitFor(async () => {
        const info = await client.info('replication');
        const online = info.match(/^slave\d+:.*state=online/gm) ?? [];
        return online.length === n ? true : undefined;
      }, `${n} replica(s) online on port ${this.master.port}`);
    } finally {
      client.disconnect();
    }
  }

  /** Kills every node (SIGKILL). */
  async stop(): Promise<void> {
    await Promise.all([...this.replicas, this.master].map((node) => node.stop()));
  }
}
