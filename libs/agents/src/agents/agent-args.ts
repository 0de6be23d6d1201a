import { TaskInputError } from '@brain/tasks';

/** A date-time with its timezone: without one, the time would depend on the worker's zone. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** `value` as a Date if it is an ISO 8601 date-time with a timezone; else a TaskInputError. */
export function isoDateTime(value: unknown, field: string): Date {
  const time = typeof value === 'string' && ISO_DATE_TIME.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time))
    throw new TaskInputError(
      `${field} must be an ISO 8601 date-time with a timezone (e.g. 2025-12-01T00:00:00Z), got ${JSON.stringify(value)}`,
      field,
    );
  return new Date(time);
}

/** The metrics range: both dates valid, the start not after the end. */
export function dateRange(start: unknown, end: unknown): { start: Date; end: Date } {
  const from = isoDateTime(start, 'start_date');
  const to = isoDateTime(end, 'end_date');
  if (from.getTime() > to.getTime())
    throw new TaskInputError(
      `start_date (${String(start)}) must not be after end_date (${String(end)})`,
      'start_date',
    );
  return { start: from, end: to };
}

export function agentId(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new TaskInputError(
      `agent_id must be a non-empty string, got ${JSON.stringify(value)}`,
      'agent_id',
    );
  return value;
}

/** A positive number (seconds, minutes) no larger than `max`; `fallback` when undefined. */
export function positive(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max)
    throw new TaskInputError(
      `${field} must be a number > 0 and <= ${max}, got ${JSON.stringify(value)}`,
      field,
    );
  return value;
}

/** task_data: a JSON object whose `action`, if any, is a string. */
export function taskData(value: unknown): { action: string | null; data: Record<string, unknown> } {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TaskInputError(
      `task_data must be a JSON object, got ${JSON.stringify(value)}`,
      'task_data',
    );
  const data = value as Record<string, unknown>;
  if (data.action !== undefined && (typeof data.action !== 'string' || data.action === ''))
    throw new TaskInputError(
      `task_data.action must be a non-empty string, got ${JSON.stringify(data.action)}`,
      'task_data.action',
    );
  return { action: typeof data.action === 'string' ? data.action : null, data };
}

/**
 * A number from `min` to `max` (seconds, minutes); `fallback` when undefined. For thresholds whose
 * low values would act on healthy agents: `min` is the documented floor.
 */
export function within(
  value: unknown,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw new TaskInputError(
      `${field} must be a number >= ${min} and <= ${max}, got ${JSON.stringify(value)}`,
      field,
    );
  return value;
}
