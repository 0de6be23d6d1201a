import type { QueueName } from '../queues/queue-names';
import type { TaskKwargs } from '../registry/task-definition';
import type { TaskError, TaskEvent } from '../results/task-record';

/** A task to send later with extra arguments (Celery's signature), used by link / link_error. */
export interface TaskSignature {
  name: string;
  args?: unknown[];
  kwargs?: TaskKwargs;
  queue?: QueueName;
}

/** Celery's apply_async options. */
export interface ApplyOptions {
  args?: unknown[];
  kwargs?: TaskKwargs;
  /** A queue name; checked at send time, since callers pass what their clients typed. */
  queue?: string;
  /** Seconds to wait before the task may run. */
  countdown?: number;
  /** Earliest time to run (Date or ISO 8601). */
  eta?: Date | string;
  /** 0-9, 9 highest. */
  priority?: number;
  /** After this (seconds from now, or a time) the task is revoked instead of run. */
  expires?: number | Date | string;
  timeLimit?: number;
  softTimeLimit?: number;
  /** Overrides the task's max_retries for this call. */
  maxRetries?: number;
  /** Sent with the result prepended to its args when this task succeeds. */
  link?: TaskSignature | TaskSignature[];
  /** Sent with (request, error, traceback) when this task fails for good. */
  linkError?: TaskSignature | TaskSignature[];
  /** Use this id instead of a new UUID (a `-p<n>` ending places it in partition n). */
  taskId?: string;
  /**
   * Tasks with the same key go to the same partition (FIFO among them while REDIS_PARTITIONS
   * stays), such as a tenant; without it a task's partition is chosen at random.
   */
  partitionKey?: string;
  /** The task that sends this one. */
  parentId?: string;
}

/**
 * What a queued message carries: everything the worker needs. With BullMQ's own job fields
 * (timestamps, worker, return value, failure) it is also the task's record: there is no second
 * copy to keep in step.
 */
export interface TaskMessage {
  taskId: string;
  args: unknown[];
  kwargs: TaskKwargs;
  /** 0-9, as sent. */
  priority?: number;
  /** When a countdown/ETA makes it wait, ms since epoch. */
  eta?: number;
  retries: number;
  /** Earlier attempts (STARTED and RETRY events), oldest first. */
  history?: TaskEvent[];
  /** The error of the last attempt, while waiting to retry. */
  lastError?: TaskError;
  maxRetries?: number;
  expires?: number;
  timeLimit?: number;
  softTimeLimit?: number;
  link?: TaskSignature[];
  linkError?: TaskSignature[];
  parentId?: string;
  /** As sent (ApplyOptions.partitionKey): a resend keeps it. */
  partitionKey?: string;
}

export interface SentTask {
  task_id: string;
  task_name: string;
  status: 'PENDING';
  queue: QueueName;
}
