import type { QueueName } from '../queues/queue-names';
import type { ScheduleOptions } from '../registry/task-options';

/** A declared schedule with the task it fires and where it goes. */
export interface ScheduleEntry {
  /** The scheduler key in BullMQ: stable across restarts and replicas. */
  key: string;
  task: string;
  queue: QueueName;
  options: ScheduleOptions;
}

/** A schedule as Redis holds it, for listings: with its next firing. */
export interface ScheduleInfo {
  key: string;
  task: string;
  queue: QueueName;
  every_seconds: number | null;
  cron: string | null;
  timezone: string | null;
  next_run: string | null;
  /** Declared by the code this process runs (false: left by an older deployment). */
  declared: boolean;
}

export const BEAT_KEY_PREFIX = 'beat:';
