import type { QueueName } from '../queues/queue-names';
import type { TaskKwargs } from '../registry/task-definition';
import type { TaskState } from './task-state';

export interface TaskError {
  /** The error's class name, e.g. `TypeError`, `TimeLimitExceeded`. */
  type: string;
  message: string;
  traceback: string | null;
}

/** One state change, for the task's timeline. */
export interface TaskEvent {
  state: TaskState;
  at: string;
  worker?: string;
  retries?: number;
}

/** What the result backend keeps of one task id (snake_case: it is what clients read). */
export interface TaskRecord {
  task_id: string;
  task_name: string;
  queue: QueueName;
  state: TaskState;
  /** As sent, with sensitive values masked. */
  args: unknown[];
  kwargs: TaskKwargs;
  priority: number;
  retries: number;
  /** Times a worker took it: more than retries + 1 when a worker died running it (redelivered). */
  attempts: number;
  /** Hostname of the worker that ran (or runs) it. */
  worker: string | null;
  date_received: string;
  date_started: string | null;
  date_done: string | null;
  eta: string | null;
  expires: string | null;
  /** Return value on SUCCESS (absent for ignore_result tasks). */
  result: unknown;
  /** On FAILURE, and the last error while in RETRY. */
  error: TaskError | null;
  parent_id: string | null;
  /** The Beat schedule that fired it (Celery's `periodic_task_name`); null when sent. */
  periodic_task_name: string | null;
}
