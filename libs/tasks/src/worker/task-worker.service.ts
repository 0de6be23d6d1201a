import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { engineKeys } from '../redis/engine-keys';
import { loadavg } from 'node:os';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { HEARTBEAT_INTERVAL_S, WorkerDirectory } from '../inspect/worker-directory.service';
import type { WorkerHeartbeat } from '../inspect/worker-heartbeat';
import { byPriority, type QueueName } from '../queues/queue-names';
import { PartitionLayout } from '../redis/partition-layout.service';
import { RedisConnection } from '../redis/redis-connection.service';
import { RevocationService, type RevocationMessage } from '../revocation/revocation.service';
import { QueueRegistry } from '../queues/queue-registry';
import { ResultStore } from '../results/result-store.service';
import { ThreadPool } from '../pool/thread-pool';
import type { ExecutionPool, PoolImplementation } from '../pool/execution-pool';
import { InlinePool } from '../pool/inline-pool';
import { PreforkSupervisor } from './prefork/prefork-supervisor';
import { TaskMetricsRecorder } from '../metrics/task-metrics.recorder';
import { TaskRegistry } from '../registry/task-registry';
import { Consumer } from './consumer';
import { withDeadline } from './with-deadline';
import { type ExecutorDefaults, TaskExecutor } from './task-executor';
import type { TaskConsumer } from './task-consumer';
import {
  type PingReply,
  WORKER_CONTROL_CHANNEL,
  type WorkerControlMessage,
} from './worker-control';

const HOUSEKEEPING_INTERVAL_MS = 60_000;
/** Celery's default: enough to keep a child busy with short tasks. */
const DEFAULT_PREFETCH_MULTIPLIER = 4;

export interface WorkerPoolOptions {
  implementation: PoolImplementation;
  /** The pool child's script, for prefork and threads. */
  childEntry?: string;
  /** The children's environment (the worker's by default). */
  childEnv?: NodeJS.ProcessEnv;
  maxTasksPerChild?: number;
  maxMemoryPerChildMb?: number;
  /**
   * Tasks each child holds at once, the running one included (Celery's prefetch multiplier): the
   * worker reserves up to concurrency x this many jobs. Reserved tasks a long task holds up go
   * back to their queue. Default 4; 1 reserves nothing.
   */
  prefetchMultiplier?: number;
}
export interface WorkerStartOptions extends ExecutorDefaults {
  queues: readonly QueueName[];
  /** Partitions served, by number (`--partitions`); every registered one when absent. */
  partitions?: readonly number[];
  concurrency: number;
  hostname: string;
  /** Inline when absent. */
  pool?: WorkerPoolOptions;
  /**
   * Seconds a task's lock lasts without renewal (renewed every third of it while it runs). After a
   * worker dies, its tasks go back to the queue once their lock lapses and a stalled check runs
   * (every half of this): recovery takes one to two of these. Default 30.
   */
  lockTimeout?: number;
  /** How long SIGTERM waits for running tasks before leaving them to stalled-job recovery. */
  gracePeriodMs?: number;
}

/**
 * A worker process: its task consumer (a consumer, or a prefork supervisor), the revocation and control
 * listeners, heartbeat and housekeeping. Only the worker app imports it, so API and CLI processes
 * never consume tasks.
 */
@Injectable()
export class TaskWorker implements OnApplicationShutdown {
  private readonly logger = new Logger(TaskWorker.name);
  private consumer?: TaskConsumer;
  private options?: WorkerStartOptions;
  private implementation: PoolImplementation = 'inline';
  private startedAt = new Date();
  private heartbeatTimer?: NodeJS.Timeout;
  private housekeepingTimer?: NodeJS.Timeout;
  private stopping?: Promise<boolean>;
  private shutdownRequested?: () => void;
  /** Resolves when a remote `worker stop` asks this worker to shut down. */
  readonly shutdownRequest = new Promise<void>((resolve) => (this.shutdownRequested = resolve));

  constructor(
    private readonly redis: RedisConnection,
    private readonly executor: TaskExecutor,
    private readonly revocations: RevocationService,
    private readonly directory: WorkerDirectory,
    private readonly queues: QueueRegistry,
    private readonly results: ResultStore,
    private readonly registry: TaskRegistry,
    private readonly metrics: TaskMetricsRecorder,
    private readonly partitions: PartitionLayout,
    @Inject(TASKS_OPTIONS) private readonly tasksOptions: ResolvedTasksOptions,
  ) {}

  get hostname(): string | undefined {
    return this.options?.hostname;
  }

  async start(options: WorkerStartOptions): Promise<void> {
    const queues = byPriority(options.queues);
    this.options = { ...options, queues };
    this.startedAt = new Date();
    this.implementation = options.pool?.implementation ?? 'inline';
    const consumer = (this.consumer = this.createConsumer(queues, options));
    await this.listen();
    await consumer.start();
    await this.heartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), HEARTBEAT_INTERVAL_S * 1000);
    this.housekeepingTimer = setInterval(() => void this.housekeeping(), HOUSEKEEPING_INTERVAL_MS);
    this.logger.log(
      `worker ${options.hostname} ready: queues ${queues.join(', ')}${options.partitions ? `, partitions ${options.partitions.join(',')}` : ''}, concurrency ${options.concurrency}, pool ${this.implementation}`,
    );
    void this.warnOfMissingPartitions(options.partitions);
  }

  /** --partitions naming one not registered (yet): served once it exists, said now. */
  private async warnOfMissingPartitions(subset?: readonly number[]): Promise<void> {
    if (!subset) return;
    const registered = (await this.partitions.all().catch(() => undefined))?.length;
    const missing = subset.filter((p) => registered !== undefined && p >= registered);
    if (missing.length)
      this.logger.warn(
        `partition(s) ${missing.join(',')} do not exist (${registered} registered): served once created`,
      );
  }

  private createConsumer(queues: QueueName[], options: WorkerStartOptions): TaskConsumer {
    const pool = options.pool ?? { implementation: 'inline' };
    const lockTimeout = options.lockTimeout ?? 30;
    const defaults = { timeLimit: options.timeLimit, softTimeLimit: options.softTimeLimit };
    if (pool.implementation !== 'inline' && !pool.childEntry)
      throw new Error(`the ${pool.implementation} pool needs a child entry script`);
    const prefetch =
      pool.implementation === 'inline'
        ? 1
        : (pool.prefetchMultiplier ?? DEFAULT_PREFETCH_MULTIPLIER);
    if (pool.implementation === 'prefork') {
      return new PreforkSupervisor(
        {
          redis: this.redis,
          executor: this.executor,
          queues: this.queues,
          partitions: this.partitions,
        },
        {
          size: options.concurrency,
          entry: pool.childEntry!,
          env: pool.childEnv,
          queues,
          partitions: options.partitions && [...options.partitions],
          hostname: options.hostname,
          lockTimeout,
          prefetch,
          defaults,
          maxTasksPerChild: pool.maxTasksPerChild,
          maxMemoryPerChildMb: pool.maxMemoryPerChildMb,
        },
      );
    }
    const executionPool: ExecutionPool =
      pool.implementation === 'inline'
        ? new InlinePool(this.registry)
        : new ThreadPool({
            size: options.concurrency,
            entry: pool.childEntry!,
            env: pool.childEnv,
            maxTasksPerChild: pool.maxTasksPerChild,
            maxMemoryPerChildMb: pool.maxMemoryPerChildMb,
            prefetch,
          });
    return new Consumer(
      {
        redis: this.redis,
        executor: this.executor,
        registry: this.registry,
        revocations: this.revocations,
        metrics: this.metrics,
        partitions: this.partitions,
        resultExpires: this.tasksOptions.resultExpires,
      },
      {
        queues,
        partitions: options.partitions,
        slots: options.concurrency * prefetch,
        hostname: options.hostname,
        pool: executionPool,
        defaults,
        lockTimeout,
      },
    );
  }

  /** Graceful stop: no new tasks; running ones get the grace period; then connections close. */
  /** Answers whether every running task finished within the grace period. */
  stop(): Promise<boolean> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async doStop(): Promise<boolean> {
    const consumer = this.consumer;
    if (!consumer) return true;
    this.logger.log(
      `worker ${this.options?.hostname} stopping: ${consumer.snapshot().active.length} task(s) running`,
    );
    const finished = await consumer.stop(this.options?.gracePeriodMs ?? 30_000);
    clearInterval(this.heartbeatTimer);
    clearInterval(this.housekeepingTimer);
    // Bounded: a stop must not wait on Redis past its grace (the entry expires on its own anyway).
    if (this.options) {
      const removed = this.directory.remove(this.options.hostname).catch(() => undefined);
      await withDeadline(removed, 1000);
    }
    this.logger.log(`worker ${this.options?.hostname} stopped`);
    return finished;
  }

  private async listen(): Promise<void> {
    const sub = this.redis.create('worker-subscriber');
    const control = engineKeys(this.tasksOptions.prefix).channel(WORKER_CONTROL_CHANNEL);
    await sub.subscribe(this.revocations.channel, control);
    sub.on('message', (channel: string, raw: string) => {
      try {
        if (channel === this.revocations.channel)
          this.consumer?.onRevoke(JSON.parse(raw) as RevocationMessage);
        else this.onControl(JSON.parse(raw) as WorkerControlMessage);
      } catch (err) {
        this.logger.warn(`bad message on ${channel}: ${(err as Error).message}`);
      }
    });
  }

  private onControl(msg: WorkerControlMessage): void {
    const hostname = this.options?.hostname;
    if (!hostname || (msg.hostname && msg.hostname !== hostname)) return;
    if (msg.command === 'ping') {
      const reply: PingReply = { hostname, pid: process.pid, ok: 'pong' };
      void this.redis.client
        .publish(engineKeys(this.tasksOptions.prefix).channel(msg.replyTo), JSON.stringify(reply))
        .catch(() => undefined);
      return;
    }
    this.logger.log('shutdown requested remotely');
    this.shutdownRequested?.();
  }

  /**
   * BullMQ prunes ended jobs by age only when a later job ends; an idle queue would keep expired
   * records. Cleaning is idempotent, so every worker may do it.
   */
  private async housekeeping(): Promise<void> {
    const grace = this.tasksOptions.resultExpires * 1000;
    try {
      for (const prefix of await this.partitions.served(this.options?.partitions))
        for (const queue of this.options?.queues ?? []) {
          const q = this.queues.in(prefix).get(queue);
          await q.clean(grace, 1000, 'completed');
          await q.clean(grace, 1000, 'failed');
        }
      await this.results.pruneIndex();
      await this.directory.forgetSilent();
    } catch (err) {
      this.logger.warn(`housekeeping failed: ${(err as Error).message}`);
    }
  }

  private async heartbeat(): Promise<void> {
    if (!this.options || !this.consumer) return;
    const { total, processed, active, reserved, processes, children } = this.consumer.snapshot();
    const usage = process.cpuUsage();
    const beat: WorkerHeartbeat = {
      hostname: this.options.hostname,
      pid: process.pid,
      queues: [...this.options.queues],
      pool: {
        implementation: this.implementation,
        'max-concurrency': this.options.concurrency,
        processes,
      },
      total,
      processed,
      active,
      reserved,
      started_at: this.startedAt.toISOString(),
      sent_at: new Date().toISOString(),
      // The pool's children count as the worker's: an operator sizes the host, not one process.
      cpu_seconds: (usage.user + usage.system) / 1e6 + (children?.cpuSeconds ?? 0),
      rss_bytes: process.memoryUsage().rss + (children?.rssBytes ?? 0),
      loadavg: loadavg(),
    };
    await this.directory
      .publish(beat)
      .catch((err: Error) => this.logger.warn(`heartbeat failed: ${err.message}`));
  }
}
