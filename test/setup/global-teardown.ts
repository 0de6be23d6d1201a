import { rmSync } from 'node:fs';
import { testRun } from './test-run';

/** Stops the servers of global-setup and removes their data. */
export default async function globalTeardown(): Promise<void> {
  const servers = [testRun.redis, testRun.postgres];
  testRun.redis = undefined;
  testRun.postgres = undefined;
  await Promise.all(
    servers.map(async (server) => {
      if (!server) return;
      await server.stop();
      if (server.dir) rmSync(server.dir, { recursive: true, force: true });
    }),
  );
}
