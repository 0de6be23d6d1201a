import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { BrainProcess } from './support/brain-process';
import { clientApp, tasks, waitForState } from './support/client-app';
import { uniquePrefix } from './support/redis';

describe('brain up: the whole system on embedded defaults (real processes)', () => {
  it('starts a private redis, worker and beat; runs a task; Ctrl-C stops them all and redis', async () => {
    const varDir = mkdtempSync(join(tmpdir(), 'brain-up-'));
    const prefix = uniquePrefix('up');
    // No REDIS_URL: `up` must start its own redis-server.
    const up = new BrainProcess(['up', '--concurrency', '2'], prefix, {
      REDIS_URL: '',
      BRAIN_VAR_DIR: varDir,
    });
    try {
      await up.waitForOutput(
        /worker \S+ ready: queues system, missions, agents, default, maintenance/,
      );
      await up.waitForOutput(/schedule\(s\) registered/);
      expect(up.log).toMatch(/redis +redis:\/\/127\.0\.0\.1:\d+ \(embedded/);
      const url = readFileSync(join(varDir, 'redis', 'url'), 'utf8').trim();

      const app = await clientApp(prefix, 3600, url);
      try {
        const { client, results } = tasks(app);
        const sent = await client.applyAsync('backend.app.tasks.system_tasks.test_task', {
          kwargs: { wait_seconds: 0 },
        });
        expect((await waitForState(results, sent.task_id, ['SUCCESS'])).result).toMatchObject({
          waited_seconds: 0,
        });
      } finally {
        await app.close();
      }

      expect(await up.stop('SIGINT')).toBe(0);
      expect(existsSync(join(varDir, 'redis', 'url'))).toBe(false);
      const probe = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      await expect(probe.connect()).rejects.toThrow();
      probe.disconnect();
    } finally {
      await up.stop('SIGKILL').catch(() => undefined);
    }
  });
});
