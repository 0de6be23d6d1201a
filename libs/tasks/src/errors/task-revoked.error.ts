/** The task was revoked: before it ran, with terminate while it ran, or because it expired. */
export class TaskRevokedError extends Error {
  constructor(readonly reason: 'revoked' | 'terminated' | 'expired') {
    super(
      reason === 'expired'
        ? 'Task expired before a worker could run it'
        : reason === 'terminated'
          ? 'Task terminated by revoke'
          : 'Task revoked',
    );
    this.name = 'TaskRevokedError';
  }
}
