import { describeChaos } from './support/chaos';
import { type ClusterMaster, RedisCluster } from './support/topology/redis-cluster';

// The master killed is the one serving the engine's slot; it comes back as its heir's replica,
// which durable sending needs to confirm sends again.
describeChaos('cluster', async () => {
  const cluster = await RedisCluster.start();
  let killed: ClusterMaster | undefined;
  return {
    env: { REDIS_URL: cluster.url },
    killMaster: async (prefix) => {
      const index = await cluster.masterIndexOf(`{${prefix}}`);
      const killedAt = Date.now();
      killed = await cluster.killMaster(index);
      const { afterMs } = await cluster.waitForPromotion();
      return { killedAt, promotedAt: killedAt + afterMs };
    },
    restoreReplica: () => cluster.restart(killed!),
    stop: () => cluster.stop(),
  };
});
