import { Inspector, QueueRegistry, TaskInputError } from '@brain/tasks';
import { tasks, waitForState } from './support/client-app';
import { workerSuite } from './support/worker-suite';
import { waitFor } from './support/wait';

describe('inspect and control (real worker process)', () => {
  // Serves `system` only: what is sent elsewhere stays queued for the control commands.
  const suite = workerSuite('inspect', [
    '--queue',
    'system',
    '--hostname',
    'insp@%h',
    '--pool',
    'inline',
  ]);
  const inspector = () => suite.app.get(Inspector);

  it('pings live workers and lists registered tasks', async () => {
    // Answers are collected for the whole window: a loaded machine may take a while to reply.
    expect(await inspector().ping(3000)).toEqual([
      { hostname: expect.stringMatching(/^insp@/), pid: suite.worker.child.pid, ok: 'pong' },
    ]);
    expect(inspector().registered()).toEqual(
      expect.arrayContaining(['backend.app.tasks.system_tasks.health_check', 'tests.add']),
    );
  });

  it('lists running tasks with their worker, and countdown tasks with their eta', async () => {
    const { client, results } = tasks(suite.app);
    const running = await client.applyAsync('tests.sleep', {
      kwargs: { seconds: 3 },
      queue: 'system',
    });
    await waitForState(results, running.task_id, ['STARTED']);
    const active = await waitFor(async () => {
      const list = await inspector().active();
      return list.some((t) => t.task_id === running.task_id) ? list : undefined;
    }, 'a heartbeat listing the task');
    expect(active).toContainEqual(
      expect.objectContaining({
        task_id: running.task_id,
        task_name: 'tests.sleep',
        worker: expect.stringMatching(/^insp@/),
        args: [],
        kwargs: { seconds: 3 },
      }),
    );
    // Running, so not reserved.
    expect(await inspector().reserved()).not.toContainEqual(
      expect.objectContaining({ task_id: running.task_id }),
    );

    const later = await client.applyAsync('tests.add', {
      args: [1, 2],
      countdown: 600,
      queue: 'agents',
    });
    const scheduled = await inspector().scheduled();
    expect(scheduled).toContainEqual(
      expect.objectContaining({
        task_id: later.task_id,
        task_name: 'tests.add',
        queue: 'agents',
        retry: false,
        args: [1, 2],
      }),
    );
    const eta = scheduled.find((s) => s.task_id === later.task_id)!.eta;
    expect(Date.parse(eta) - Date.now()).toBeGreaterThan(590_000);
    await waitForState(results, running.task_id, ['SUCCESS']);
  });

  it('purges a queue, keeping its periodic schedules, and refuses an unknown queue', async () => {
    const { client, results } = tasks(suite.app);
    const queue = suite.app.get(QueueRegistry).get('default');
    await queue.upsertJobScheduler(
      'beat:keep-me',
      { every: 60_000 },
      { name: 'tests.add', data: { args: [1, 1] } },
    );
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push((await client.applyAsync('tests.add', { args: [i, 0], queue: 'default' })).task_id);
    ids.push(
      (await client.applyAsync('tests.add', { args: [9, 9], queue: 'default', countdown: 300 }))
        .task_id,
    );
    expect(await inspector().purgeQueue('default')).toBe(4);
    for (const id of ids) expect(await results.get(id)).toBeNull();
    expect(await queue.getJobSchedulersCount()).toBe(1);
    const pending = await queue.getJobs(['delayed', 'prioritized', 'waiting']);
    expect(pending.map((j) => j.id)).toEqual([expect.stringMatching(/^repeat:beat:keep-me:/)]);
    await expect(inspector().purgeQueue('nope')).rejects.toThrow(TaskInputError);
  });

  it('cancels everything not started, and with terminate the running tasks too', async () => {
    const { client, results } = tasks(suite.app);
    const waiting = [];
    for (let i = 0; i < 3; i++)
      waiting.push(
        (await client.applyAsync('tests.add', { args: [i, i], queue: 'missions' })).task_id,
      );
    const running = await client.applyAsync('tests.sleep', {
      kwargs: { seconds: 30 },
      queue: 'system',
    });
    await waitForState(results, running.task_id, ['STARTED']);
    const outcome = await inspector().cancelAll(true);
    expect(outcome.revoked).toBeGreaterThanOrEqual(3);
    expect(outcome.terminated).toBe(1);
    for (const id of waiting) expect((await results.get(id))?.state).toBe('REVOKED');
    expect((await waitForState(results, running.task_id, ['REVOKED', 'SUCCESS'])).state).toBe(
      'REVOKED',
    );
  });
});
