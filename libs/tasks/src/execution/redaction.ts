import type { TaskKwargs } from '../registry/task-definition';
import type { TaskOptions } from '../registry/task-options';
import { isSecretName, REDACTED, redactText } from './secret-policy';

function isSensitive(name: string, declared: readonly string[]): boolean {
  return declared.includes(name) || isSecretName(name);
}

/** Deeper than this, a value is shown as TOO_DEEP: senders cannot nest past MAX_ARGUMENT_DEPTH. */
const MAX_SHOWN_DEPTH = 64;
export const TOO_DEEP = '[nested too deep]';

/**
 * Copies a value with every sensitive-looking key masked, and the credentials of URLs in its
 * strings (see secret-policy), at any depth it shows; past
 * MAX_SHOWN_DEPTH (a record written around the API's checks), the rest is elided, so that reading
 * it cannot overflow the stack.
 */
export function redactValue(value: unknown, declared: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value && typeof value === 'object' && !(value instanceof Date) && depth >= MAX_SHOWN_DEPTH)
    return TOO_DEEP;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, declared, depth + 1));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        isSensitive(k, declared) ? REDACTED : redactValue(v, declared, depth + 1),
      ]),
    );
  }
  return value;
}

/**
 * Copies a value with the credentials of URLs in its strings masked, keys kept: for results,
 * whose field names (`api_keys: 3`, a count) are the task's own words, not secrets.
 */
export function redactStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value && typeof value === 'object' && !(value instanceof Date) && depth >= MAX_SHOWN_DEPTH)
    return TOO_DEEP;
  if (Array.isArray(value)) return value.map((v) => redactStrings(v, depth + 1));
  if (value && typeof value === 'object' && !(value instanceof Date))
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        redactStrings(v, depth + 1),
      ]),
    );
  return value;
}

/** Args and kwargs as records and logs may show them: sensitive params masked, positional ones too. */
export function redactArguments(
  task: Pick<TaskOptions, 'params' | 'sensitive'> | undefined,
  args: readonly unknown[],
  kwargs: TaskKwargs,
): { args: unknown[]; kwargs: TaskKwargs } {
  const declared = task?.sensitive ?? [];
  const params = task?.params ?? [];
  return {
    args: args.map((v, i) =>
      params[i] && isSensitive(params[i], declared) ? REDACTED : redactValue(v, declared),
    ),
    kwargs: redactValue(kwargs, declared) as TaskKwargs,
  };
}

/**
 * A whole queued message (BullMQ's job data) as a raw view may show it: its arguments as records
 * show them, and everything else (callbacks' arguments, the last error) by the same policy.
 */
export function redactMessage(
  task: Pick<TaskOptions, 'params' | 'sensitive'> | undefined,
  data: unknown,
): unknown {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return redactValue(data);
  const { args, kwargs } = data as { args?: unknown; kwargs?: unknown };
  const shown = redactArguments(
    task,
    Array.isArray(args) ? args : [],
    kwargs && typeof kwargs === 'object' ? (kwargs as TaskKwargs) : {},
  );
  return {
    ...(redactValue(data, task?.sensitive ?? []) as Record<string, unknown>),
    ...(args !== undefined && { args: shown.args }),
    ...(kwargs !== undefined && { kwargs: shown.kwargs }),
  };
}
