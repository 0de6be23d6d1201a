/** Base of the engine's errors that callers should see as their own mistake (HTTP 4xx, CLI exit 2). */
export class TaskInputError extends Error {
  constructor(
    message: string,
    /** The request field at fault, e.g. `task_name`, `countdown`. */
    readonly field: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnknownTaskError extends TaskInputError {
  constructor(readonly taskName: string) {
    super(`Unknown task "${taskName}"`, 'task_name');
  }
}

export class TaskNotFoundError extends Error {
  constructor(readonly taskId: string) {
    super(`No task with id "${taskId}" (never sent, or its record expired)`);
    this.name = 'TaskNotFoundError';
  }
}

/** The task exists but its state does not allow what was asked (HTTP 409). */
export class TaskStateConflictError extends Error {
  constructor(
    readonly taskId: string,
    readonly state: string,
    action: string,
  ) {
    super(`Task "${taskId}" is ${state}: cannot ${action}`);
    this.name = 'TaskStateConflictError';
  }
}

/** Raised into a task whose soft time limit passed (Celery's SoftTimeLimitExceeded). */
export class SoftTimeLimitExceeded extends Error {
  constructor(seconds: number) {
    super(`Soft time limit (${seconds}s) exceeded`);
    this.name = 'SoftTimeLimitExceeded';
  }
}

/** A task's hard time limit passed and it was stopped (Celery's TimeLimitExceeded). */
export class TimeLimitExceeded extends Error {
  constructor(seconds: number) {
    super(`Time limit (${seconds}s) exceeded`);
    this.name = 'TimeLimitExceeded';
  }
}

/** retry() was asked for after max_retries retries: carries the error that caused the last try. */
export class MaxRetriesExceededError extends Error {
  constructor(
    readonly maxRetries: number,
    override readonly cause?: unknown,
  ) {
    super(`Can't retry: max retries (${maxRetries}) exceeded`);
    this.name = 'MaxRetriesExceededError';
  }
}
