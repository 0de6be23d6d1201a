import { Logger } from '@nestjs/common';

const START_DEADLINE_MS = 15_000;

/**
 * Listens for SIGTERM/SIGINT from the moment it is created: a process creates it before it starts,
 * so that a signal arriving while it starts (or right after it said it is ready) stops it
 * gracefully once started, instead of the default instant death. Later signals are ignored: Ctrl-C
 * in a terminal signals the whole process group, and a supervisor such as `brain up` sends its own
 * SIGTERM right after, which must not cut the graceful stop short. SIGKILL still ends the process.
 */
export class StopSignals {
  private stopping = false;
  private isStarted = false;
  /** A start that hangs (Redis unreachable) after a signal must not keep the process for ever. */
  private startDeadline: NodeJS.Timeout | undefined;
  private readonly signalled: Promise<string>;

  constructor() {
    this.signalled = new Promise((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        if (this.stopping) {
          new Logger('Process').warn(`${signal} ignored: already stopping (SIGKILL forces it)`);
          return;
        }
        this.stopping = true;
        if (!this.isStarted) {
          this.startDeadline = setTimeout(() => {
            new Logger('Process').warn(
              `${signal} while starting, and not started within 15 s: leaving`,
            );
            process.exit(1);
          }, START_DEADLINE_MS);
          this.startDeadline.unref();
        }
        resolve(signal);
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });
  }

  /** Marks the start done: a signal that came during it now gets the graceful stop. */
  started(): void {
    this.isStarted = true;
    clearTimeout(this.startDeadline);
  }

  /** Resolves on the first signal, or when `other` resolves ('SIGUSR2'); answers which happened. */
  wait(other?: Promise<void>): Promise<string> {
    if (!other) return this.signalled;
    return Promise.race([
      this.signalled,
      other.then(() => {
        this.stopping = true;
        return 'SIGUSR2';
      }),
    ]);
  }
}
