import { Injectable } from '@nestjs/common';
import { QueueInspector, type QueueDepth, Task, WorkerDirectory } from '@brain/tasks';

/** The spec's alert thresholds. */
export const QUEUE_DEPTH_ALERT = 1000;
export const STUCK_AFTER_MINUTES = 30;

export interface StuckTask {
  task_id: string;
  task_name: string;
  worker: string;
  running_minutes: number;
}

export interface MonitorTaskQueueResult {
  timestamp: string;
  queues: QueueDepth[];
  workers: { online: string[]; total: number };
  stuck_tasks: StuckTask[];
  alerts: string[];
  healthy: boolean;
}

@Injectable()
export class MonitoringTasks {
  constructor(
    private readonly inspector: QueueInspector,
    private readonly directory: WorkerDirectory,
  ) {}

  /** Depth of each queue, live workers, tasks running too long, and the alerts they raise. */
  @Task({ name: 'backend.app.tasks.system_tasks.monitor_task_queue', params: [], timeLimit: 60 })
  async monitorTaskQueue(): Promise<MonitorTaskQueueResult> {
    const now = Date.now();
    const [queues, workers] = await Promise.all([this.inspector.depths(), this.directory.online()]);
    const stuck: StuckTask[] = workers.flatMap((w) =>
      w.active
        .map((t) => ({
          task_id: t.task_id,
          task_name: t.task_name,
          worker: w.hostname,
          running_minutes: Math.floor((now - Date.parse(t.time_start)) / 60_000),
        }))
        .filter((t) => t.running_minutes >= STUCK_AFTER_MINUTES),
    );
    const alerts = [
      ...queues
        .filter((q) => q.depth > QUEUE_DEPTH_ALERT)
        .map((q) => `Queue "${q.queue}" depth ${q.depth} exceeds ${QUEUE_DEPTH_ALERT}`),
      ...stuck.map(
        (t) =>
          `Task ${t.task_name}[${t.task_id}] running for ${t.running_minutes} minutes on ${t.worker}`,
      ),
      ...(workers.length === 0 ? ['No active workers'] : []),
    ];
    return {
      timestamp: new Date(now).toISOString(),
      queues,
      workers: { online: workers.map((w) => w.hostname).sort(), total: workers.length },
      stuck_tasks: stuck,
      alerts,
      healthy: alerts.length === 0,
    };
  }
}
