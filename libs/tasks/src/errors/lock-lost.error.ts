/**
 * The worker lost its lock on the job while running it (a stalled check or another worker took
 * it): the run is stopped, and the job is left to whoever holds it now, never ended from here.
 */
export class LockLostError extends Error {
  constructor() {
    super('lock lost: run aborted, job left to the worker that holds it');
    this.name = 'LockLostError';
  }
}
