import type { QueueName } from '../queues/queue-names';

/** A task a worker holds; args and kwargs as records show them (sensitive values masked). */
export interface HeldTask {
  task_id: string;
  task_name: string;
  queue: QueueName;
  args: unknown[];
  kwargs: Record<string, unknown>;
  /** When the worker took it from the queue. */
  time_start: string;
  /** The process running it: a prefork child's pid, else the worker's own. */
  pid?: number;
}

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
  /** Tasks running now. */
  active: HeldTask[];
  /** Tasks taken from the queue and waiting in the pool for a free child (prefetched). */
  reserved: HeldTask[];
  started_at: string;
  sent_at: string;
  /** Seconds of CPU time used (user + system). */
  cpu_seconds: number;
  rss_bytes: number;
  loadavg: number[];
}
