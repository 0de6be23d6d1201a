import type { HealthCheckResult, MonitorTaskQueueResult } from '@brain/system';
import { tasks, waitForState } from './support/client-app';
import { workerSuite } from './support/worker-suite';

describe('system tasks on a real worker', () => {
  const suite = workerSuite('system', ['--hostname', 'sys@%h', '--queue', 'system,maintenance']);

  it('health_check reports redis, disk and memory of the host, in the spec shape', async () => {
    const { client, results } = tasks(suite.app);
    const sent = await client.delay('backend.app.tasks.system_tasks.health_check');
    const result = (await waitForState(results, sent.task_id, ['SUCCESS']))
      .result as HealthCheckResult;
    expect(result.checks.redis).toMatchObject({ status: 'healthy' });
    expect(result.checks.disk.free_gb).toBeGreaterThan(0);
    expect(result.checks.disk.percent_free).toBeGreaterThan(0);
    expect(result.checks.disk.percent_free).toBeLessThanOrEqual(100);
    expect(result.checks.memory.used_gb).toBeGreaterThan(0);
    expect(result.checks.memory.percent_used).toBeLessThanOrEqual(100);
    expect(result.healthy).toBe(Object.values(result.checks).every((c) => c.status === 'healthy'));
    expect(Date.parse(result.timestamp)).not.toBeNaN();
  });

  it('monitor_task_queue sees this worker, queue depths, and raises no false alarm', async () => {
    const { client, results } = tasks(suite.app);
    // Work this worker does not serve: it stays queued and must be counted.
    for (let i = 0; i < 3; i++)
      await client.applyAsync('tests.add', { args: [i, i], queue: 'agents' });
    const sent = await client.delay('backend.app.tasks.system_tasks.monitor_task_queue');
    const result = (await waitForState(results, sent.task_id, ['SUCCESS']))
      .result as MonitorTaskQueueResult;
    expect(result.workers.online).toEqual([expect.stringMatching(/^sys@/)]);
    expect(result.queues.find((q) => q.queue === 'agents')).toMatchObject({
      depth: 3,
      priority: 6,
    });
    // The monitor itself is the one task running on `system`.
    expect(result.queues.find((q) => q.queue === 'system')).toMatchObject({ depth: 0, active: 1 });
    expect(result.stuck_tasks).toEqual([]);
    expect(result).toMatchObject({ alerts: [], healthy: true });
  });

  it('monitor_task_queue alerts when no worker is alive', async () => {
    const { client } = tasks(suite.app);
    await suite.worker.stop();
    const sent = await client.delay('backend.app.tasks.system_tasks.monitor_task_queue');
    // Run it in-process, as a plain function call: no worker serves the queue any more.
    const result = await client.call<MonitorTaskQueueResult>(
      'backend.app.tasks.system_tasks.monitor_task_queue',
    );
    expect(result.workers.total).toBe(0);
    expect(result.alerts).toContain('No active workers');
    expect(result.healthy).toBe(false);
    expect(result.queues.find((q) => q.queue === 'system')?.depth).toBe(1);
    expect(sent.status).toBe('PENDING');
  });
});
