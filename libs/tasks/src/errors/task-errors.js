"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MaxRetriesExceededError = exports.TimeLimitExceeded = exports.SoftTimeLimitExceeded = exports.TaskNotFoundError = exports.UnknownTaskError = exports.TaskInputError = void 0;
/** Base of the engine's errors that callers should see as their own mistake (HTTP 4xx, CLI exit 2). */
class TaskInputError extends Error {
    field;
    constructor(message, 
    /** The request field at fault, e.g. `task_name`, `countdown`. */
    field) {
        super(message);
        this.field = field;
        this.name = new.target.name;
    }
}
exports.TaskInputError = TaskInputError;
class UnknownTaskError extends TaskInputError {
    taskName;
    constructor(taskName) {
        super(`Unknown task "${taskName}"`, 'task_name');
        this.taskName = taskName;
    }
}
exports.UnknownTaskError = UnknownTaskError;
class TaskNotFoundError extends Error {
    taskId;
    constructor(taskId) {
        super(`No task with id "${taskId}" (never sent, or its record expired)`);
        this.taskId = taskId;
        this.name = 'TaskNotFoundError';
    }
}
exports.TaskNotFoundError = TaskNotFoundError;
/** Raised into a task whose soft time limit passed (Celery's SoftTimeLimitExceeded). */
class SoftTimeLimitExceeded extends Error {
    constructor(seconds) {
        super(`Soft time limit (${seconds}s) exceeded`);
        this.name = 'SoftTimeLimitExceeded';
    }
}
exports.SoftTimeLimitExceeded = SoftTimeLimitExceeded;
/** A task's hard time limit passed and it was stopped (Celery's TimeLimitExceeded). */
class TimeLimitExceeded extends Error {
    constructor(seconds) {
        super(`Time limit (${seconds}s) exceeded`);
        this.name = 'TimeLimitExceeded';
    }
}
exports.TimeLimitExceeded = TimeLimitExceeded;
/** retry() was asked for after max_retries retries: carries the error that caused the last try. */
class MaxRetriesExceededError extends Error {
    maxRetries;
    cause;
    constructor(maxRetries, cause) {
        super(`Can't retry: max retries (${maxRetries}) exceeded`);
        this.maxRetries = maxRetries;
        this.cause = cause;
        this.name = 'MaxRetriesExceededError';
    }
}
exports.MaxRetriesExceededError = MaxRetriesExceededError;
//# sourceMappingURL=task-errors.js.map