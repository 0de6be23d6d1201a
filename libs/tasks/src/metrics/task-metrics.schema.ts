import type { TaskState } from '../results/task-state';
import { engineKeys } from '../redis/engine-keys';

/**
 * How workers' task counts and durations are kept in Redis, for the recorder that writes them and
 * the reader that turns them into Prometheus series.
 *
 * Everything lives in one hash, so that a reset (DEL, FLUSHDB, a new Redis) clears every series at
 * once, which Prometheus reads as a counter reset, and one HGETALL reads a consistent snapshot
 * (workers write with MULTI). Fields:
 *   total:<status>:<task>          outcomes (task_total)
 *   count:<status>:<task>          observed runs (the histogram's count)
 *   sum:<status>:<task>            seconds, summed (the histogram's sum)
 *   bucket:<status>:<le>:<task>    runs whose duration fell in the bucket ending at <le>, not
 *                                  cumulative (one write per run); the reader cumulates
 * The task name comes last: it may contain ':'.
 */
export function taskMetricsKey(prefix: string): string {
  return engineKeys(prefix).taskMetrics;
}

/** Upper bounds, in seconds, of task_execution_seconds' buckets: 5 ms to an hour. */
export const TASK_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600,
];

/** The `status` label: how a run ended, in Prometheus's lower case. */
export const TASK_STATUSES = ['success', 'failure', 'retry', 'revoked'] as const;
export type TaskMetricStatus = (typeof TASK_STATUSES)[number];

const STATUS_OF_STATE: Partial<Record<TaskState, TaskMetricStatus>> = {
  SUCCESS: 'success',
  FAILURE: 'failure',
  RETRY: 'retry',
  REVOKED: 'revoked',
};

/** The status of a run that ended in `state`; undefined for one that did not end (PENDING). */
export function statusOf(state: TaskState): TaskMetricStatus | undefined {
  return STATUS_OF_STATE[state];
}

function isStatus(value: string): value is TaskMetricStatus {
  return (TASK_STATUSES as readonly string[]).includes(value);
}

export function totalField(status: TaskMetricStatus, task: string): string {
  return `total:${status}:${task}`;
}

export function countField(status: TaskMetricStatus, task: string): string {
  return `count:${status}:${task}`;
}

export function sumField(status: TaskMetricStatus, task: string): string {
  return `sum:${status}:${task}`;
}

/** The bucket a duration falls in; undefined past the last bound (counted in +Inf only). */
export function bucketField(
  status: TaskMetricStatus,
  seconds: number,
  task: string,
): string | undefined {
  const le = TASK_DURATION_BUCKETS.find((bound) => seconds <= bound);
  return le === undefined ? undefined : `bucket:${status}:${le}:${task}`;
}

/** One task and status: its outcomes and its duration histogram. */
export interface TaskSeries {
  task: string;
  status: TaskMetricStatus;
  total: number;
  count: number;
  sumSeconds: number;
  /** Cumulative counts for each of {@link TASK_DURATION_BUCKETS}, in order. */
  buckets: number[];
}

type ParsedField =
  | { kind: 'total' | 'count' | 'sum'; status: TaskMetricStatus; task: string }
  | { kind: 'bucket'; status: TaskMetricStatus; le: number; task: string };

function parseField(field: string): ParsedField | undefined {
  const [kind, status, ...rest] = field.split(':');
  if (status === undefined || !isStatus(status)) return undefined;
  if (kind === 'bucket') {
    const le = Number(rest[0]);
    const task = rest.slice(1).join(':');
    return Number.isFinite(le) && task ? { kind, status, le, task } : undefined;
  }
  const task = rest.join(':');
  if ((kind === 'total' || kind === 'count' || kind === 'sum') && task) {
    return { kind, status, task };
  }
  return undefined;
}

/**
 * The series in the hash (HGETALL's answer). Bucket fields whose bound is not one of today's
 * buckets (written by another version) still count, in every bucket at or above their bound.
 */
export function parseTaskMetrics(hash: Record<string, string>): TaskSeries[] {
  const series = new Map<string, TaskSeries>();
  const of = (status: TaskMetricStatus, task: string): TaskSeries => {
    const id = `${status}:${task}`;
    let s = series.get(id);
    if (!s) {
      s = {
        task,
        status,
        total: 0,
        count: 0,
        sumSeconds: 0,
        buckets: TASK_DURATION_BUCKETS.map(() => 0),
      };
      series.set(id, s);
    }
    return s;
  };
  for (const [field, raw] of Object.entries(hash)) {
    const parsed = parseField(field);
    const value = Number(raw);
    if (!parsed || !Number.isFinite(value)) continue;
    const s = of(parsed.status, parsed.task);
    if (parsed.kind === 'bucket') {
      const { le } = parsed;
      TASK_DURATION_BUCKETS.forEach((bound, i) => {
        if (le <= bound) s.buckets[i] += value;
      });
    } else if (parsed.kind === 'total') s.total = value;
    else if (parsed.kind === 'count') s.count = value;
    else s.sumSeconds = value;
  }
  return [...series.values()].sort(
    (a, b) => a.task.localeCompare(b.task) || a.status.localeCompare(b.status),
  );
}
