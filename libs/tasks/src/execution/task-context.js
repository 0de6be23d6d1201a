"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TaskContext = void 0;
const retry_request_1 = require("../retry/retry-request");
/** What a running task knows about itself (Celery's `self.request`), and how it asks to retry. */
class TaskContext {
    taskId;
    taskName;
    queue;
    retries;
    maxRetries;
    signal;
    hostname;
    logger;
    parentId;
    constructor(taskId, taskName, queue, 
    /** How many times this task has been retried before this run (0 on the first). */
    retries, 
    /** Effective max_retries: the declaration's, unless the sender or a retry() call changed it. */
    maxRetries, 
    /** Aborts when the task is revoked with terminate, or its soft time limit passes. */
    signal, hostname, logger, 
    /** The task that sent this one, if any. */
    parentId) {
        this.taskId = taskId;
        this.taskName = taskName;
        this.queue = queue;
        this.retries = retries;
        this.maxRetries = maxRetries;
        this.signal = signal;
        this.hostname = hostname;
        this.logger = logger;
        this.parentId = parentId;
    }
    /**
     * Asks for another try (Celery's `self.retry`): `throw ctx.retry({ exc, countdown })`.
     * Past max_retries the task fails with `exc` (or MaxRetriesExceededError without one).
     */
    retry(options = {}) {
        return new retry_request_1.RetryRequest(options);
    }
    /** Throws the abort reason if the task has been told to stop; call it between steps of long work. */
    throwIfAborted() {
        this.signal.throwIfAborted();
    }
}
exports.TaskContext = TaskContext;
//# sourceMappingURL=task-context.js.map