import type { TaskRecord, WorkerHeartbeat } from '@brain/tasks';
import type { TaskStatusDto, WorkerStatsDto } from './dto/task-responses.dto';

const READY = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);

/** A record as the old system's clients read it: Celery's AsyncResult fields first. */
export function taskStatus(r: TaskRecord): TaskStatusDto {
  return {
    task_id: r.task_id,
    status: r.state,
    ready: READY.has(r.state),
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
    error: r.error,
  };
}

/** Celery's `inspect stats`, keyed by hostname, from the workers' last heartbeats. */
export function workerStats(beats: WorkerHeartbeat[], now = Date.now()): WorkerStatsDto {
  const workers: WorkerStatsDto['workers'] = {};
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
