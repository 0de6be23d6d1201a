import type { WorkerHeartbeat } from '../inspect/worker-heartbeat';
import type { TaskError, TaskEvent, TaskRecord } from '../results/task-record';
import { READY_STATES, type TaskState } from '../results/task-state';
import type { RevokeOutcome } from '../revocation/revocation.service';

/**
 * The shapes clients read (REST API, CLI `--json`, dashboard): the old system's snake_case fields
 * and status words. One definition here; the API's DTO classes implement these interfaces.
 */

/** A task as GET /api/tasks/{id} answers it: Celery's AsyncResult fields first. */
export interface TaskStatus {
  task_id: string;
  status: TaskState;
  ready: boolean;
  successful: boolean;
  /** The return value on SUCCESS, else null. */
  result: unknown;
  task_name: string;
  queue: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  retries: number;
  attempts: number;
  worker: string | null;
  date_received: string;
  date_started: string | null;
  date_done: string | null;
  eta: string | null;
  expires: string | null;
  parent_id: string | null;
  /** The Beat schedule that fired it (its key, as `brain tasks scheduled` lists it). */
  periodic_task_name: string | null;
  error: TaskError | null;
}

/** A task's status with its timeline of states and retries, oldest first. */
export interface TaskDetail extends TaskStatus {
  timeline: TaskEvent[];
}

/** What a revoke answers (DELETE /api/tasks/{id}). */
export interface RevokeResult {
  task_id: string;
  previous_status: TaskState;
  status: TaskState;
  terminate: boolean;
}

export interface WorkerStatsEntry {
  pool: WorkerHeartbeat['pool'];
  /** Tasks run, per task name. */
  total: Record<string, number>;
  pid: number;
  queues: string[];
  processed: number;
  /** Seconds since it started. */
  uptime: number;
  /** Tasks running now. */
  active: number;
  reserved: number;
  rusage: { cpu_seconds: number; rss_bytes: number };
  loadavg: number[];
  heartbeat_at: string;
}

/** Celery's `inspect stats`: live workers keyed by hostname. */
export interface WorkerStats {
  workers: Record<string, WorkerStatsEntry>;
  total_workers: number;
}

/** A record as the old system's clients read it: Celery's AsyncResult fields first. */
export function taskStatus(r: TaskRecord): TaskStatus {
  return {
    task_id: r.task_id,
    status: r.state,
    ready: READY_STATES.has(r.state),
    successful: r.state === 'SUCCESS',
    result: r.state === 'SUCCESS' ? (r.result ?? null) : null,
    task_name: r.task_name,
    queue: r.queue,
    args: r.args,
    kwargs: r.kwargs,
    retries: r.retries,
    attempts: r.attempts,
    worker: r.worker,
    date_received: r.date_received,
    date_started: r.date_started,
    date_done: r.date_done,
    eta: r.eta,
    expires: r.expires,
    parent_id: r.parent_id,
    // Revoked records saved before this field existed lack it.
    periodic_task_name: r.periodic_task_name ?? null,
    error: r.error,
  };
}

export function taskDetail(record: TaskRecord, events: TaskEvent[]): TaskDetail {
  return { ...taskStatus(record), timeline: events };
}

export function revokeResult(outcome: RevokeOutcome): RevokeResult {
  return {
    task_id: outcome.task_id,
    previous_status: outcome.previous_state,
    status: outcome.state,
    terminate: outcome.terminate,
  };
}

/** Celery's `inspect stats`, keyed by hostname, from the workers' last heartbeats. */
export function workerStats(beats: WorkerHeartbeat[], now = Date.now()): WorkerStats {
  const workers: WorkerStats['workers'] = {};
  for (const b of beats) {
    workers[b.hostname] = {
      pool: b.pool,
      total: b.total,
      pid: b.pid,
      queues: b.queues,
      processed: b.processed,
      uptime: Math.round((now - Date.parse(b.started_at)) / 1000),
      active: b.active.length,
      reserved: b.reserved?.length ?? 0,
      rusage: { cpu_seconds: b.cpu_seconds, rss_bytes: b.rss_bytes },
      loadavg: b.loadavg,
      heartbeat_at: b.sent_at,
    };
  }
  return { workers, total_workers: beats.length };
}
