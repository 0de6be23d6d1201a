import type { QueueName } from '../queues/queue-names';
import type { TaskKwargs } from '../registry/task-definition';

/** One run of a task, as the worker hands it to a pool. */
export interface PoolRequest {
  taskId: string;
  taskName: string;
  kwargs: TaskKwargs;
  queue: QueueName;
  retries: number;
  maxRetries: number;
  hostname: string;
  parentId?: string;
  softTimeLimit?: number;
  timeLimit?: number;
}

/** An error as it crosses a process or thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** Class names from the error's own up to Error, so autoretry_for can still match by class. */
  chain: string[];
}

export interface SerializedRetry {
  countdown?: number;
  eta?: string;
  maxRetries?: number;
  exc?: SerializedError;
}

export type ParentMessage =
  { type: 'run'; id: number; request: PoolRequest } | { type: 'shutdown' };

export type ChildMessage =
  | { type: 'ready'; pid: number }
  | { type: 'done'; id: number; value: unknown; rss: number }
  | { type: 'failed'; id: number; error: SerializedError; retry?: SerializedRetry; rss: number }
  | { type: 'boot-failed'; error: SerializedError };
