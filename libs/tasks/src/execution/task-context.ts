import type { Logger } from '@nestjs/common';
import type { QueueName } from '../queues/queue-names';
import { RetryRequest, type RetryOptions } from '../retry/retry-request';

/** What a running task knows about itself (Celery's `self.request`), and how it asks to retry. */
export class TaskContext {
  private readonly signalSource: () => AbortSignal;

  constructor(
    readonly taskId: string,
    readonly taskName: string,
    readonly queue: QueueName,
    /** How many times this task has been retried before this run (0 on the first). */
    readonly retries: number,
    /** Effective max_retries: the declaration's, unless the sender or a retry() call changed it. */
    readonly maxRetries: number,
    /** The task's AbortSignal, or where to get it when first asked for (it costs to make). */
    signal: AbortSignal | (() => AbortSignal),
    readonly hostname: string,
    readonly logger: Logger,
    /** The task that sent this one, if any. */
    readonly parentId?: string,
  ) {
    this.signalSource = typeof signal === 'function' ? signal : () => signal;
  }

  /** Aborts when the task is revoked with terminate, or its soft time limit passes. */
  get signal(): AbortSignal {
    return this.signalSource();
  }

  /**
   * Asks for another try (Celery's `self.retry`): `throw ctx.retry({ exc, countdown })`.
   * Past max_retries the task fails with `exc` (or MaxRetriesExceededError without one).
   */
  retry(options: RetryOptions = {}): RetryRequest {
    return new RetryRequest(options);
  }

  /** Throws the abort reason if the task has been told to stop; call it between steps of long work. */
  throwIfAborted(): void {
    this.signal.throwIfAborted();
  }
}
