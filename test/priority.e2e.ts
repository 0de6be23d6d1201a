import { tasks, waitForState } from './support/client-app';
import { workerSuite } from './support/worker-suite';

const SLEEP = 'tests.sleep';

describe('a worker serving several queues (real worker process)', () => {
  // No prefetch: strict order even for tasks given back by a child busy with a long one (see
  // README, Prefetch).
  const suite = workerSuite('priority', ['--concurrency', '1', '--prefetch-multiplier', '1']);

  /**
   * Fills the single slot, so that what is sent next queues up behind it: long enough for every
   * send after it to land before it ends, on a loaded machine too.
   */
  async function occupySlot(seconds = 3): Promise<string> {
    const { client, results } = tasks(suite.app);
    const { task_id } = await client.applyAsync(SLEEP, { kwargs: { seconds } });
    await waitForState(results, task_id, ['STARTED']);
    return task_id;
  }

  /** The order the tasks ran in: one slot runs them one at a time, so the order they ended in. */
  async function runOrder(ids: Record<string, string>): Promise<string[]> {
    const { results } = tasks(suite.app);
    const done = await Promise.all(
      Object.entries(ids).map(async ([label, id]) => ({
        label,
        r: await waitForState(results, id, ['SUCCESS']),
      })),
    );
    return done.sort((a, b) => a.r.date_done!.localeCompare(b.r.date_done!)).map((d) => d.label);
  }

  it('takes the next task from the highest-priority non-empty queue, whatever the send order', async () => {
    const { client } = tasks(suite.app);
    const blocker = await occupySlot();
    const ids: Record<string, string> = {};
    for (const queue of ['maintenance', 'default', 'agents', 'system', 'missions']) {
      ids[queue] = (await client.applyAsync(SLEEP, { kwargs: { seconds: 0.05 }, queue })).task_id;
    }
    expect(await runOrder({ blocker, ...ids })).toEqual([
      'blocker',
      'system',
      'missions',
      'agents',
      'default',
      'maintenance',
    ]);
  });

  it('within a queue runs higher task priority first, FIFO among equals', async () => {
    const { client } = tasks(suite.app);
    const blocker = await occupySlot();
    const send = async (priority: number) =>
      (await client.applyAsync(SLEEP, { kwargs: { seconds: 0.05 }, queue: 'default', priority }))
        .task_id;
    const ids = {
      low1: await send(1),
      high1: await send(9),
      mid1: await send(5),
      low2: await send(1),
      high2: await send(9),
      mid2: await send(5),
    };
    expect(await runOrder({ blocker, ...ids })).toEqual([
      'blocker',
      'high1',
      'high2',
      'mid1',
      'mid2',
      'low1',
      'low2',
    ]);
  });

  it('routes a task by its module when no queue is given, and records where it went', async () => {
    const { client, results } = tasks(suite.app);
    const sent = await client.applyAsync('backend.app.tasks.system_tasks.test_task', {
      kwargs: { wait_seconds: 0 },
    });
    expect(sent.queue).toBe('system');
    const record = await waitForState(results, sent.task_id, ['SUCCESS']);
    expect(record).toMatchObject({
      queue: 'system',
      task_name: 'backend.app.tasks.system_tasks.test_task',
    });
    expect(record.result).toMatchObject({ waited_seconds: 0, task_id: sent.task_id });
  });

  it('spaces runs of a rate-limited task (5/s) by at least 200 ms on one worker', async () => {
    const { client, results } = tasks(suite.app);
    const ids: string[] = [];
    for (let n = 0; n < 4; n++)
      ids.push((await client.applyAsync('tests.limited', { args: [n] })).task_id);
    const records = await Promise.all(ids.map((id) => waitForState(results, id, ['SUCCESS'])));
    const starts = records.map((r) => Date.parse(r.date_started!)).sort((a, b) => a - b);
    // The record's start is when the worker took the task; the run itself waits its turn.
    const done = records.map((r) => Date.parse(r.date_done!)).sort((a, b) => a - b);
    expect(done[3] - Math.min(...starts)).toBeGreaterThanOrEqual(600);
  });
});
