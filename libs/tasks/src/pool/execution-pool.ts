import type { TaskStop } from '../execution/task-stop';
import type { PoolRequest } from './pool-protocol';

export type PoolImplementation = 'prefork' | 'threads' | 'inline';

/** Where task handlers run: child processes, worker threads, or the worker's own event loop. */
export interface ExecutionPool {
  readonly implementation: PoolImplementation;
  start(): Promise<void>;
  /**
   * Runs the task's handler under its limits. Rejects with the handler's error, a RetryRequest,
   * SoftTimeLimitExceeded (if not caught), TimeLimitExceeded, WorkerLostError, `stop`'s reason,
   * or TaskReleased (a reserved task given back unstarted).
   */
  run(request: PoolRequest, stop: TaskStop): Promise<unknown>;
  /** How many more runs it can take now and start soon; Infinity when the worker's slots decide. */
  capacity(): number;
  /** Called when capacity may have grown. */
  onCapacity(listener: () => void): void;
  /** Whether it holds this task without having started it (a prefetched, reserved task). */
  isReserved(taskId: string): boolean;
  /** Gives back every run not started yet (TaskReleased): the worker is stopping. */
  release(): void;
  /** The children: pids for prefork, thread ids for threads, none for inline. */
  processes(): number[];
  close(): Promise<void>;
}
