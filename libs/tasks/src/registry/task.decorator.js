"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SCHEDULE_METADATA = exports.TASK_METADATA = void 0;
exports.Task = Task;
exports.Schedule = Schedule;
require("reflect-metadata");
exports.TASK_METADATA = 'brain:task';
exports.SCHEDULE_METADATA = 'brain:task-schedules';
/**
 * Declares a provider method as a task: its name, queue and options live here, once. The worker,
 * the API's registered list, Beat and the CLI all discover it from this declaration.
 *
 * The method receives the bound arguments as one object (positional args mapped onto `params`)
 * and a {@link TaskContext}.
 */
function Task(options) {
    return (_target, _key, descriptor) => {
        Reflect.defineMetadata(exports.TASK_METADATA, options, descriptor.value);
        return descriptor;
    };
}
/**
 * Declares a periodic firing of the task on the same method (stackable). Beat registers it as a
 * BullMQ job scheduler, so any number of beat replicas fire it once per tick.
 */
function Schedule(options) {
    return (_target, _key, descriptor) => {
        const fn = descriptor.value;
        const existing = Reflect.getMetadata(exports.SCHEDULE_METADATA, fn) ?? [];
        Reflect.defineMetadata(exports.SCHEDULE_METADATA, [...existing, options], fn);
        return descriptor;
    };
}
//# sourceMappingURL=task.decorator.js.map