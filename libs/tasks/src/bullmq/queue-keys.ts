import { QueueKeys } from 'bullmq';

/**
 * BullMQ's Redis layout of one queue: the keys its scripts read and write. BullMQ names them
 * itself (QueueKeys); the lock key of a job it only builds inside its Lua scripts.
 */
export interface BullQueueKeys {
  wait: string;
  paused: string;
  prioritized: string;
  delayed: string;
  active: string;
  completed: string;
  failed: string;
  waitingChildren: string;
  /** Hash of queue settings; its `paused` field is set while the queue is paused. */
  meta: string;
  /** Stream of the queue's events (added, active, completed, ...). */
  events: string;
  /** Sorted set a blocked worker waits on (BZPOPMIN); a delayed job's marker has its due time. */
  marker: string;
  /** The job's hash: its data, options and what BullMQ records as it moves. */
  job(id: string): string;
  /** Holds the token of the worker that has the job, while its lock lasts. */
  lock(id: string): string;
}

/** The keys of `queue` under `prefix`. */
export function bullQueueKeys(prefix: string, queue: string): BullQueueKeys {
  const names = new QueueKeys(prefix);
  const k = names.getKeys(queue);
  const job = (id: string) => names.toKey(queue, id);
  return {
    wait: k.wait,
    paused: k.paused,
    prioritized: k.prioritized,
    delayed: k.delayed,
    active: k.active,
    completed: k.completed,
    failed: k.failed,
    waitingChildren: k['waiting-children'],
    meta: k.meta,
    events: k.events,
    marker: k.marker,
    job,
    lock: (id) => `${job(id)}:lock`,
  };
}

/** A job hash key's fields this engine reads or writes itself (BullMQ's short names). */
export const JOB_FIELDS = {
  name: 'name',
  /** The name of the worker that took the job (Job.processedBy). */
  processedBy: 'pb',
  /** How many times the job was started (Job.attemptsStarted). */
  attemptsStarted: 'ats',
  /** The failed runs' stacks, as a JSON list (Job.stacktrace). */
  stacktrace: 'stacktrace',
} as const;

/** The field of the queue's meta hash that is present while the queue is paused. */
export const META_PAUSED_FIELD = 'paused';

/** BullMQ scores a delayed job `timestamp * DELAYED_SCORE_FACTOR + counter`. */
export const DELAYED_SCORE_FACTOR = 0x1000;

/** When a delayed job with this score in the delayed set falls due (ms since the epoch). */
export function delayedDueAt(score: number): number {
  return Math.floor(score / DELAYED_SCORE_FACTOR);
}

/** Job ids BullMQ gives the next firing of a job scheduler (a periodic schedule). */
export function isSchedulerJobId(id: string): boolean {
  return id.startsWith('repeat:');
}
