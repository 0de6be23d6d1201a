import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { sharedSqliteConfig } from './databases';
import { liveProcesses } from './live-processes';
import { testRedisUrl } from './redis';

const ROOT = join(__dirname, '..', '..');
export const BRAIN_BIN = join(ROOT, 'bin', 'brain.js');
export const FIXTURE_TASKS = join(ROOT, 'test', 'fixtures', 'fixture-tasks.js');
/** How long an exited process's output may take to drain from its pipes. */
const STREAMS_DRAIN_MS = 5_000;

/** A `brain` process (worker, beat...) of the built CLI, against the test Redis under a prefix. */
export class BrainProcess {
  readonly child: ChildProcess;
  private output = '';
  private stdoutOnly = '';
  private readonly exited: Promise<number | null>;

  constructor(
    args: string[],
    prefix: string,
    env: Record<string, string> = {},
    /** In a process group of its own, so that a test can kill the whole group as a crash would. */
    detached = false,
  ) {
    this.child = spawn(process.execPath, [BRAIN_BIN, ...args], {
      cwd: ROOT,
      detached,
      env: {
        ...process.env,
        REDIS_URL: testRedisUrl(),
        DATABASE_URL: `sqlite://${sharedSqliteConfig().path}`,
        BRAIN_PREFIX: prefix,
        NO_COLOR: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const live = { child: this.child, detached, command: `brain ${args.join(' ')}` };
    liveProcesses().add(live);
    this.child.on('exit', () => liveProcesses().delete(live));
    const collect = (chunk: Buffer) => (this.output += chunk.toString());
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.stdoutOnly += chunk.toString();
      collect(chunk);
    });
    this.child.stderr!.on('data', collect);
    const closed = new Promise<void>((resolve) => this.child.on('close', () => resolve()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        // What it wrote last may still be in the pipes at 'exit': wait until they are drained
        // ('close'), bounded, since a grandchild that shares them may outlive it.
        let grace: NodeJS.Timeout | undefined;
        const bounded = new Promise<void>((r) => (grace = setTimeout(r, STREAMS_DRAIN_MS)));
        void Promise.race([closed, bounded]).then(() => {
          clearTimeout(grace);
          resolve(code);
        });
      }),
    );
  }

  /** Starts a worker on the fixture tasks too, and waits until it is ready. */
  static async worker(
    prefix: string,
    args: string[] = [],
    detached = false,
    env: Record<string, string> = {},
  ): Promise<BrainProcess> {
    const p = new BrainProcess(
      ['worker', 'start', '--include', FIXTURE_TASKS, ...args],
      prefix,
      env,
      detached,
    );
    await p.ready(/ready: queues/);
    return p;
  }

  /** Waits for `pattern`; a process that did not get there is killed, not left running. */
  async ready(pattern: RegExp): Promise<void> {
    try {
      await this.waitForOutput(pattern);
    } catch (err) {
      await this.stop('SIGKILL').catch(() => undefined);
      throw err;
    }
  }

  /** Both streams, as a terminal shows them. */
  get log(): string {
    return this.output;
  }

  /** What a log shipper reading stdout gets. */
  get stdout(): string {
    return this.stdoutOnly;
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null)
        throw new Error(`process exited (${this.child.exitCode}):\n${this.output}`);
      if (Date.now() > deadline)
        throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM (or another signal), then the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 40_000): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exit(timeoutMs);
  }

  async exit(timeoutMs = 40_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`process did not exit:\n${this.output}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
