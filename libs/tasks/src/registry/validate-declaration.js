"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.validateDeclaration = validateDeclaration;
const queue_names_1 = require("../queues/queue-names");
const task_priority_1 = require("../queues/task-priority");
const cron_1 = require("../beat/cron");
/** Fails boot on a declaration that could only fail later, at send or run time. */
function validateDeclaration(options, schedules, where) {
    const bad = (msg) => {
        throw new Error(`Task declaration at ${where} (${options.name || '<no name>'}): ${msg}`);
    };
    if (!options.name || !/^[\w.-]+$/.test(options.name))
        bad('name must be a dotted identifier');
    if (options.queue !== undefined && !(0, queue_names_1.isQueueName)(options.queue))
        bad(`unknown queue "${options.queue}"`);
    if (options.priority !== undefined && !(0, task_priority_1.isTaskPriority)(options.priority))
        bad('priority must be 0-9');
    for (const key of ['maxRetries', 'defaultRetryDelay', 'retryBackoffMax', 'timeLimit', 'softTimeLimit']) {
        const value = options[key];
        if (value !== undefined && !(typeof value === 'number' && value >= 0))
            bad(`${key} must be >= 0`);
    }
    if (options.timeLimit && options.softTimeLimit && options.softTimeLimit > options.timeLimit) {
        bad('softTimeLimit must not exceed timeLimit');
    }
    const ids = new Set();
    for (const s of schedules) {
        if (!s.id)
            bad('a schedule needs an id');
        if (ids.has(s.id))
            bad(`schedule id "${s.id}" appears twice`);
        ids.add(s.id);
        if ((s.every === undefined) === (s.cron === undefined))
            bad(`schedule "${s.id}" needs exactly one of every, cron`);
        if (s.every !== undefined && !(s.every > 0))
            bad(`schedule "${s.id}": every must be > 0 seconds`);
        if (s.cron !== undefined) {
            try {
                (0, cron_1.parseCron)(s.cron);
            }
            catch (err) {
                bad(`schedule "${s.id}": ${err.message}`);
            }
        }
        if (s.queue !== undefined && !(0, queue_names_1.isQueueName)(s.queue))
            bad(`schedule "${s.id}": unknown queue "${s.queue}"`);
    }
}
//# sourceMappingURL=validate-declaration.js.map