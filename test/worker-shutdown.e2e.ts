import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRedis } from '../apps/cli/src';
import { BrainProcess } from './support/brain-process';
import { tasks, waitForState } from './support/client-app';
import { clientSuite } from './support/worker-suite';

describe('worker shutdown (real processes)', () => {
  const suite = clientSuite('shutdown');

  it('on SIGTERM finishes the running task, takes no new one, and exits 0', async () => {
    const { client, results } = tasks(suite.app);
    const worker = await BrainProcess.worker(suite.prefix, ['--concurrency', '1']);
    const running = await client.applyAsync('tests.sleep', { kwargs: { seconds: 3 } });
    await waitForState(results, running.task_id, ['STARTED']);
    const queued = await client.applyAsync('tests.add', { args: [1, 2] });
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect((await results.get(running.task_id))?.state).toBe('SUCCESS');
    expect((await results.get(queued.task_id))?.state).toBe('PENDING');

    // Nothing is lost: the next worker runs what the stopped one left queued.
    const next = await BrainProcess.worker(suite.prefix);
    expect((await waitForState(results, queued.task_id, ['SUCCESS'])).result).toBe(3);
    await next.stop();
  });

  it('a worker or beat signalled while it starts still starts, then stops gracefully (exit 0)', async () => {
    for (const args of [
      ['worker', 'start', '--hostname', 'early@%h'],
      ['beat', 'start'],
    ]) {
      const p = new BrainProcess(args, suite.prefix);
      // The first line is printed before Nest and Redis are up: the signal lands mid-start.
      await p.waitForOutput(/starting (worker|beat)/);
      expect(await p.stop('SIGTERM')).toBe(0);
      expect(p.log).toMatch(/SIGTERM received: (warm shutdown|stopping)/);
    }
  });

  it('`brain worker stop --hostname` shuts down only that worker, gracefully', async () => {
    const a = await BrainProcess.worker(suite.prefix, ['--hostname', 'alpha@%h']);
    const b = await BrainProcess.worker(suite.prefix, ['--hostname', 'beta@%h']);
    const stop = new BrainProcess(
      ['worker', 'stop', '--hostname', a.log.match(/worker (alpha@\S+) ready/)![1]],
      suite.prefix,
    );
    expect(await stop.exit()).toBe(0);
    expect(stop.log).toMatch(/shutdown sent to alpha@/);
    expect(await a.exit()).toBe(0);
    // Beta heard nothing: it still takes new work, which a stopping worker would not.
    const { client, results } = tasks(suite.app);
    const sentinel = await client.applyAsync('tests.add', { args: [1, 1] });
    expect((await waitForState(results, sentinel.task_id, ['SUCCESS'])).worker).toMatch(/^beta@/);
    expect(b.child.exitCode).toBeNull();
    const all = new BrainProcess(['worker', 'stop'], suite.prefix);
    expect(await all.exit()).toBe(0);
    expect(await b.exit()).toBe(0);
  });

  it('leaves within its grace period and a margin when Redis is gone', async () => {
    // A Redis of its own, to lose: the suite's is shared.
    const redis = await startEmbeddedRedis({ dir: mkdtempSync(join(tmpdir(), 'brain-lost-')) });
    const worker = await BrainProcess.worker(
      suite.prefix,
      ['--concurrency', '1', '--grace', '1'],
      false,
      {
        REDIS_URL: redis.url,
      },
    );
    await redis.stop();
    // Grace 1 s + 10 s margin: well within the 40 s allowed, unless the stop hangs on Redis.
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(worker.log).toMatch(
      /not stopped within 11 s \(Redis unreachable\?\): leaving|worker \S+ stopped/,
    );
  });
});
