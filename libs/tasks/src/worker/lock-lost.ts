import { isBullLockError } from '../bullmq/lock-errors';
import { LockLostError } from '../errors/lock-lost.error';

/**
 * Whether `err` says the run lost its job's lock, noticed by renewal (the stop) or by BullMQ
 * refusing to end the job (the lock was lost before the loss was noticed).
 */
export function isLockLost(err: unknown): boolean {
  return err instanceof LockLostError || isBullLockError(err);
}
