import { SoftTimeLimitExceeded, TimeLimitExceeded } from '../errors/task-errors';
import type { TaskStop } from './task-stop';

export interface Limits {
  softTimeLimit?: number;
  timeLimit?: number;
}

/** The task's AbortSignal, made when the handler first asks for it. */
export type SignalSource = () => AbortSignal;

/**
 * Runs `work` under Celery's time limits, in this event loop. The soft limit aborts the task's
 * signal with SoftTimeLimitExceeded, which the task may catch to clean up. Past the hard limit, or
 * when `stop` fires (revoke with terminate), the run is abandoned at once and rejected with the
 * reason: an inline task cannot be killed, only left behind (a pool child is killed instead).
 */
export async function runWithLimits<T>(
  work: (signal: SignalSource) => Promise<T>,
  limits: Limits,
  stop: TaskStop,
): Promise<T> {
  if (!limits.softTimeLimit && !limits.timeLimit) return runUntilStopped(work, stop);
  const controller = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  let unlisten: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const halt = (reason: Error) => {
      controller.abort(reason);
      reject(reason);
    };
    if (stop.reason) halt(stop.reason);
    else unlisten = stop.onStop(halt);
    if (limits.timeLimit) {
      const hard = limits.timeLimit;
      timers.push(setTimeout(() => halt(new TimeLimitExceeded(hard)), hard * 1000));
    }
  });
  stopped.catch(() => undefined);
  if (limits.softTimeLimit) {
    const soft = limits.softTimeLimit;
    timers.push(setTimeout(() => controller.abort(new SoftTimeLimitExceeded(soft)), soft * 1000));
  }
  try {
    const running = work(() => controller.signal).catch((err: unknown) => {
      throw abortReason(err, controller.signal);
    });
    running.catch(() => undefined);
    return await Promise.race([running, stopped]);
  } finally {
    timers.forEach(clearTimeout);
    unlisten?.();
  }
}

/** Without limits the task's signal is `stop`'s own, made only if the handler asks for it. */
function runUntilStopped<T>(
  work: (signal: SignalSource) => Promise<T>,
  stop: TaskStop,
): Promise<T> {
  if (stop.reason) return Promise.reject(stop.reason);
  return new Promise<T>((resolve, reject) => {
    const unlisten = stop.onStop(reject);
    work(() => stop.signal).then(
      (value) => {
        unlisten();
        resolve(value);
      },
      (err: unknown) => {
        unlisten();
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/**
 * A task that lets its signal's abort end it (an AbortError from fetch, timers...) failed because
 * of why the signal aborted: report that (SoftTimeLimitExceeded, say), as Celery raises it.
 */
function abortReason(err: unknown, signal: AbortSignal): unknown {
  const aborted = err instanceof Error && err.name === 'AbortError';
  return aborted && signal.aborted && signal.reason instanceof Error ? signal.reason : err;
}
