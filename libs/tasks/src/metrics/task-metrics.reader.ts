import { Injectable } from '@nestjs/common';
import { ActiveTasks } from '../inspect/active-tasks.service';
import { type QueueCounts, QueueInspector } from '../inspect/queue-inspector.service';
import { WorkerDirectory } from '../inspect/worker-directory.service';
import { QUEUE_NAMES, type QueueName } from '../queues/queue-names';
import { RedisConnection } from '../redis/redis-connection.service';
import { parseTaskMetrics, taskMetricsKey, type TaskSeries } from './task-metrics.schema';

/** What every worker has reported, at one moment: what /metrics exposes. */
export interface MetricsSnapshot {
  /** Outcomes and durations per task and status, summed over every worker that ever ran. */
  tasks: TaskSeries[];
  /** Workers whose heartbeat is fresh. */
  workersOnline: number;
  /** Tasks running now (not the reserved ones), per queue. */
  running: Record<QueueName, number>;
  /** Per task name with a run going on: how long its oldest run has been going, in seconds. */
  oldestRunningSeconds: Record<string, number>;
  queues: QueueCounts[];
}

/**
 * Reads the engine's monitoring state for a scrape: the recorders' hash (one HGETALL), the
 * heartbeats (ZRANGE + MGET), BullMQ's counts of each queue and its running jobs (see
 * ActiveTasks); the cost grows with workers, queues and the tasks running (bounded by the
 * workers' concurrency), not with the tasks stored.
 */
@Injectable()
export class TaskMetricsReader {
  constructor(
    private readonly redis: RedisConnection,
    private readonly directory: WorkerDirectory,
    private readonly queues: QueueInspector,
    private readonly activeTasks: ActiveTasks,
  ) {}

  async snapshot(now = Date.now()): Promise<MetricsSnapshot> {
    const workers = await this.directory.online();
    const [hash, queues, active] = await Promise.all([
      this.redis.client.hgetall(taskMetricsKey(this.redis.prefix)),
      this.queues.counts(),
      this.activeTasks.list(workers),
    ]);
    const running = Object.fromEntries(QUEUE_NAMES.map((q) => [q, 0])) as Record<QueueName, number>;
    const oldestRunningSeconds: Record<string, number> = {};
    for (const task of active) {
      if (task.reserved) continue;
      if (task.queue in running) running[task.queue]++;
      const started = Date.parse(task.time_start);
      if (Number.isNaN(started)) continue;
      const age = Math.max(0, (now - started) / 1000);
      oldestRunningSeconds[task.task_name] = Math.max(
        oldestRunningSeconds[task.task_name] ?? 0,
        age,
      );
    }
    return {
      tasks: parseTaskMetrics(hash),
      workersOnline: workers.length,
      running,
      oldestRunningSeconds,
      queues,
    };
  }
}
