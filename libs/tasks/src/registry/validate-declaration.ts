import { isQueueName } from '../queues/queue-names';
import { isTaskPriority } from '../queues/task-priority';
import type { ScheduleOptions, TaskOptions } from './task-options';
import { parseCron } from '../beat/cron';
import { parseRate } from '../execution/rate-limiter';
import { MAX_TIME_LIMIT_S } from '../client/limits';

/** Fails boot on a declaration that could only fail later, at send or run time. */
export function validateDeclaration(
  options: TaskOptions,
  schedules: readonly ScheduleOptions[],
  where: string,
  roles?: readonly string[],
): void {
  const bad = (msg: string): never => {
    throw new Error(`Task declaration at ${where} (${options.name || '<no name>'}): ${msg}`);
  };
  if (!options.name || !/^[\w.-]+$/.test(options.name)) bad('name must be a dotted identifier');
  if (options.queue !== undefined && !isQueueName(options.queue))
    bad(`unknown queue "${String(options.queue)}"`);
  if (options.priority !== undefined && !isTaskPriority(options.priority))
    bad('priority must be 0-9');
  for (const key of [
    'maxRetries',
    'defaultRetryDelay',
    'retryBackoffMax',
    'timeLimit',
    'softTimeLimit',
  ] as const) {
    const value = options[key];
    if (value !== undefined && !(typeof value === 'number' && value >= 0))
      bad(`${key} must be >= 0`);
  }
  if (options.rateLimit !== undefined) {
    try {
      parseRate(options.rateLimit);
    } catch (err) {
      bad((err as Error).message);
    }
  }
  if (options.role !== undefined) {
    if (roles ? !roles.includes(options.role) : !(typeof options.role === 'string' && options.role))
      bad(`unknown role "${String(options.role)}"${roles ? ` (one of ${roles.join(', ')})` : ''}`);
  }
  for (const key of ['timeLimit', 'softTimeLimit'] as const) {
    const value = options[key];
    if (value !== undefined && value > MAX_TIME_LIMIT_S)
      bad(`${key} must be at most ${MAX_TIME_LIMIT_S} seconds`);
  }
  if (options.timeLimit && options.softTimeLimit && options.softTimeLimit > options.timeLimit) {
    bad('softTimeLimit must not exceed timeLimit');
  }
  const ids = new Set<string>();
  for (const s of schedules) {
    if (!s.id) bad('a schedule needs an id');
    if (ids.has(s.id)) bad(`schedule id "${s.id}" appears twice`);
    ids.add(s.id);
    if ((s.every === undefined) === (s.cron === undefined))
      bad(`schedule "${s.id}" needs exactly one of every, cron`);
    if (s.every !== undefined && !(s.every > 0))
      bad(`schedule "${s.id}": every must be > 0 seconds`);
    if (s.cron !== undefined) {
      try {
        parseCron(s.cron);
      } catch (err) {
        bad(`schedule "${s.id}": ${(err as Error).message}`);
      }
    }
    if (s.queue !== undefined && !isQueueName(s.queue))
      bad(`schedule "${s.id}": unknown queue "${String(s.queue)}"`);
  }
}
