"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.bindArguments = bindArguments;
const task_errors_1 = require("../errors/task-errors");
/**
 * Celery passes `args` and `kwargs`; our handlers take one object. Positional args are bound to the
 * declared `params` in order; a task without `params` accepts kwargs only.
 */
function bindArguments(task, args, kwargs) {
    const params = task.params ?? [];
    if (args.length > params.length) {
        throw new task_errors_1.TaskInputError(`${task.name} takes ${params.length} positional argument(s) (${params.join(', ') || 'none'}), got ${args.length}`, 'args');
    }
    const bound = {};
    args.forEach((value, i) => (bound[params[i]] = value));
    for (const [key, value] of Object.entries(kwargs)) {
        if (params.length > 0 && !params.includes(key)) {
            throw new task_errors_1.TaskInputError(`${task.name} got an unexpected keyword argument "${key}"`, 'kwargs');
        }
        if (key in bound) {
            throw new task_errors_1.TaskInputError(`${task.name} got multiple values for argument "${key}"`, 'kwargs');
        }
        bound[key] = value;
    }
    return bound;
}
//# sourceMappingURL=bind-arguments.js.map