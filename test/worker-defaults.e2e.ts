import { tasks, waitForState } from './support/client-app';
import { workerSuite } from './support/worker-suite';

describe('worker-wide time limits (real worker process)', () => {
  const suite = workerSuite('defaults', [
    '--concurrency',
    '2',
    '--time-limit',
    '1',
    '--soft-time-limit',
    '0.5',
  ]);

  it('applies --time-limit to a task that sets none, and the sender can lift it', async () => {
    const { client, results } = tasks(suite.app);
    const limited = await client.applyAsync('tests.stubborn', { kwargs: { seconds: 60 } });
    const lifted = await client.applyAsync('tests.stubborn', {
      kwargs: { seconds: 1.5 },
      timeLimit: 10,
      softTimeLimit: 5,
    });
    expect(await waitForState(results, limited.task_id, ['FAILURE', 'SUCCESS'])).toMatchObject({
      state: 'FAILURE',
      error: { type: 'TimeLimitExceeded', message: 'Time limit (1s) exceeded' },
    });
    expect(await waitForState(results, lifted.task_id, ['FAILURE', 'SUCCESS'])).toMatchObject({
      state: 'SUCCESS',
    });
  });

  it('applies --soft-time-limit, which a task may catch', async () => {
    const { client, results } = tasks(suite.app);
    const sent = await client.applyAsync('tests.sleep', { kwargs: { seconds: 60 } });
    const record = await waitForState(results, sent.task_id, ['FAILURE', 'SUCCESS']);
    // tests.sleep does not catch it: the abort ends the task as a failure.
    expect(record).toMatchObject({ state: 'FAILURE', error: { type: 'SoftTimeLimitExceeded' } });
  });
});
