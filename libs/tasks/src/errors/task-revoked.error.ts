export type RevokeReason = 'revoked' | 'terminated' | 'expired' | 'overlap';

const MESSAGES: Record<RevokeReason, string> = {
  revoked: 'Task revoked',
  terminated: 'Task terminated by revoke',
  expired: 'Task expired before a worker could run it',
  overlap: 'Skipped: the previous run of this periodic task is still running',
};

/**
 * The task was revoked: before it ran, with terminate while it ran, because it expired, or (a
 * periodic task's tick) because its previous run was still going.
 */
export class TaskRevokedError extends Error {
  constructor(readonly reason: RevokeReason) {
    super(MESSAGES[reason]);
    this.name = 'TaskRevokedError';
  }
}
