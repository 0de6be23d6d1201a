import { LockLostError } from '../errors/lock-lost.error';

/**
 * BullMQ refuses to end a job whose lock this worker no longer holds, with one of these messages
 * (its ErrorCode JobLockNotExist / JobLockMismatch): the lock was lost before the loss was noticed.
 */
const BULLMQ_LOCK_ERROR = /^(Missing lock|Lock mismatch) for job /;

/** Whether `err` says the run lost its job's lock, noticed by renewal (the stop) or by BullMQ. */
export function isLockLost(err: unknown): boolean {
  return (
    err instanceof LockLostError || (err instanceof Error && BULLMQ_LOCK_ERROR.test(err.message))
  );
}
