import type { ChildProcess } from 'node:child_process';

/** A process a test started and that has not exited yet. */
export interface LiveProcess {
  child: ChildProcess;
  /** In a process group of its own, which is killed whole. */
  detached: boolean;
  command: string;
}

const KEY = '__brainLiveProcesses';
const KILL_WAIT_MS = 5_000;

/**
 * The processes a test file has running, kept on the file's global: the test environment reads
 * it when the file ends (see test/setup/test-environment.ts).
 */
export function liveProcesses(global: object = globalThis): Set<LiveProcess> {
  const holder = global as { [KEY]?: Set<LiveProcess> };
  return (holder[KEY] ??= new Set());
}

/**
 * SIGKILLs whatever a failed test left running (with its group when it has one), so that it
 * neither loads the machine nor serves queues during the next test files; answers what it killed.
 */
export async function killLiveProcesses(global: object): Promise<string[]> {
  const left = [...liveProcesses(global)].filter(
    ({ child }) => child.exitCode === null && child.signalCode === null,
  );
  await Promise.all(
    left.map(async ({ child, detached }) => {
      let timer: NodeJS.Timeout | undefined;
      const gone = new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        timer = setTimeout(resolve, KILL_WAIT_MS);
      });
      try {
        process.kill(detached ? -child.pid! : child.pid!, 'SIGKILL');
      } catch {
        // Gone in the meantime.
      }
      await gone;
      clearTimeout(timer);
    }),
  );
  liveProcesses(global).clear();
  return left.map((p) => `${p.command} (pid ${p.child.pid})`);
}
