import type { QueueName } from '../queues/queue-names';

/** What a worker publishes about itself every few seconds. */
export interface WorkerHeartbeat {
  hostname: string;
  pid: number;
  queues: QueueName[];
  /** processes: pids of the pool's children (prefork), or thread ids (threads). */
  pool: { implementation: string; 'max-concurrency': number; processes: number[] };
  /** Tasks run, per task name, since the worker started. */
  total: Record<string, number>;
  processed: number;
  active: Array<{ task_id: string; task_name: string; queue: QueueName; time_start: string }>;
  started_at: string;
  sent_at: string;
  /** Seconds of CPU time used (user + system). */
  cpu_seconds: number;
  rss_bytes: number;
  loadavg: number[];
}
