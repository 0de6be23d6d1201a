/** Celery-style task priority: 0 (lowest) .. 9 (highest). */
export const MIN_TASK_PRIORITY = 0;
export const MAX_TASK_PRIORITY = 9;
export const DEFAULT_TASK_PRIORITY = 5;

/**
 * Maps a task priority onto BullMQ's, where 1 is the highest and every job must carry one
 * (BullMQ's 0 would jump ahead of all prioritized jobs and break the 0-9 order).
 */
export function toBullPriority(priority: number): number {
  return MAX_TASK_PRIORITY - priority + 1;
}

export function isTaskPriority(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= MIN_TASK_PRIORITY &&
    value <= MAX_TASK_PRIORITY
  );
}
