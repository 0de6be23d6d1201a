import { QueueRegistry, ResultStore } from '@brain/tasks';
import { workerSuite } from './support/worker-suite';
import { waitFor } from './support/wait';

describe('a periodic task still running at its next tick (real worker process)', () => {
  // Three slots: nothing but the overlap rule keeps two ticks from running at once.
  const suite = workerSuite('beat-overlap', ['--concurrency', '3', '--pool', 'inline']);

  it('skips the tick and records it as such: two runs never overlap', async () => {
    const queue = suite.app.get(QueueRegistry).get('default');
    // As Beat registers a schedule, but keeping successful runs so that their times can be read.
    await queue.upsertJobScheduler(
      'beat:tests-overlap',
      { every: 1000 },
      {
        name: 'tests.sleep',
        data: { args: [], kwargs: { seconds: 2.5 }, retries: 0 },
        opts: { removeOnComplete: false },
      },
    );
    try {
      await waitFor(
        async () => {
          const counts = await queue.getJobCounts('completed', 'failed');
          return counts.completed >= 2 && counts.failed >= 1 ? counts : undefined;
        },
        'two runs and a skipped tick',
        30_000,
        200,
      );
    } finally {
      await queue.removeJobScheduler('beat:tests-overlap');
    }

    const skipped = await queue.getFailed();
    for (const job of skipped)
      expect(job.failedReason).toMatch(/previous run of this periodic task is still running/);
    const record = await suite.app.get(ResultStore).get(String(skipped[0].id));
    expect(record).toMatchObject({ state: 'REVOKED', error: { type: 'TaskRevokedError' } });

    const runs = (await queue.getCompleted())
      .map((j) => [j.processedOn!, j.finishedOn!] as const)
      .sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < runs.length; i++) expect(runs[i][0]).toBeGreaterThanOrEqual(runs[i - 1][1]);
  });
});
