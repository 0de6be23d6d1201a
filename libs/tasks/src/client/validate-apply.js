"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.validateApply = validateApply;
const task_errors_1 = require("../errors/task-errors");
const queue_names_1 = require("../queues/queue-names");
const task_priority_1 = require("../queues/task-priority");
/** Checks apply_async options before anything is written; errors name the offending field. */
function validateApply(task, options, now) {
    const args = options.args ?? [];
    if (!Array.isArray(args))
        throw new task_errors_1.TaskInputError('args must be a list', 'args');
    const kwargs = options.kwargs ?? {};
    if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) {
        throw new task_errors_1.TaskInputError('kwargs must be an object', 'kwargs');
    }
    const queue = options.queue ?? task.queue;
    if (!(0, queue_names_1.isQueueName)(queue))
        throw new task_errors_1.TaskInputError(`Unknown queue "${String(queue)}"`, 'queue');
    const priority = options.priority ?? task.options.priority ?? task_priority_1.DEFAULT_TASK_PRIORITY;
    if (!(0, task_priority_1.isTaskPriority)(priority))
        throw new task_errors_1.TaskInputError('priority must be an integer from 0 to 9', 'priority');
    if (options.countdown !== undefined && options.eta !== undefined) {
        throw new task_errors_1.TaskInputError('give countdown or eta, not both', 'eta');
    }
    let eta = null;
    if (options.countdown !== undefined) {
        if (typeof options.countdown !== 'number' || !Number.isFinite(options.countdown) || options.countdown < 0) {
            throw new task_errors_1.TaskInputError('countdown must be a number of seconds >= 0', 'countdown');
        }
        eta = new Date(now + options.countdown * 1000);
    }
    else if (options.eta !== undefined) {
        eta = toDate(options.eta, 'eta');
    }
    const delayMs = eta ? Math.max(0, eta.getTime() - now) : 0;
    let expires = null;
    if (options.expires !== undefined) {
        expires =
            typeof options.expires === 'number'
                ? new Date(now + options.expires * 1000)
                : toDate(options.expires, 'expires');
        if (!(typeof options.expires === 'number' ? options.expires > 0 : expires.getTime() > now)) {
            throw new task_errors_1.TaskInputError('expires is in the past', 'expires');
        }
    }
    for (const key of ['timeLimit', 'softTimeLimit', 'maxRetries']) {
        const v = options[key];
        if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
            throw new task_errors_1.TaskInputError(`${key} must be a number >= 0`, key);
        }
    }
    return {
        args,
        kwargs,
        queue,
        priority,
        delayMs,
        eta,
        expires,
        link: asList(options.link),
        linkError: asList(options.linkError),
    };
}
function toDate(value, field) {
    const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(NaN);
    if (Number.isNaN(date.getTime())) {
        throw new task_errors_1.TaskInputError(`${field} must be an ISO 8601 date-time`, field);
    }
    return date;
}
function asList(sig) {
    return sig === undefined ? [] : Array.isArray(sig) ? sig : [sig];
}
//# sourceMappingURL=validate-apply.js.map