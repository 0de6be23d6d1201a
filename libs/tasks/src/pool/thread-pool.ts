import { Logger } from '@nestjs/common';
import { TimeLimitExceeded } from '../errors/task-errors';
import { TaskReleased } from '../errors/task-released.error';
import { TaskRevokedError } from '../errors/task-revoked.error';
import { WorkerLostError } from '../errors/worker-lost.error';
import type { TaskStop } from '../execution/task-stop';
import { type ChildHandle, startThread } from './child-handle';
import type { ExecutionPool } from './execution-pool';
import type { ChildMessage, PoolRequest } from './pool-protocol';
import { deserializeRetry, RemoteError } from './serialize-error';

export interface ThreadPoolOptions {
  size: number;
  /** The child's script: it calls runPoolChild(), which builds its Nest context. */
  entry: string;
  env?: NodeJS.ProcessEnv;
  /** Replace a child after this many tasks. */
  maxTasksPerChild?: number;
  /** Replace a child whose resident memory passes this, checked after each task. */
  maxMemoryPerChildMb?: number;
  /** How long a child may take to boot. */
  bootTimeoutMs?: number;
  /**
   * Runs a child holds at once, the running one included (Celery's prefetch multiplier): the next
   * task is already in the child when one ends. 1 turns prefetching off.
   */
  prefetch?: number;
  /**
   * A child whose task has run longer than this takes no more runs and gives back those it holds
   * (TaskReleased): prefetching never parks work behind a long task. Default 100 ms.
   */
  reserveTimeoutMs?: number;
}

interface Run {
  readonly id: number;
  readonly request: PoolRequest;
  readonly reservedAt: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  unlisten?: () => void;
  child?: Child;
  settled?: boolean;
  /** A cancel was sent to the child: what the run ends with if the child gives it back. */
  cancelling?: Error;
}

interface Child {
  readonly handle: ChildHandle;
  readonly pid: number;
  /** Runs sent, in order: the child runs them one at a time, so the first one is running. */
  runs: Run[];
  headSince: number;
  hardTimer?: NodeJS.Timeout;
  /** Runs assigned this turn, sent together at its end. */
  outbox: Run[];
  assigned: number;
  rss: number;
  booted: boolean;
  /** Killed, retiring or gone: never handed a run again. */
  leaving: boolean;
  shutdownSent: boolean;
}

const DEFAULT_RESERVE_TIMEOUT_MS = 100;

/** Whether taking a run back means killing it if it has started: terminate does, release not. */
function kills(why: Error): boolean {
  return (
    !(why instanceof TaskReleased) && !(why instanceof TaskRevokedError && why.reason === 'revoked')
  );
}

/**
 * The threads pool: tasks run in worker threads fed by the worker (prefork children fetch their
 * own, see PreforkSupervisor), one at a time each, every thread with its own Nest context built
 * once. Each child also holds the next few tasks (prefetch), so that no round trip separates two short tasks; those are
 * given back unstarted when the child is busy for long. The parent enforces hard time limits and
 * terminate by killing the child; a child that dies mid-task fails only that task
 * (WorkerLostError), and the tasks it held unstarted go to another child.
 */
export class ThreadPool implements ExecutionPool {
  readonly implementation = 'threads';
  private readonly logger = new Logger('Pool');
  private readonly children = new Set<Child>();
  /** Runs no child has room for yet, oldest first. */
  private backlog: Run[] = [];
  private readonly byTask = new Map<string, Run>();
  private readonly capacityListeners: Array<() => void> = [];
  private readonly prefetch: number;
  private readonly reserveTimeoutMs: number;
  private sweepTimer?: NodeJS.Timeout;
  private closing = false;
  private seq = 0;

  constructor(private readonly options: ThreadPoolOptions) {
    this.prefetch = Math.max(1, options.prefetch ?? 1);
    this.reserveTimeoutMs = options.reserveTimeoutMs ?? DEFAULT_RESERVE_TIMEOUT_MS;
  }

  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.options.size }, () => this.spawn()));
    if (this.prefetch > 1) {
      this.sweepTimer = setInterval(() => this.releaseStale(), this.reserveTimeoutMs / 2);
      this.sweepTimer.unref();
    }
  }

  processes(): number[] {
    return [...this.children].map((c) => c.pid);
  }

  capacity(): number {
    const now = Date.now();
    let free = 0;
    for (const c of this.children) {
      if (!c.booted || c.leaving) continue;
      if (c.runs.length === 0) free += this.prefetch;
      else if (now - c.headSince <= this.reserveTimeoutMs) free += this.prefetch - c.runs.length;
    }
    return Math.max(0, free - this.backlog.length);
  }

  onCapacity(listener: () => void): void {
    this.capacityListeners.push(listener);
  }

  isReserved(taskId: string): boolean {
    const run = this.byTask.get(taskId);
    return !!run && run.child?.runs[0] !== run;
  }

  run(request: PoolRequest, stop: TaskStop): Promise<unknown> {
    stop.throwIfStopped();
    return new Promise<unknown>((resolve, reject) => {
      const run: Run = {
        id: ++this.seq,
        request,
        reservedAt: Date.now(),
        resolve,
        reject,
      };
      run.unlisten = stop.onStop((reason) => this.terminate(run, reason));
      this.byTask.set(request.taskId, run);
      this.backlog.push(run);
      this.pump();
    });
  }

  /** Gives back every run not started yet: the worker is stopping and takes no more. */
  release(): void {
    const released = new TaskReleased();
    for (const run of this.backlog.splice(0)) this.settle(run, { error: released });
    for (const child of this.children) {
      for (const run of child.runs.slice(1)) this.cancel(run, released);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweepTimer);
    this.release();
    await Promise.all(
      [...this.children].map(
        (c) =>
          new Promise<void>((resolve) => {
            c.handle.onExit(() => resolve());
            this.shutdown(c);
          }),
      ),
    );
  }

  /** Hands waiting runs to the least busy children that can start them soon. */
  private pump(): void {
    while (this.backlog.length && !this.closing) {
      const child = this.pick();
      if (!child) return;
      this.assign(child, this.backlog.shift()!);
    }
  }

  private pick(): Child | undefined {
    const now = Date.now();
    let best: Child | undefined;
    for (const c of this.children) {
      if (!c.booted || c.leaving || c.runs.length >= this.prefetch) continue;
      if (c.runs.length > 0 && now - c.headSince > this.reserveTimeoutMs) continue;
      if (!best || c.runs.length < best.runs.length) best = c;
    }
    return best;
  }

  private assign(child: Child, run: Run): void {
    run.child = child;
    child.runs.push(run);
    child.assigned++;
    const max = this.options.maxTasksPerChild;
    if (max && child.assigned >= max) {
      // Given exactly its share: it leaves once it has run them.
      child.leaving = true;
      this.logger.log(`child ${child.pid} replaced after ${child.assigned} tasks`);
    }
    if (child.outbox.push(run) === 1) process.nextTick(() => this.flush(child));
    if (child.runs.length === 1) this.startHead(child);
  }

  private flush(child: Child): void {
    // Runs taken back meanwhile (killed child, terminate) are no longer this child's.
    const runs = child.outbox.filter((r) => r.child === child && !r.settled);
    child.outbox = [];
    if (!runs.length) return;
    try {
      child.handle.send({
        type: 'run',
        runs: runs.map((r) => ({ id: r.id, request: r.request })),
        measure: !!this.options.maxMemoryPerChildMb,
      });
    } catch {
      // The child is gone: its exit hands these runs on.
    }
  }

  /** The first run of a child is the one running: time it. */
  private startHead(child: Child): void {
    clearTimeout(child.hardTimer);
    child.headSince = Date.now();
    const head = child.runs[0];
    const seconds = head?.request.timeLimit;
    if (!head || !seconds) return;
    child.hardTimer = setTimeout(() => {
      if (child.runs[0] === head)
        this.kill(child, 'hard time limit', head, new TimeLimitExceeded(seconds));
    }, seconds * 1000);
  }

  private terminate(run: Run, reason: Error): void {
    const child = run.child;
    if (!child) {
      this.backlog = this.backlog.filter((r) => r !== run);
      this.settle(run, { error: reason });
    } else if (child.runs[0] === run) {
      if (kills(reason)) this.kill(child, 'terminated', run, reason);
    } else {
      this.cancel(run, reason);
    }
  }

  /** Asks the child to give back a run it has not started; its answer decides (onCancelled). */
  private cancel(run: Run, why: Error): void {
    const child = run.child;
    if (!child || run.cancelling) return;
    const unsent = child.outbox.indexOf(run);
    if (unsent >= 0) {
      child.outbox.splice(unsent, 1);
      return this.takeBack(child, run, why);
    }
    run.cancelling = why;
    try {
      child.handle.send({ type: 'cancel', id: run.id });
    } catch {
      // The child is gone: its exit hands this run on.
    }
  }

  /**
   * Gives back reserved runs held up by a long task (a head running past the reserve timeout),
   * and waiting runs no child can take: prefetching never parks work behind a long task.
   */
  private releaseStale(): void {
    const before = Date.now() - this.reserveTimeoutMs;
    const released = new TaskReleased();
    for (const child of this.children) {
      if (child.runs.length < 2 || child.headSince >= before) continue;
      for (const run of child.runs.slice(1)) this.cancel(run, released);
    }
    if (this.backlog.length && !this.pick()) {
      const stale = this.backlog.filter((r) => r.reservedAt < before);
      this.backlog = this.backlog.filter((r) => r.reservedAt >= before);
      for (const run of stale) this.settle(run, { error: released });
    }
  }

  /** Kills a child for one of its runs; the runs it held unstarted go to other children. */
  private kill(child: Child, why: string, run: Run, error: Error): void {
    this.logger.warn(`killing child ${child.pid}: ${why}`);
    child.leaving = true;
    child.handle.kill();
    const others = this.detach(child).filter((r) => r !== run);
    this.settle(run, { error });
    this.requeue(others);
  }

  /** Takes a child's runs off it (it is dying): they are no longer its business. */
  private detach(child: Child): Run[] {
    clearTimeout(child.hardTimer);
    const runs = child.runs;
    child.runs = [];
    for (const r of runs) r.child = undefined;
    return runs;
  }

  /** Unstarted runs of a lost child go first in line, unless they were being taken back anyway. */
  private requeue(runs: Run[]): void {
    const again = runs.filter((run) => {
      const end = run.cancelling ?? (this.closing ? new TaskReleased() : undefined);
      if (end) this.settle(run, { error: end });
      return !end;
    });
    this.backlog.unshift(...again);
    this.pump();
    this.notify();
  }

  private settle(run: Run, outcome: { value: unknown } | { error: Error }): void {
    if (run.settled) return;
    run.settled = true;
    if (this.byTask.get(run.request.taskId) === run) this.byTask.delete(run.request.taskId);
    run.unlisten?.();
    if ('error' in outcome) run.reject(outcome.error);
    else run.resolve(outcome.value);
  }

  private onAnswer(child: Child, id: number, outcome: { value: unknown } | { error: Error }): void {
    const at = child.runs.findIndex((r) => r.id === id);
    if (at < 0) return; // settled already (killed, terminated)
    const [run] = child.runs.splice(at, 1);
    run.child = undefined;
    this.settle(run, outcome);
    if (at === 0) {
      clearTimeout(child.hardTimer);
      if (child.runs.length) this.startHead(child);
    }
    const cap = this.options.maxMemoryPerChildMb;
    if (cap && !child.leaving && child.rss > cap * 1024 * 1024) {
      child.leaving = true;
      this.logger.log(
        `child ${child.pid} replaced after ${Math.round(child.rss / 1048576)} MB resident`,
      );
      this.requeueUnstarted(child);
    }
    if (child.leaving && child.runs.length === 0) this.shutdown(child);
    this.pump();
    this.notify();
  }

  /** A retiring child runs what it started; what it holds unstarted is taken back. */
  private requeueUnstarted(child: Child): void {
    for (const run of child.runs.slice(1)) this.cancel(run, new TaskReleased());
  }

  private onCancelled(child: Child, id: number, started: boolean): void {
    const at = child.runs.findIndex((r) => r.id === id);
    if (at < 0) return;
    const run = child.runs[at];
    const why = run.cancelling;
    run.cancelling = undefined;
    if (started) {
      // It started meanwhile: a release or a plain revoke lets it run (Celery); terminate kills.
      if (why && kills(why)) this.kill(child, 'terminated', run, why);
      return;
    }
    this.takeBack(child, run, why ?? new TaskReleased());
  }

  /** A run the child will not start: it ends with `why`. */
  private takeBack(child: Child, run: Run, why: Error): void {
    const at = child.runs.indexOf(run);
    child.runs.splice(at, 1);
    run.child = undefined;
    this.settle(run, { error: why });
    if (at === 0) this.startHead(child);
    if (child.leaving && child.runs.length === 0) this.shutdown(child);
    this.pump();
    this.notify();
  }

  private shutdown(child: Child): void {
    if (child.shutdownSent) return;
    child.shutdownSent = true;
    try {
      child.handle.send({ type: 'shutdown' });
    } catch {
      // Gone already.
    }
    setTimeout(() => child.handle.kill(), 5000).unref();
  }

  private notify(): void {
    for (const listener of this.capacityListeners) listener();
  }

  private spawn(): Promise<void> {
    const env = this.options.env ?? process.env;
    const handle = startThread(this.options.entry, env);
    const child: Child = {
      handle,
      pid: handle.id,
      runs: [],
      headSince: 0,
      outbox: [],
      assigned: 0,
      rss: 0,
      booted: false,
      leaving: false,
      shutdownSent: false,
    };
    this.children.add(child);
    const bootMs = this.options.bootTimeoutMs ?? 60_000;
    return new Promise<void>((resolve, reject) => {
      const bootTimer = setTimeout(() => {
        if (child.booted) return;
        reject(new Error(`pool child ${child.pid} did not start within ${bootMs} ms`));
        handle.kill();
      }, bootMs);
      handle.onMessage((message: ChildMessage) => {
        switch (message.type) {
          case 'ready':
            child.booted = true;
            clearTimeout(bootTimer);
            resolve();
            this.pump();
            this.notify();
            break;
          case 'boot-failed':
            clearTimeout(bootTimer);
            reject(new RemoteError(message.error));
            break;
          case 'done':
            child.rss = message.rss ?? 0;
            this.onAnswer(child, message.id, { value: message.value });
            break;
          case 'failed':
            child.rss = message.rss ?? 0;
            this.onAnswer(child, message.id, {
              error: message.retry
                ? deserializeRetry(message.retry)
                : new RemoteError(message.error),
            });
            break;
          case 'cancelled':
            this.onCancelled(child, message.id, message.started);
            break;
        }
      });
      handle.onExit((detail) => {
        clearTimeout(bootTimer);
        child.leaving = true;
        this.children.delete(child);
        const [head, ...unstarted] = this.detach(child);
        if (head) {
          this.settle(head, {
            error:
              head.cancelling && kills(head.cancelling)
                ? head.cancelling
                : new WorkerLostError(`child ${child.pid} exited (${detail})`),
          });
        }
        this.requeue(unstarted);
        if (!child.booted) {
          reject(new Error(`pool child ${child.pid} exited (${detail}) while starting`));
          return;
        }
        if (this.closing) return;
        // Keep the pool at its size; a child that cannot boot any more is retried, not spun.
        this.spawn().catch((err: Error) => {
          this.logger.error(`could not replace child ${child.pid}: ${err.message}`);
          setTimeout(() => void this.spawn().catch(() => undefined), 1000);
        });
      });
    });
  }
}
