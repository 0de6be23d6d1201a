import { TaskInputError } from '../errors/task-errors';
import { isQueueName, type QueueName } from '../queues/queue-names';
import { DEFAULT_TASK_PRIORITY, isTaskPriority } from '../queues/task-priority';
import type { TaskDefinition, TaskKwargs } from '../registry/task-definition';
import type { ApplyOptions, TaskSignature } from './apply-options';
import { MAX_ARGUMENT_DEPTH, MAX_COUNTDOWN_S, MAX_TIME_LIMIT_S, nestingDepth } from './limits';

export interface ValidatedApply {
  args: unknown[];
  kwargs: TaskKwargs;
  queue: QueueName;
  priority: number;
  delayMs: number;
  eta: Date | null;
  expires: Date | null;
  link: TaskSignature[];
  linkError: TaskSignature[];
}

/** Checks apply_async options before anything is written; errors name the offending field. */
export function validateApply(
  task: TaskDefinition,
  options: ApplyOptions,
  now: number,
): ValidatedApply {
  const args = options.args ?? [];
  if (!Array.isArray(args)) throw new TaskInputError('args must be a list', 'args');
  const kwargs = options.kwargs ?? {};
  if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) {
    throw new TaskInputError('kwargs must be an object', 'kwargs');
  }
  for (const [field, value] of [
    ['args', args],
    ['kwargs', kwargs],
  ] as const) {
    // The list or object itself is the first level.
    if (nestingDepth(value) > MAX_ARGUMENT_DEPTH)
      throw new TaskInputError(`${field} nest deeper than ${MAX_ARGUMENT_DEPTH} levels`, field);
  }
  const queue = options.queue ?? task.queue;
  if (!isQueueName(queue)) throw new TaskInputError(`Unknown queue "${String(queue)}"`, 'queue');
  const priority = options.priority ?? task.options.priority ?? DEFAULT_TASK_PRIORITY;
  if (!isTaskPriority(priority))
    throw new TaskInputError('priority must be an integer from 0 to 9', 'priority');

  if (options.countdown !== undefined && options.eta !== undefined) {
    throw new TaskInputError('give countdown or eta, not both', 'eta');
  }
  let eta: Date | null = null;
  if (options.countdown !== undefined) {
    if (
      typeof options.countdown !== 'number' ||
      !Number.isFinite(options.countdown) ||
      options.countdown < 0 ||
      options.countdown > MAX_COUNTDOWN_S
    ) {
      throw new TaskInputError(
        `countdown must be a number of seconds from 0 to ${MAX_COUNTDOWN_S}`,
        'countdown',
      );
    }
    eta = new Date(now + options.countdown * 1000);
  } else if (options.eta !== undefined) {
    eta = toDate(options.eta, 'eta');
    if (eta.getTime() > now + MAX_COUNTDOWN_S * 1000)
      throw new TaskInputError(`eta must be at most ${MAX_COUNTDOWN_S / 86_400} days ahead`, 'eta');
  }
  const delayMs = eta ? Math.max(0, eta.getTime() - now) : 0;

  let expires: Date | null = null;
  if (options.expires !== undefined) {
    expires =
      typeof options.expires === 'number'
        ? new Date(now + options.expires * 1000)
        : toDate(options.expires, 'expires');
    if (!(typeof options.expires === 'number' ? options.expires > 0 : expires.getTime() > now)) {
      throw new TaskInputError('expires is in the past', 'expires');
    }
  }
  for (const key of ['timeLimit', 'softTimeLimit', 'maxRetries'] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
      throw new TaskInputError(`${key} must be a number >= 0`, key);
    }
  }
  const key = options.partitionKey;
  if (key !== undefined && !(typeof key === 'string' && key.length >= 1 && key.length <= 200))
    throw new TaskInputError(
      'partition_key must be a string of 1 to 200 characters',
      'partition_key',
    );
  for (const key of ['timeLimit', 'softTimeLimit'] as const) {
    const v = options[key];
    if (v !== undefined && v > MAX_TIME_LIMIT_S)
      throw new TaskInputError(`${key} must be at most ${MAX_TIME_LIMIT_S} seconds`, key);
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

function toDate(value: Date | string, field: string): Date {
  const date =
    value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new TaskInputError(`${field} must be an ISO 8601 date-time`, field);
  }
  return date;
}

function asList(sig: TaskSignature | TaskSignature[] | undefined): TaskSignature[] {
  return sig === undefined ? [] : Array.isArray(sig) ? sig : [sig];
}
