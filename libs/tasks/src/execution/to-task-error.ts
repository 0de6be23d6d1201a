import type { TaskError } from '../results/task-record';

/** The record's view of anything thrown: class name, message, stack. */
export function toTaskError(err: unknown): TaskError {
  if (err instanceof Error) {
    const type = err.name && err.name !== 'Error' ? err.name : err.constructor.name || 'Error';
    return { type, message: err.message, traceback: err.stack ?? null };
  }
  return {
    type: 'Error',
    message: typeof err === 'string' ? err : JSON.stringify(err),
    traceback: null,
  };
}
