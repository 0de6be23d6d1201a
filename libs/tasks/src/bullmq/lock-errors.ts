/**
 * BullMQ refuses to end a job whose lock this worker no longer holds, with one of these messages
 * (its ErrorCode JobLockNotExist / JobLockMismatch).
 */
const BULLMQ_LOCK_ERROR = /^(Missing lock|Lock mismatch) for job /;

/** Whether BullMQ refused a job's move because the caller no longer holds its lock. */
export function isBullLockError(err: unknown): boolean {
  return err instanceof Error && BULLMQ_LOCK_ERROR.test(err.message);
}
