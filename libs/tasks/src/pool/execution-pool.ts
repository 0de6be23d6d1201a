import type { PoolRequest } from './pool-protocol';

export type PoolImplementation = 'prefork' | 'threads' | 'inline';

/** Where task handlers run: child processes, worker threads, or the worker's own event loop. */
export interface ExecutionPool {
  readonly implementation: PoolImplementation;
  start(): Promise<void>;
  /**
   * Runs the task's handler under its limits. Rejects with the handler's error, a RetryRequest,
   * SoftTimeLimitExceeded (if not caught), TimeLimitExceeded, WorkerLostError, or `stop`'s reason.
   */
  run(request: PoolRequest, stop: AbortSignal): Promise<unknown>;
  /** Pids of the pool's children (empty for inline and threads). */
  processes(): number[];
  close(): Promise<void>;
}
