import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskMessage } from '../../client/apply-options';
import { TimeLimitExceeded } from '../../errors/task-errors';
import { TaskRevokedError } from '../../errors/task-revoked.error';
import { WorkerLostError } from '../../errors/worker-lost.error';
import type { HeldTask } from '../../inspect/worker-heartbeat';
import type { QueueName } from '../../queues/queue-names';
import type { QueueRegistry } from '../../queues/queue-registry';
import type { RedisConnection } from '../../redis/redis-connection.service';
import type { RevocationMessage } from '../../revocation/revocation.service';
import { type FetchingWorker, openQueueWorker } from '../../bullmq/fetching-worker';
import { releaseJob } from '../../bullmq/release-job';
import { taskLogFields } from '../task-log-fields';
import type { ExecutorDefaults, TaskExecutor } from '../task-executor';
import type { TaskConsumer, TaskConsumerSnapshot } from '../task-consumer';
import { type ChildHandle, forkProcess } from '../../pool/child-handle';
import { RemoteError } from '../../pool/serialize-error';
import { findHeldJobs, holderOf } from '../../bullmq/held-jobs';
import type { PartitionLayout } from '../../redis/partition-layout.service';
import { withDeadline } from '../with-deadline';
import { CHILD_STOP_MARGIN_MS } from './prefork-child';
import { Scoreboard } from './scoreboard';
import {
  PREFORK_CHILD_CONFIG_ENV,
  type PreforkChildConfig,
  type PreforkChildMessage,
  type SupervisorMessage,
} from './prefork-protocol';

export interface PreforkSupervisorDeps {
  redis: RedisConnection;
  executor: TaskExecutor;
  queues: QueueRegistry;
  partitions: PartitionLayout;
}

export interface PreforkOptions {
  size: number;
  /** The child's script: it calls runPoolChild(), which builds its Nest context. */
  entry: string;
  env?: NodeJS.ProcessEnv;
  /** Served queues, highest priority first. */
  queues: QueueName[];
  /** Served partitions by number; every registered one when absent. */
  partitions?: number[];
  hostname: string;
  lockTimeout: number;
  /** Tasks each child holds at once, the running one included (Celery's prefetch multiplier). */
  prefetch: number;
  defaults?: ExecutorDefaults;
  maxTasksPerChild?: number;
  maxMemoryPerChildMb?: number;
  bootTimeoutMs?: number;
}

/** How often new partitions are looked for (the stalled-job checks of theirs). */
const PARTITION_RECHECK_MS = 10_000;

/**
 * A scoreboard is written once per task: memory (tmpfs) makes that write cheapest. Each pool keeps
 * its scoreboards in a private folder of its own (0700, made by mkdtemp), so that another local
 * user can neither read them nor plant one in their place.
 */
const SCOREBOARD_BASE = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
/** After the grace period, how long a stopping child has to leave before it is killed. */
const CHILD_KILL_AFTER_MS = 3 * CHILD_STOP_MARGIN_MS;
/** The bound on each step of the supervisor's own cleanup after its children are gone. */
const STOP_CLEANUP_MS = 1000;

interface Child {
  readonly handle: ChildHandle<SupervisorMessage, PreforkChildMessage>;
  readonly pid: number;
  readonly tag: string;
  readonly scoreboard: string;
  readonly exited: Promise<string>;
  booted: boolean;
  /** Leaving after its share of tasks or memory; already replaced. */
  retiring: boolean;
  active: HeldTask[];
  reserved: HeldTask[];
  rss: number;
  cpuSeconds: number;
  /** Hard time limits of the tasks it runs now. */
  readonly timers: Map<string, NodeJS.Timeout>;
  /** Killed by us, for this task, with this outcome. */
  killing?: { taskId: string; error: Error };
}

/**
 * Celery's prefork pool, with the parent out of the tasks' way: each child consumes from Redis
 * itself, one task at a time, while this supervisor keeps the pool at its size and does what a
 * child cannot do for itself. It times tasks with a hard limit and kills the child past it; it
 * kills the child running a task revoked with terminate; it ends the job a dead child held (found
 * by the child's tag in the job's lock token) as WorkerLostError, or with the reason it was
 * killed; it runs the stalled-job checks once for the worker; it adds up the children's counts.
 */
export class PreforkSupervisor implements TaskConsumer {
  private readonly logger = new Logger('Pool');
  private readonly children = new Set<Child>();
  private readonly totals: Record<string, number> = {};
  private processed = 0;
  /** CPU seconds of children gone, so the worker's total does not drop when one is replaced. */
  private departedCpu = 0;
  /** The stalled-job checks of each partition served, once for the worker. */
  private readonly stalledChecks = new Map<string, FetchingWorker[]>();
  private stalledTimer?: NodeJS.Timeout;
  private closing = false;
  private seq = 0;
  private readonly settling = new Set<Promise<void>>();
  private scoreboards = '';

  constructor(
    private readonly deps: PreforkSupervisorDeps,
    private readonly options: PreforkOptions,
  ) {}

  async start(): Promise<void> {
    this.scoreboards = mkdtempSync(join(SCOREBOARD_BASE, 'brain-prefork-'));
    await this.checkStalled();
    // Partitions registered later are served by the children: check theirs too.
    this.stalledTimer = setInterval(() => {
      this.checkStalled().catch((err: Error) =>
        this.logger.warn(`stalled-job checks: ${err.message}`),
      );
    }, PARTITION_RECHECK_MS);
    await Promise.all(Array.from({ length: this.options.size }, () => this.spawn()));
  }

  private served(): Promise<string[]> {
    return this.deps.partitions.served(this.options.partitions);
  }

  /** Starts the stalled-job checks of each served partition that has none yet. */
  private async checkStalled(): Promise<void> {
    const lockMs = this.options.lockTimeout * 1000;
    for (const prefix of await this.served()) {
      if (this.stalledChecks.has(prefix) || this.closing) continue;
      const workers: FetchingWorker[] = [];
      this.stalledChecks.set(prefix, workers);
      for (const queue of this.options.queues) {
        workers.push(
          await openQueueWorker(queue, {
            connection: this.deps.redis.bullFetchConnection(),
            prefix,
            hostname: this.options.hostname,
            lockDurationMs: lockMs,
            stalledIntervalMs: lockMs / 2,
            stalledChecks: true,
          }),
        );
      }
    }
  }

  async stop(graceMs: number): Promise<boolean> {
    this.closing = true;
    const children = [...this.children];
    for (const child of children) this.send(child, { type: 'shutdown', graceMs });
    // A child leaves by itself within its grace and margin (see servePreforkChild); one that does
    // not (stuck booting, or frozen) is killed just after: its task keeps its lock, and
    // stalled-job recovery redelivers it.
    const exits = await Promise.all(
      children.map((child) => {
        const deadline = setTimeout(() => {
          this.logger.warn(`child ${child.pid} still there after the grace period: killing it`);
          child.handle.kill();
        }, graceMs + CHILD_KILL_AFTER_MS);
        return child.exited.finally(() => clearTimeout(deadline));
      }),
    );
    // What remains talks to Redis: bounded, so that the worker leaves within its grace and margin.
    await withDeadline(Promise.all(this.settling), STOP_CLEANUP_MS);
    clearInterval(this.stalledTimer);
    const checks = [...this.stalledChecks.values()].flat();
    const closed = Promise.all(checks.map((w) => w.close(true).catch(() => undefined)));
    await withDeadline(closed, STOP_CLEANUP_MS);
    rmSync(this.scoreboards, { recursive: true, force: true });
    return exits.every((detail) => detail === 'code 0');
  }

  onRevoke(message: RevocationMessage): void {
    for (const child of this.children) this.send(child, { type: 'revoke', taskId: message.taskId });
    if (message.terminate) void this.terminate(message.taskId);
  }

  snapshot(): TaskConsumerSnapshot {
    const children = [...this.children];
    return {
      total: { ...this.totals },
      processed: this.processed,
      active: children.flatMap((c) => c.active.map((t) => ({ ...t, pid: c.pid }))),
      reserved: children.flatMap((c) => c.reserved),
      processes: children.map((c) => c.pid),
      children: {
        cpuSeconds: this.departedCpu + children.reduce((sum, c) => sum + c.cpuSeconds, 0),
        rssBytes: children.reduce((sum, c) => sum + c.rss, 0),
      },
    };
  }

  private async terminate(taskId: string): Promise<void> {
    const holder = await this.holder(taskId);
    if (holder) this.kill(holder, taskId, new TaskRevokedError('terminated'), 'terminated');
  }

  /** Which of our children holds this task now, by its lock token. */
  private async holder(taskId: string): Promise<Child | undefined> {
    try {
      const prefix = await this.deps.partitions.prefixOfTask(taskId);
      if (prefix === undefined) return undefined;
      const token = await holderOf(this.deps.redis.client, prefix, this.options.queues, taskId);
      return [...this.children].find((c) => token?.startsWith(`${c.tag}:`));
    } catch (err) {
      this.logger.warn(`could not look up who runs ${taskId}: ${(err as Error).message}`);
      return undefined;
    }
  }

  private kill(child: Child, taskId: string, error: Error, why: string): void {
    if (child.killing) return;
    child.killing = { taskId, error };
    this.logger.warn(`killing child ${child.pid}: ${why} (${taskId})`);
    child.handle.kill();
  }

  private async hardLimit(child: Child, taskId: string, seconds: number): Promise<void> {
    if (!child.timers.delete(taskId)) return;
    // It may have ended meanwhile (its `untimed` on the way): the lock says whether it still runs.
    if ((await this.holder(taskId)) === child) {
      this.kill(child, taskId, new TimeLimitExceeded(seconds), 'hard time limit');
    }
  }

  private send(child: Child, message: SupervisorMessage): void {
    if (!child.booted) return;
    try {
      child.handle.send(message);
    } catch {
      // Gone: its exit is handled there.
    }
  }

  private onMessage(child: Child, message: PreforkChildMessage): void {
    switch (message.type) {
      case 'timed': {
        const { taskId, timeLimit } = message;
        const timer = setTimeout(
          () => void this.hardLimit(child, taskId, timeLimit),
          timeLimit * 1000,
        );
        child.timers.set(taskId, timer);
        return;
      }
      case 'untimed':
        clearTimeout(child.timers.get(message.taskId));
        child.timers.delete(message.taskId);
        return;
      case 'stats':
        for (const [name, n] of Object.entries(message.total)) {
          this.totals[name] = (this.totals[name] ?? 0) + n;
        }
        this.processed += message.processed;
        child.active = message.active;
        child.reserved = message.reserved;
        child.rss = message.rss;
        child.cpuSeconds = message.cpuSeconds;
        return;
      case 'retiring':
        child.retiring = true;
        this.logger.log(`child ${child.pid} replaced ${message.reason}`);
        if (!this.closing) this.respawn(child);
        return;
    }
  }

  /**
   * Ends the jobs a dead child still held. Killed by us: the task it was killed for ends with that
   * reason. Crashed: the task it was running (its scoreboard says which) fails with
   * WorkerLostError, or retries if its policy says so. Any other job it held had not started: it
   * goes back to its queue. A child left running past the grace period of a stop leaves its task
   * to stalled-job recovery.
   */
  private async settleHeld(child: Child, detail: string): Promise<void> {
    const running = child.killing?.taskId ?? Scoreboard.readAndRemove(child.scoreboard);
    if (this.closing && !child.killing) return;
    for (const prefix of await this.served())
      for (const queue of this.options.queues)
        await this.settleHeldIn(child, prefix, queue, running, detail);
  }

  private async settleHeldIn(
    child: Child,
    prefix: string,
    queue: QueueName,
    running: string | undefined,
    detail: string,
  ): Promise<void> {
    const client = this.deps.redis.client;
    const held = await findHeldJobs(client, prefix, queue, child.tag);
    for (const { jobId, token } of held) {
      const job = await Job.fromId<TaskMessage>(this.deps.queues.in(prefix).get(queue), jobId);
      if (!job) continue;
      const taskId = job.data?.taskId ?? jobId;
      try {
        if (taskId !== running) {
          await releaseJob(job, token, client);
          this.logger.log(
            `${job.name}[${taskId}] given back unstarted by child ${child.pid}`,
            taskLogFields(job, taskId, this.options.hostname),
          );
        } else {
          const error =
            child.killing?.error ?? new WorkerLostError(`child ${child.pid} exited (${detail})`);
          await this.deps.executor.endLost(job, token, error, this.options.hostname);
        }
      } catch (err) {
        // Its lock lapsed meanwhile: stalled-job recovery has it.
        this.logger.warn(
          `could not end ${taskId} of child ${child.pid}: ${(err as Error).message}`,
        );
      }
    }
  }

  private respawn(child: Child): void {
    this.spawn().catch((err: Error) => {
      this.logger.error(`could not replace child ${child.pid}: ${err.message}`);
      // A child that cannot boot any more is retried, not spun.
      setTimeout(() => !this.closing && this.respawn(child), 1000);
    });
  }

  private spawn(): Promise<void> {
    const tag = `${this.options.hostname}/${process.pid}.${++this.seq}.${randomBytes(3).toString('hex')}`;
    const scoreboard = join(this.scoreboards, `${this.seq}.scoreboard`);
    const config: PreforkChildConfig = {
      queues: this.options.queues,
      partitions: this.options.partitions,
      hostname: this.options.hostname,
      tag,
      scoreboard,
      lockTimeout: this.options.lockTimeout,
      prefetch: this.options.prefetch,
      defaults: this.options.defaults,
      maxTasksPerChild: this.options.maxTasksPerChild,
      maxMemoryPerChildMb: this.options.maxMemoryPerChildMb,
      rateShare: 1 / this.options.size,
    };
    const handle = forkProcess<SupervisorMessage, PreforkChildMessage>(this.options.entry, {
      ...(this.options.env ?? process.env),
      [PREFORK_CHILD_CONFIG_ENV]: JSON.stringify(config),
    });
    let exit!: (detail: string) => void;
    const child: Child = {
      handle,
      pid: handle.id,
      tag,
      scoreboard,
      exited: new Promise<string>((resolve) => (exit = resolve)),
      booted: false,
      retiring: false,
      active: [],
      reserved: [],
      rss: 0,
      cpuSeconds: 0,
      timers: new Map(),
    };
    this.children.add(child);
    const bootMs = this.options.bootTimeoutMs ?? 60_000;
    return new Promise<void>((resolve, reject) => {
      const bootTimer = setTimeout(() => {
        reject(new Error(`pool child ${child.pid} did not start within ${bootMs} ms`));
        handle.kill();
      }, bootMs);
      handle.onMessage((message) => {
        if (message.type === 'ready') {
          child.booted = true;
          clearTimeout(bootTimer);
          // A replacement that booted while the worker was stopping leaves at once.
          if (this.closing) this.send(child, { type: 'shutdown', graceMs: 0 });
          resolve();
        } else if (message.type === 'boot-failed') {
          clearTimeout(bootTimer);
          reject(new RemoteError(message.error));
        } else this.onMessage(child, message);
      });
      handle.onExit((detail) => {
        clearTimeout(bootTimer);
        this.children.delete(child);
        for (const timer of child.timers.values()) clearTimeout(timer);
        this.departedCpu += child.cpuSeconds;
        const settled = this.settleHeld(child, detail)
          .catch((err: Error) =>
            this.logger.error(
              `jobs of child ${child.pid} left to stalled-job recovery: ${err.message}`,
            ),
          )
          .finally(() => this.settling.delete(settled));
        this.settling.add(settled);
        exit(detail);
        if (!child.booted) {
          reject(new Error(`pool child ${child.pid} exited (${detail}) while starting`));
          return;
        }
        if (!child.killing && !child.retiring && !this.closing) {
          this.logger.error(`child ${child.pid} exited (${detail})`);
        }
        if (!this.closing && !child.retiring) this.respawn(child);
      });
    });
  }
}
