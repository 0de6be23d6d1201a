import { BrainProcess } from './support/brain-process';
import { tasks, waitForState } from './support/client-app';
import { clientSuite } from './support/worker-suite';
import { waitFor } from './support/wait';

describe('results expire after RESULT_EXPIRES; a busy worker leaves work to its peers', () => {
  const suite = clientSuite('expiry', 1);

  it('forgets a finished task once RESULT_EXPIRES has passed', async () => {
    const worker = await BrainProcess.worker(suite.prefix, ['--concurrency', '1']);
    try {
      const { client, results } = tasks(suite.app);
      const first = await client.applyAsync('tests.add', { args: [1, 1] });
      expect((await waitForState(results, first.task_id, ['SUCCESS'])).result).toBe(2);
      await new Promise((r) => setTimeout(r, 1500));
      // BullMQ prunes by age as later tasks end (workers also clean idle queues every minute).
      const later = await client.applyAsync('tests.add', { args: [2, 2] });
      await waitForState(results, later.task_id, ['SUCCESS']);
      await waitFor(
        async () => ((await results.get(first.task_id)) === null ? true : undefined),
        'expiry',
      );
      expect(await results.get(later.task_id)).not.toBeNull();
      // Listings forget it too (workers prune the index every minute; here, at once).
      const listed = await waitFor(async () => {
        await results.pruneIndex();
        const ids = await results.recentIds(100);
        return ids.includes(first.task_id) ? undefined : ids;
      }, 'the index to forget the expired task');
      expect(listed).toContain(later.task_id);
    } finally {
      await worker.stop();
    }
  });

  it('runs a task on an idle worker while the busy one keeps its single slot', async () => {
    // The long task outlives the test: the busy worker gets a short grace period when stopped.
    const busy = await BrainProcess.worker(suite.prefix, [
      '--concurrency',
      '1',
      '--hostname',
      'busy@%h',
      '--grace',
      '1',
    ]);
    const { client, results } = tasks(suite.app);
    try {
      const long = await client.applyAsync('tests.sleep', { kwargs: { seconds: 60 } });
      expect((await waitForState(results, long.task_id, ['STARTED'])).worker).toMatch(/^busy@/);
      const idle = await BrainProcess.worker(suite.prefix, [
        '--concurrency',
        '1',
        '--hostname',
        'idle@%h',
      ]);
      try {
        const short = await client.applyAsync('tests.add', { args: [3, 4] });
        const record = await waitForState(results, short.task_id, ['SUCCESS']);
        expect(record.worker).toMatch(/^idle@/);
        expect((await results.get(long.task_id))?.state).toBe('STARTED');
      } finally {
        await idle.stop();
      }
    } finally {
      await busy.stop();
    }
  });
});
