import { describeChaos } from './support/chaos';
import { SentinelGroup } from './support/topology/sentinel-group';

// Two replicas: after the failover the new master still has one to confirm durable sends.
describeChaos('sentinel', async () => {
  const group = new SentinelGroup({ replicas: 2 });
  try {
    await group.start();
  } catch (err) {
    await group.stop();
    throw err;
  }
  return {
    env: group.env,
    killMaster: async () => {
      const { killedAt, promotedAt } = await group.failover();
      return { killedAt, promotedAt };
    },
    stop: () => group.stop(),
  };
});
