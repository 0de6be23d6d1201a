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
    expect(b.child.exitCode).toBeNull();
    const all = new BrainProcess(['worker', 'stop'], suite.prefix);
    expect(await all.exit()).toBe(0);
    expect(await b.exit()).toBe(0);
  });
});
