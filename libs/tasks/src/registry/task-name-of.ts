import type { Type } from '@nestjs/common';
import type { TaskOptions } from './task-options';
import { TASK_METADATA } from './task.decorator';

/**
 * The name a `@Task` method is declared with, for the code that sends it: the name is written
 * once, as a literal in the declaration, where grep finds it.
 */
export function taskNameOf<T extends object>(type: Type<T>, method: keyof T & string): string {
  const fn: unknown = (type.prototype as Record<string, unknown>)[method];
  const options =
    typeof fn === 'function'
      ? (Reflect.getMetadata(TASK_METADATA, fn) as TaskOptions | undefined)
      : undefined;
  if (!options) throw new Error(`${type.name}.${method} is not declared with @Task`);
  return options.name;
}
