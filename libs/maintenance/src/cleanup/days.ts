import { TaskInputError } from '@brain/tasks';

/** Least retention_days of cleanup_audit_logs: the last week's trail can never be wiped. */
export const MIN_AUDIT_RETENTION_DAYS = 7;
/** Least days_old of cleanup_task_results (forgetting every record is the admin's purge). */
export const MIN_TASK_RESULT_DAYS = 1;

/**
 * When the task is sent: `value` (if given) is a whole number of days >= `min`, or a
 * TaskInputError naming the field (400 from the API). A code path calling the task in-process is
 * trusted with lower values; the handler still refuses what is not a day count.
 */
export function checkDays(value: unknown, field: string, min: number): void {
  if (
    value !== undefined &&
    !(typeof value === 'number' && Number.isInteger(value) && value >= min)
  )
    throw new TaskInputError(
      `${field} must be a whole number of days >= ${min}, got ${JSON.stringify(value)}`,
      field,
    );
}

/** `days` as a count of whole days >= 0, or a RangeError naming the argument. */
export function wholeDays(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new RangeError(
      `${name} must be a whole number of days >= 0, got ${JSON.stringify(value)}`,
    );
  return value;
}

export function daysAgo(days: number, now = new Date()): Date {
  return new Date(now.getTime() - days * 86_400_000);
}
