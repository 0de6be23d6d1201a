import type { QueueName } from '../queues/queue-names';

/** An error class (or its name) that makes a failed task retry automatically. */
export type ErrorMatcher = string | (abstract new (...args: never[]) => Error);

/** What a task declares about itself, in Celery's vocabulary (camelCase). */
export interface TaskOptions {
  /** The fully qualified name clients use, e.g. `backend.app.tasks.system_tasks.health_check`. */
  name: string;
  /**
   * Positional parameter names, in order: `delay(name, a, b)` binds `a` and `b` to them, and kwargs
   * with other names are refused when the task is sent.
   */
  params?: readonly string[];
  /** Explicit queue; otherwise the task routes decide. */
  queue?: QueueName;
  /** Default priority 0-9 (9 highest) when the caller gives none. */
  priority?: number;
  /** Celery's rate_limit, per worker: `"10/s"`, `"100/m"`, `"1000/h"`. */
  rateLimit?: string;
  maxRetries?: number;
  /** Seconds before a retry when no backoff applies. Celery's default is 180. */
  defaultRetryDelay?: number;
  /** Exponential backoff: true means a 1 s base, a number is the base in seconds. */
  retryBackoff?: boolean | number;
  /** Cap of the backoff, seconds (Celery's default 600). */
  retryBackoffMax?: number;
  /** Full jitter: a random delay between 0 and the computed backoff. Celery's default is true. */
  retryJitter?: boolean;
  /** Errors that retry automatically; others fail at once. */
  autoretryFor?: readonly ErrorMatcher[];
  /** Hard limit, seconds. */
  timeLimit?: number;
  /** Soft limit, seconds: the task's signal aborts and it may clean up. */
  softTimeLimit?: number;
  /** Keep no result: the record still shows the state, never the return value. */
  ignoreResult?: boolean;
  /** Argument names whose values never reach records or logs (besides secret-like names). */
  sensitive?: readonly string[];
  /**
   * Checks the bound arguments when the task is sent (throw a TaskInputError naming the field),
   * so that a caller learns of bad arguments at once, not from a FAILURE later. The handler still
   * gets only what passed.
   */
  checkArgs?: (kwargs: Readonly<Record<string, unknown>>) => void;
  /**
   * The least role that may send the task (by name: the engine only checks it is one of the
   * module's `roles`). The app decides who holds which role, and what an undeclared one means.
   */
  role?: string;
  description?: string;
}

/** A periodic firing of a task, Celery Beat style. Exactly one of `every` and `cron`. */
export interface ScheduleOptions {
  /** Stable key: renaming it drops the old schedule and creates a new one. */
  id: string;
  /** Interval in seconds. */
  every?: number;
  /** Crontab (minute hour day-of-month month day-of-week), in the beat's timezone. */
  cron?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  queue?: QueueName;
  priority?: number;
  description?: string;
}
