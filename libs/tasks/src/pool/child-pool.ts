import { Logger } from '@nestjs/common';
import { fork } from 'node:child_process';
import { Worker as Thread } from 'node:worker_threads';
import { TimeLimitExceeded } from '../errors/task-errors';
import { WorkerLostError } from '../errors/worker-lost.error';
import type { ExecutionPool } from './execution-pool';
import type { ChildMessage, ParentMessage, PoolRequest } from './pool-protocol';
import { deserializeRetry, RemoteError } from './serialize-error';

/** One child, process or thread, as the pool drives it. */
interface ChildHandle {
  readonly id: number;
  send(message: ParentMessage): void;
  kill(): void;
  onMessage(listener: (message: ChildMessage) => void): void;
  onExit(listener: (detail: string) => void): void;
}

function forkProcess(entry: string, env: NodeJS.ProcessEnv): ChildHandle {
  const proc = fork(entry, [], {
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  // A send to a child that just died fails asynchronously: its exit handler settles what it ran.
  proc.on('error', () => undefined);
  return {
    id: proc.pid ?? -1,
    send: (m) => proc.send(m, (err) => void err),
    kill: () => proc.kill('SIGKILL'),
    onMessage: (l) => proc.on('message', l),
    onExit: (l) => proc.on('exit', (code, signal) => l(signal ?? `code ${code}`)),
  };
}

function startThread(entry: string, env: NodeJS.ProcessEnv): ChildHandle {
  const thread = new Thread(entry, { env, stdout: false, stderr: false });
  return {
    id: thread.threadId,
    send: (m) => thread.postMessage(m),
    kill: () => void thread.terminate(),
    onMessage: (l) => thread.on('message', l),
    onExit: (l) => thread.on('exit', (code) => l(`code ${code}`)),
  };
}

export interface ChildPoolOptions {
  /** prefork: child processes; threads: worker threads. */
  kind: 'prefork' | 'threads';
  size: number;
  /** The child's script: it builds its Nest context and calls serveChild(). */
  entry: string;
  env?: NodeJS.ProcessEnv;
  /** Replace a child after this many tasks. */
  maxTasksPerChild?: number;
  /** Replace a child whose resident memory passes this, checked after each task. */
  maxMemoryPerChildMb?: number;
  /** How long a child may take to boot. */
  bootTimeoutMs?: number;
}

interface Running {
  id: number;
  settle: (outcome: { value: unknown } | { error: Error }) => void;
}

interface Child {
  handle: ChildHandle;
  /** A pid for prefork, a thread id for threads. */
  pid: number;
  tasks: number;
  rss: number;
  running?: Running;
  /** Killed or retiring: never handed a task again. */
  leaving: boolean;
}

/**
 * Celery's prefork pool (and its threads variant): tasks run in child processes or worker
 * threads, one at a time each, every child with its own Nest context built once. The parent
 * enforces hard time limits and terminate by killing the child; a child that dies mid-task fails
 * only that task (WorkerLostError); a dead, retired or recycled child is replaced, and work waits
 * for the replacement only.
 */
export class ChildPool implements ExecutionPool {
  readonly implementation: 'prefork' | 'threads';
  private readonly logger = new Logger('Pool');
  private readonly children = new Set<Child>();
  private readonly idle: Child[] = [];
  private readonly waiters: Array<(child: Child) => void> = [];
  private closing = false;
  private seq = 0;

  private readonly exited = new WeakSet<Child>();

  constructor(private readonly options: ChildPoolOptions) {
    this.implementation = options.kind;
  }

  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.options.size }, () => this.spawn()));
  }

  processes(): number[] {
    return [...this.children].map((c) => c.pid);
  }

  async run(request: PoolRequest, stop: AbortSignal): Promise<unknown> {
    stop.throwIfAborted();
    const child = await this.acquire();
    return new Promise<unknown>((resolve, reject) => {
      const id = ++this.seq;
      let hard: NodeJS.Timeout | undefined;
      const onStop = () => {
        this.kill(child, 'terminated');
        settle({
          error: stop.reason instanceof Error ? stop.reason : new Error(String(stop.reason)),
        });
      };
      const settle = (outcome: { value: unknown } | { error: Error }) => {
        if (child.running?.id !== id) return;
        child.running = undefined;
        clearTimeout(hard);
        stop.removeEventListener('abort', onStop);
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.value);
        this.afterTask(child);
      };
      child.running = { id, settle };
      if (request.timeLimit) {
        const seconds = request.timeLimit;
        hard = setTimeout(() => {
          // Killed first, so that settling never hands the dying child another task.
          this.kill(child, 'hard time limit');
          settle({ error: new TimeLimitExceeded(seconds) });
        }, seconds * 1000);
      }
      stop.addEventListener('abort', onStop, { once: true });
      this.send(child, { type: 'run', id, request });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const exits = [...this.children].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (this.exited.has(c)) return resolve();
          c.handle.onExit(() => resolve());
          this.send(c, { type: 'shutdown' });
          setTimeout(() => c.handle.kill(), 5000).unref();
        }),
    );
    await Promise.all(exits);
  }

  /** An answer belongs to the run the child has now, or to none (a run already settled). */
  private isCurrent(child: Child, id: number): boolean {
    if (child.running?.id === id) return true;
    this.logger.warn(
      `child ${child.pid}: ignoring an answer to run ${id} (now ${child.running?.id ?? 'idle'})`,
    );
    return false;
  }

  private acquire(): Promise<Child> {
    const child = this.idle.pop();
    if (child) return Promise.resolve(child);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(child: Child): void {
    if (child.leaving || this.closing) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter(child);
    else this.idle.push(child);
  }

  private afterTask(child: Child): void {
    if (child.leaving) return;
    child.tasks++;
    const { maxTasksPerChild, maxMemoryPerChildMb } = this.options;
    if (maxTasksPerChild && child.tasks >= maxTasksPerChild)
      return this.retire(child, `${child.tasks} tasks`);
    if (maxMemoryPerChildMb && child.rss > maxMemoryPerChildMb * 1024 * 1024) {
      return this.retire(child, `${Math.round(child.rss / 1048576)} MB resident`);
    }
    this.release(child);
  }

  /** Replaces a child between tasks: the replacement starts booting at once. */
  private retire(child: Child, why: string): void {
    child.leaving = true;
    this.logger.log(`child ${child.pid} replaced after ${why}`);
    this.send(child, { type: 'shutdown' });
    setTimeout(() => child.handle.kill(), 5000).unref();
  }

  private kill(child: Child, why: string): void {
    if (child.leaving) return;
    child.leaving = true;
    this.logger.warn(`killing child ${child.pid}: ${why}`);
    child.handle.kill();
  }

  private send(child: Child, message: ParentMessage): void {
    try {
      child.handle.send(message);
    } catch {
      // The child is gone: its exit handler settles what it was running.
    }
  }

  private spawn(): Promise<void> {
    const env = this.options.env ?? process.env;
    const handle =
      this.options.kind === 'threads'
        ? startThread(this.options.entry, env)
        : forkProcess(this.options.entry, env);
    const child: Child = { handle, pid: handle.id, tasks: 0, rss: 0, leaving: false };
    this.children.add(child);
    return new Promise<void>((resolve, reject) => {
      let booted = false;
      const bootTimer = setTimeout(() => {
        if (!booted) {
          reject(
            new Error(
              `pool child ${child.pid} did not start within ${this.options.bootTimeoutMs ?? 60_000} ms`,
            ),
          );
          handle.kill();
        }
      }, this.options.bootTimeoutMs ?? 60_000);
      handle.onMessage((message: ChildMessage) => {
        switch (message.type) {
          case 'ready':
            booted = true;
            clearTimeout(bootTimer);
            resolve();
            this.release(child);
            break;
          case 'boot-failed':
            clearTimeout(bootTimer);
            reject(new RemoteError(message.error));
            break;
          case 'done':
            child.rss = message.rss;
            if (this.isCurrent(child, message.id)) child.running?.settle({ value: message.value });
            break;
          case 'failed':
            child.rss = message.rss;
            if (this.isCurrent(child, message.id))
              child.running?.settle({
                error: message.retry
                  ? deserializeRetry(message.retry)
                  : new RemoteError(message.error),
              });
            break;
        }
      });
      handle.onExit((detail) => {
        this.exited.add(child);
        child.leaving = true;
        clearTimeout(bootTimer);
        this.children.delete(child);
        const at = this.idle.indexOf(child);
        if (at >= 0) this.idle.splice(at, 1);
        child.running?.settle({
          error: new WorkerLostError(`child ${child.pid} exited (${detail})`),
        });
        if (!booted) {
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
