import { TaskReleased } from '../../errors/task-released.error';
import type { TaskStop } from '../../execution/task-stop';
import type { TaskRegistry } from '../../registry/task-registry';
import type { ExecutionPool } from '../../pool/execution-pool';
import type { PoolRequest } from '../../pool/pool-protocol';
import { runHandler } from '../../pool/run-handler';
import type { PreforkChannel } from './prefork-channel';

const MB = 1024 * 1024;
/** A run taking longer than this holds nothing in reserve behind it. */
const RESERVE_TIMEOUT_MS = 100;

interface Pending {
  readonly request: PoolRequest;
  readonly stop: TaskStop;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  unlisten?: () => void;
}

export interface SerialPoolOptions {
  maxTasksPerChild?: number;
  maxMemoryPerChildMb?: number;
  /** Told of each task as it starts, before its handler runs. */
  onStart?: (taskId: string) => void;
}

/**
 * A prefork child's pool: one task at a time, in the order taken, in the child's own event loop.
 * The tasks taken meanwhile (prefetch) wait here, so that the Redis round trip ending one task
 * overlaps the next; behind a task running past 100 ms they go back to their queue (TaskReleased),
 * as do all of them once the child has run its share (max tasks or memory). The hard time limit
 * is the supervisor's: a task blocking this event loop would block any timer here too.
 */
export class SerialPool implements ExecutionPool {
  readonly implementation = 'prefork';
  /** Why the child leaves after the task it runs, once it has run its share. */
  exhausted?: string;
  private started = 0;
  private readonly waiting: Pending[] = [];
  private running = false;
  private headSince = 0;
  private readonly listeners: Array<() => void> = [];
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly registry: TaskRegistry,
    private readonly channel: PreforkChannel,
    private readonly limits: SerialPoolOptions,
  ) {}

  async start(): Promise<void> {
    this.sweep = setInterval(() => {
      if (this.running && Date.now() - this.headSince > RESERVE_TIMEOUT_MS) this.release();
    }, RESERVE_TIMEOUT_MS / 2);
    this.sweep.unref();
  }

  run(request: PoolRequest, stop: TaskStop): Promise<unknown> {
    stop.throwIfStopped();
    return new Promise<unknown>((resolve, reject) => {
      const pending: Pending = { request, stop, resolve, reject };
      pending.unlisten = stop.onStop((reason) => this.drop(pending, reason));
      this.waiting.push(pending);
      this.pump();
    });
  }

  capacity(): number {
    if (this.exhausted) return 0;
    return this.running && Date.now() - this.headSince > RESERVE_TIMEOUT_MS ? 0 : Infinity;
  }

  onCapacity(listener: () => void): void {
    this.listeners.push(listener);
  }

  isReserved(taskId: string): boolean {
    return this.waiting.some((p) => p.request.taskId === taskId);
  }

  /** Gives back every task taken and not started. */
  release(): void {
    const released = new TaskReleased();
    for (const pending of this.waiting.splice(0)) {
      pending.unlisten?.();
      pending.reject(released);
    }
  }

  processes(): number[] {
    return [];
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    this.release();
  }

  /** A waiting task revoked: it never starts. */
  private drop(pending: Pending, reason: Error): void {
    const at = this.waiting.indexOf(pending);
    if (at < 0) return;
    this.waiting.splice(at, 1);
    pending.reject(reason);
  }

  private pump(): void {
    if (this.running) return;
    const next = this.waiting.shift();
    if (!next) return;
    next.unlisten?.();
    this.running = true;
    this.headSince = Date.now();
    void this.execute(next).finally(() => {
      this.running = false;
      if (this.exhausted) this.release();
      this.pump();
      for (const listener of this.listeners) listener();
    });
  }

  private async execute({ request, stop, resolve, reject }: Pending): Promise<void> {
    const max = this.limits.maxTasksPerChild;
    if (max && ++this.started >= max) this.exhausted ??= `after ${this.started} tasks`;
    const { taskId, queue, timeLimit } = request;
    this.limits.onStart?.(taskId);
    try {
      // Out before the task may block this event loop: the supervisor must be timing it.
      if (timeLimit) await this.channel.send({ type: 'timed', taskId, queue, timeLimit });
      resolve(await runHandler(this.registry, { ...request, timeLimit: undefined }, stop));
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    } finally {
      if (timeLimit) void this.channel.send({ type: 'untimed', taskId });
      const cap = this.limits.maxMemoryPerChildMb;
      if (cap && !this.exhausted) {
        const rss = process.memoryUsage.rss();
        if (rss > cap * MB) this.exhausted = `after ${Math.round(rss / MB)} MB resident`;
      }
    }
  }
}
