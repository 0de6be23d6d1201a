import { TaskInputError } from '../errors/task-errors';
import type { TaskKwargs } from '../registry/task-definition';
import type { TaskOptions } from '../registry/task-options';

/**
 * Celery passes `args` and `kwargs`; our handlers take one object. Positional args are bound to the
 * declared `params` in order; a task without `params` accepts kwargs only.
 */
export function bindArguments(
  task: TaskOptions,
  args: readonly unknown[],
  kwargs: TaskKwargs,
): TaskKwargs {
  const params = task.params ?? [];
  if (args.length > params.length) {
    throw new TaskInputError(
      `${task.name} takes ${params.length} positional argument(s) (${params.join(', ') || 'none'}), got ${args.length}`,
      'args',
    );
  }
  const bound: TaskKwargs = {};
  args.forEach((value, i) => (bound[params[i]] = value));
  for (const [key, value] of Object.entries(kwargs)) {
    if (params.length > 0 && !params.includes(key)) {
      throw new TaskInputError(
        `${task.name} got an unexpected keyword argument "${key}"`,
        'kwargs',
      );
    }
    if (key in bound) {
      throw new TaskInputError(`${task.name} got multiple values for argument "${key}"`, 'kwargs');
    }
    bound[key] = value;
  }
  return bound;
}
