"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_TASK_PRIORITY = exports.MAX_TASK_PRIORITY = exports.MIN_TASK_PRIORITY = void 0;
exports.toBullPriority = toBullPriority;
exports.isTaskPriority = isTaskPriority;
/** Celery-style task priority: 0 (lowest) .. 9 (highest). */
exports.MIN_TASK_PRIORITY = 0;
exports.MAX_TASK_PRIORITY = 9;
exports.DEFAULT_TASK_PRIORITY = 5;
/**
 * Maps a task priority onto BullMQ's, where 1 is the highest and every job must carry one
 * (BullMQ's 0 would jump ahead of all prioritized jobs and break the 0-9 order).
 */
function toBullPriority(priority) {
    return exports.MAX_TASK_PRIORITY - priority + 1;
}
function isTaskPriority(value) {
    return (typeof value === 'number' &&
        Number.isInteger(value) &&
        value >= exports.MIN_TASK_PRIORITY &&
        value <= exports.MAX_TASK_PRIORITY);
}
//# sourceMappingURL=task-priority.js.map