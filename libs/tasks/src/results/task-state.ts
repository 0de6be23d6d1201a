/** Celery's task states, with the same words, as clients of the old system read them. */
export const TASK_STATES = [
  'PENDING',
  'STARTED',
  'SUCCESS',
  'FAILURE',
  'RETRY',
  'REVOKED',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** States in which a task can still be revoked without terminating anything. */
export const UNSTARTED_STATES: ReadonlySet<TaskState> = new Set(['PENDING', 'RETRY']);

/** States after which a task changes no more (Celery's READY_STATES). */
export const READY_STATES: ReadonlySet<TaskState> = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);
