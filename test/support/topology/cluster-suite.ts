import type { INestApplicationContext } from '@nestjs/common';
import type { DatabaseConfig } from '@brain/config';
import type { ApiProcess } from '../api-process';
import type { BrainProcess } from '../brain-process';
import { dropTestDatabase } from '../databases';
import type { RedisCluster } from './redis-cluster';

interface ClusterSuiteParts {
  app?: INestApplicationContext;
  processes: Array<BrainProcess | ApiProcess>;
  cluster?: RedisCluster;
  database?: DatabaseConfig;
}

/**
 * A suite on a real cluster: after each test, no process logged CROSSSLOT (every script,
 * transaction and pipeline stays in one slot); after all, everything it started is stopped.
 * `parts` is read when the hooks run (the suite fills it in its beforeAll).
 */
export function closeClusterSuite(parts: () => ClusterSuiteParts): void {
  afterEach(() => {
    for (const p of parts().processes) expect(p.log).not.toMatch(/CROSSSLOT/);
  });
  afterAll(async () => {
    const { app, processes, cluster, database } = parts();
    await app?.close();
    await Promise.all(processes.map((p) => p.stop()));
    await cluster?.stop();
    if (database) await dropTestDatabase(database);
  });
}
