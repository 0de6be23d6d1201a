import 'reflect-metadata';
import type { ScheduleOptions, TaskOptions } from './task-options';

export const TASK_METADATA = 'brain:task';
export const SCHEDULE_METADATA = 'brain:task-schedules';

/**
 * Declares a provider method as a task: its name, queue and options live here, once. The worker,
 * the API's registered list, Beat and the CLI all discover it from this declaration.
 *
 * The method receives the bound arguments as one object (positional args mapped onto `params`)
 * and a {@link TaskContext}.
 */
export function Task(options: TaskOptions): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(TASK_METADATA, options, descriptor.value as object);
    return descriptor;
  };
}

/**
 * Declares a periodic firing of the task on the same method (stackable). Beat registers it as a
 * BullMQ job scheduler, so any number of beat replicas fire it once per tick.
 */
export function Schedule(options: ScheduleOptions): MethodDecorator {
  return (_target, _key, descriptor) => {
    const fn = descriptor.value as object;
    const existing =
      (Reflect.getMetadata(SCHEDULE_METADATA, fn) as ScheduleOptions[] | undefined) ?? [];
    Reflect.defineMetadata(SCHEDULE_METADATA, [...existing, options], fn);
    return descriptor;
  };
}
