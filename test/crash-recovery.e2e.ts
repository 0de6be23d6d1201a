import { RevocationService, WorkerDirectory } from '@brain/tasks';
import { BrainProcess } from './support/brain-process';
import { tasks, waitForState } from './support/client-app';
import { clientSuite } from './support/worker-suite';
import { waitFor } from './support/wait';

describe('a worker killed mid-task (real processes, SIGKILL of the process group)', () => {
  const suite = clientSuite('crash');

  it('loses nothing: the task runs again on a restarted worker, and its record shows the extra attempt', async () => {
    const { client, results } = tasks(suite.app);
    // A short lock so that recovery takes seconds, not the default 30-60.
    const args = [
      '--pool',
      'prefork',
      '--concurrency',
      '1',
      '--lock-timeout',
      '2',
      '--hostname',
      'doomed@%h',
    ];
    const doomed = await BrainProcess.worker(suite.prefix, args, true);
    const sent = await client.applyAsync('tests.sleep', { kwargs: { seconds: 2 } });
    expect((await waitForState(results, sent.task_id, ['STARTED'])).worker).toMatch(/^doomed@/);

    process.kill(-doomed.child.pid!, 'SIGKILL');
    await doomed.exit();
    // Its heartbeat stops: within a few heartbeats it is no longer listed as online.
    await waitFor(
      async () => ((await suite.app.get(WorkerDirectory).online()).length === 0 ? true : undefined),
      'the dead worker to drop out',
    );
    expect(await suite.app.get(WorkerDirectory).offline()).toEqual([
      expect.stringMatching(/^doomed@/),
    ]);

    const again = await BrainProcess.worker(suite.prefix, [
      '--lock-timeout',
      '2',
      '--hostname',
      'again@%h',
    ]);
    try {
      const record = await waitForState(results, sent.task_id, ['SUCCESS'], 30_000);
      expect(record).toMatchObject({
        worker: expect.stringMatching(/^again@/),
        result: { slept: 2 },
        attempts: 2,
      });
    } finally {
      await again.stop();
    }
  });

  it('remembers a revocation across a worker restart: the redelivered task is skipped, REVOKED', async () => {
    const { client, results } = tasks(suite.app);
    const args = ['--pool', 'prefork', '--concurrency', '1', '--lock-timeout', '2'];
    const doomed = await BrainProcess.worker(suite.prefix, args, true);
    const sent = await client.applyAsync('tests.sleep', { kwargs: { seconds: 30 } });
    await waitForState(results, sent.task_id, ['STARTED']);
    process.kill(-doomed.child.pid!, 'SIGKILL');
    await doomed.exit();
    // Revoked while no worker is alive to hear the broadcast: only Redis remembers it.
    expect(await suite.app.get(RevocationService).revoke(sent.task_id)).toMatchObject({
      previous_state: 'STARTED',
    });

    const again = await BrainProcess.worker(suite.prefix, ['--lock-timeout', '2']);
    try {
      const record = await waitForState(results, sent.task_id, ['REVOKED', 'SUCCESS'], 30_000);
      expect(record).toMatchObject({ state: 'REVOKED', error: { type: 'TaskRevokedError' } });
    } finally {
      await again.stop();
    }
  });
});
