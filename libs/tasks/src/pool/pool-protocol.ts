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

/**
 * A child runs the runs it is given one at a time, in order: while one runs, the next ones wait in
 * the child (so that no round trip separates two tasks). `cancel` takes back a run still waiting;
 * the answer says whether it had started.
 */
export type ParentMessage =
  /** Several at once when several are ready in one turn: one message, one write, one wake-up. */
  /** `measure`: answer with the resident memory (it costs a read of /proc per task). */
  | { type: 'run'; runs: Array<{ id: number; request: PoolRequest }>; measure?: boolean }
  | { type: 'cancel'; id: number }
  | { type: 'shutdown' };

export type ChildMessage =
  | { type: 'ready'; pid: number }
  | { type: 'cancelled'; id: number; started: boolean }
  | { type: 'done'; id: number; value: unknown; rss?: number }
  | { type: 'failed'; id: number; error: SerializedError; retry?: SerializedRetry; rss?: number }
  | { type: 'boot-failed'; error: SerializedError };
