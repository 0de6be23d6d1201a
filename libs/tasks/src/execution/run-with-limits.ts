import { SoftTimeLimitExceeded, TimeLimitExceeded } from '../errors/task-errors';

export interface Limits {
  softTimeLimit?: number;
  timeLimit?: number;
}

/**
 * Runs `work` under Celery's time limits, in this event loop. The soft limit aborts the task's
 * signal with SoftTimeLimitExceeded, which the task may catch to clean up. Past the hard limit, or
 * when `stop` aborts (revoke with terminate), the run is abandoned at once and rejected with the
 * reason: an inline task cannot be killed, only left behind (a pool child is killed instead).
 */
export async function runWithLimits<T>(
  work: (signal: AbortSignal) => Promise<T>,
  limits: Limits,
  stop: AbortSignal,
): Promise<T> {
  if (!limits.softTimeLimit && !limits.timeLimit) return runUntilStopped(work, stop);
  const controller = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  let onStop: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const halt = (reason: unknown) => {
      controller.abort(reason);
      reject(reason instanceof Error ? reason : new Error(String(reason)));
    };
    onStop = () => halt(stop.reason);
    if (limits.timeLimit) {
      const hard = limits.timeLimit;
      timers.push(setTimeout(() => halt(new TimeLimitExceeded(hard)), hard * 1000));
    }
  });
  stopped.catch(() => undefined);
  if (stop.aborted) onStop?.();
  else stop.addEventListener('abort', onStop!, { once: true });
  if (limits.softTimeLimit) {
    const soft = limits.softTimeLimit;
    timers.push(setTimeout(() => controller.abort(new SoftTimeLimitExceeded(soft)), soft * 1000));
  }
  try {
    const running = work(controller.signal).catch((err: unknown) => {
      throw abortReason(err, controller.signal);
    });
    running.catch(() => undefined);
    return await Promise.race([running, stopped]);
  } finally {
    timers.forEach(clearTimeout);
    stop.removeEventListener('abort', onStop!);
  }
}

/** Without limits the task's signal is `stop` itself: no controller or timer per task. */
function runUntilStopped<T>(
  work: (signal: AbortSignal) => Promise<T>,
  stop: AbortSignal,
): Promise<T> {
  if (stop.aborted) return Promise.reject(toError(stop.reason));
  return new Promise<T>((resolve, reject) => {
    const onStop = () => reject(toError(stop.reason));
    stop.addEventListener('abort', onStop, { once: true });
    work(stop).then(
      (value) => {
        stop.removeEventListener('abort', onStop);
        resolve(value);
      },
      (err: unknown) => {
        stop.removeEventListener('abort', onStop);
        reject(err instanceof Error ? err : toError(err));
      },
    );
  });
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

/**
 * A task that lets its signal's abort end it (an AbortError from fetch, timers...) failed because
 * of why the signal aborted: report that (SoftTimeLimitExceeded, say), as Celery raises it.
 */
function abortReason(err: unknown, signal: AbortSignal): unknown {
  const aborted = err instanceof Error && err.name === 'AbortError';
  return aborted && signal.aborted && signal.reason instanceof Error ? signal.reason : err;
}
