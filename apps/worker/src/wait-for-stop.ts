import { Logger } from '@nestjs/common';

/**
 * Resolves on the first SIGTERM/SIGINT, or when `other` resolves; answers which happened. Later
 * signals are ignored rather than left to their default (instant death): Ctrl-C in a terminal
 * signals the whole process group, and a supervisor such as `brain up` sends its own SIGTERM right
 * after, which must not cut the graceful stop short. SIGKILL still ends the process.
 */
export function waitForStop(other?: Promise<void>): Promise<string> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        new Logger('Process').warn(`${signal} ignored: already stopping (SIGKILL forces it)`);
        return;
      }
      stopping = true;
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    void other?.then(() => onSignal('SIGUSR2')).then(() => undefined);
  });
}

/** Whether `work` settled within `ms` (it goes on in the background otherwise). */
export async function withDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
