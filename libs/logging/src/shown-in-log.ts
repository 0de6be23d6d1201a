// The engine's secret policy, the one every output of the system applies.
import { redactText, redactValue } from '@brain/tasks';

/**
 * A log call's argument as it may be written: the engine's secret policy applied to texts
 * (credentials of URLs, bearer values) and to plain objects of fields (secret-named keys). The
 * last line of defence: callers should not log secrets in the first place. Errors and other
 * class instances pass as they are (their serializer reads message and stack).
 */
export function shownInLog(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  )
    return redactValue(value);
  return value;
}
