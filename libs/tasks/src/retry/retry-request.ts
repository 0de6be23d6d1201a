export interface RetryOptions {
  /** Seconds until the retry; default: the task's backoff policy. */
  countdown?: number;
  /** An exact time for the retry. */
  eta?: Date;
  /** The error that caused the retry: reported as the task's error if retries run out. */
  exc?: unknown;
  /** Overrides the declared max_retries for this task. */
  maxRetries?: number;
}

/** Thrown from a task to ask for a retry (what `ctx.retry()` builds). */
export class RetryRequest extends Error {
  constructor(readonly options: RetryOptions) {
    super(
      options.exc instanceof Error ? `Retry requested: ${options.exc.message}` : 'Retry requested',
    );
    this.name = 'Retry';
  }
}
