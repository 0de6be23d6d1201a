import { RemoteError } from '../pool/serialize-error';
import type { TaskError } from '../results/task-record';
import { redactText } from './secret-policy';

/**
 * The record's view of anything thrown: class name, message, stack. Credentials in URLs the
 * message quotes are masked: records, logs and error callbacks all take it from here.
 */
export function toTaskError(err: unknown): TaskError {
  if (err instanceof Error) {
    // An error from a pool thread is rebuilt as a RemoteError: its type is the original class's.
    const className =
      err instanceof RemoteError ? (err.remote.chain[0] ?? 'Error') : err.constructor.name;
    const type = err.name && err.name !== 'Error' ? err.name : className || 'Error';
    return {
      type,
      message: redactText(err.message),
      traceback: err.stack ? redactText(err.stack) : null,
    };
  }
  return {
    type: 'Error',
    message: redactText(typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err))),
    traceback: null,
  };
}
