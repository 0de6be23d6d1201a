import type { JobState } from 'bullmq';
import type { ChainableCommander } from 'ioredis';
import { type BullQueueKeys, JOB_FIELDS } from './queue-keys';

/** Replies per job that addStateReads queues. */
export const STATE_READS = 6;

/**
 * Queues the reads BullMQ's getState makes of a job, so that many jobs' states come back in one
 * round trip (a MULTI, read at one moment). Read the replies with stateFromReads.
 */
export function addStateReads(tx: ChainableCommander, keys: BullQueueKeys, id: string): void {
  tx.zscore(keys.completed, id)
    .zscore(keys.failed, id)
    .zscore(keys.delayed, id)
    .zscore(keys.prioritized, id)
    .zscore(keys.waitingChildren, id)
    // Active is short (what workers hold); waiting is what is left, as BullMQ's getState finds.
    .lpos(keys.active, id);
}

/** BullMQ's getState, from the STATE_READS replies of addStateReads, in order. */
export function stateFromReads([
  completed,
  failed,
  delayed,
  prioritized,
  children,
  active,
]: unknown[]): JobState {
  if (completed !== null) return 'completed';
  if (failed !== null) return 'failed';
  if (delayed !== null) return 'delayed';
  if (prioritized !== null) return 'prioritized';
  if (active !== null) return 'active';
  if (children !== null) return 'waiting-children';
  return 'waiting';
}

/** Queues a read of a job's name and the worker that took it: [name, worker], nulls if no job. */
export function addNameAndWorkerRead(
  pipeline: ChainableCommander,
  keys: BullQueueKeys,
  id: string,
): void {
  pipeline.hmget(keys.job(id), JOB_FIELDS.name, JOB_FIELDS.processedBy);
}

/** Queues a read of a job's failed-run stacks (see failedStacks). */
export function addStacktraceRead(
  pipeline: ChainableCommander,
  keys: BullQueueKeys,
  id: string,
): void {
  pipeline.hget(keys.job(id), JOB_FIELDS.stacktrace);
}

/** BullMQ keeps a failed job's stacks as a JSON list: the list, or [] if unreadable. */
export function failedStacks(raw: unknown): unknown[] {
  if (typeof raw !== 'string') return [];
  try {
    const stacks = JSON.parse(raw) as unknown;
    return Array.isArray(stacks) ? stacks : [];
  } catch {
    return [];
  }
}
