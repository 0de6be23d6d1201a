import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Job } from 'bullmq';
import { loadavg } from 'node:os';
import type { TaskMessage } from '../client/apply-options';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { TaskRevokedError } from '../errors/task-revoked.error';
import { HEARTBEAT_INTERVAL_S, WorkerDirectory } from '../inspect/worker-directory.service';
import type { HeldTask, WorkerHeartbeat } from '../inspect/worker-heartbeat';
import { redactArguments } from '../execution/redaction';
import { TaskMetricsRecorder } from '../metrics/task-metrics.recorder';
import { byPriority, type QueueName } from '../queues/queue-names';
import { RedisConnection } from '../redis/redis-connection.service';
import { RevocationService, type RevocationMessage } from '../revocation/revocation.service';
import { QueueRegistry } from '../queues/queue-registry';
import { ResultStore } from '../results/result-store.service';
import { ChildPool } from '../pool/child-pool';
import type { ExecutionPool, PoolImplementation } from '../pool/execution-pool';
import { InlinePool } from '../pool/inline-pool';
import { TaskRegistry } from '../registry/task-registry';
import { Dispatcher } from './dispatcher';

const HOUSEKEEPING_INTERVAL_MS = 60_000;
/** Celery's default: enough to keep a child busy with short tasks. */
const DEFAULT_PREFETCH_MULTIPLIER = 4;
import type { JobFinisher } from './task-executor';
import { type ExecutorDefaults, TaskExecutor } from './task-executor';
import {
  type PingReply,
  WORKER_CONTROL_CHANNEL,
  type WorkerControlMessage,
} from './worker-control';

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
 * A worker process's engine: dispatcher, executor, revocation and control listeners, heartbeat.
 * Only the worker app imports it, so API and CLI processes never consume tasks.
 */
@Injectable()
export class TaskWorker implements OnApplicationShutdown {
  private readonly logger = new Logger(TaskWorker.name);
  private dispatcher?: Dispatcher;
  private pool?: ExecutionPool;
  private options?: WorkerStartOptions;
  private readonly stops = new Map<string, AbortController>();
  /** Revoked task ids and when: loaded at start, then fed by the broadcast. */
  private revoked = new Map<string, number>();
  private readonly totals: Record<string, number> = {};
  private processed = 0;
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
    @Inject(TASKS_OPTIONS) private readonly tasksOptions: ResolvedTasksOptions,
    private readonly metrics: TaskMetricsRecorder,
  ) {}

  get hostname(): string | undefined {
    return this.options?.hostname;
  }

  async start(options: WorkerStartOptions): Promise<void> {
    const queues = byPriority(options.queues);
    this.options = { ...options, queues };
    this.startedAt = new Date();
    const pool = (this.pool = this.createPool(options));
    await pool.start();
    await this.listen();
    this.revoked = await this.revocations.revokedSince();
    this.dispatcher = new Dispatcher(
      {
        queues,
        concurrency: options.concurrency * this.prefetchOf(options),
        capacity: () => pool.capacity(),
        hostname: options.hostname,
        prefix: this.tasksOptions.prefix,
        connection: this.redis.connectionOptions,
        client: this.redis.client,
        lockDurationMs: (options.lockTimeout ?? 30) * 1000,
        stalledIntervalMs: (options.lockTimeout ?? 30) * 500,
        blockingClient: this.redis.create('dispatcher-wait'),
        watchClient: this.redis.create('dispatcher-watch'),
      },
      (job, token, finish) => this.run(job, token, finish),
    );
    pool.onCapacity(() => this.dispatcher?.wake());
    await this.dispatcher.start();
    await this.heartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), HEARTBEAT_INTERVAL_S * 1000);
    this.housekeepingTimer = setInterval(() => void this.housekeeping(), HOUSEKEEPING_INTERVAL_MS);
    this.logger.log(
      `worker ${options.hostname} ready: queues ${queues.join(', ')}, concurrency ${options.concurrency}, pool ${this.pool.implementation}`,
    );
  }

  private prefetchOf(options: WorkerStartOptions): number {
    const pool = options.pool;
    if (!pool || pool.implementation === 'inline') return 1;
    return pool.prefetchMultiplier ?? DEFAULT_PREFETCH_MULTIPLIER;
  }

  private createPool(options: WorkerStartOptions): ExecutionPool {
    const pool = options.pool ?? { implementation: 'inline' };
    if (pool.implementation === 'inline') return new InlinePool(this.registry);
    if (!pool.childEntry)
      throw new Error(`the ${pool.implementation} pool needs a child entry script`);
    return new ChildPool({
      kind: pool.implementation,
      size: options.concurrency,
      entry: pool.childEntry,
      env: pool.childEnv,
      maxTasksPerChild: pool.maxTasksPerChild,
      maxMemoryPerChildMb: pool.maxMemoryPerChildMb,
      prefetch: this.prefetchOf(options),
    });
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
    const dispatcher = this.dispatcher;
    if (!dispatcher) return true;
    this.logger.log(
      `worker ${this.options?.hostname} stopping: ${dispatcher.activeCount} task(s) running`,
    );
    await dispatcher.stopFetching();
    // Reserved tasks go back to their queues now, for other workers; running ones finish.
    this.pool?.release();
    const finished = await dispatcher.drain(this.options?.gracePeriodMs ?? 30_000);
    if (!finished) {
      this.logger.warn(
        `${dispatcher.activeCount} task(s) still running after the grace period: left to stalled-job recovery`,
      );
    }
    clearInterval(this.heartbeatTimer);
    clearInterval(this.housekeepingTimer);
    await dispatcher.close();
    await this.pool?.close();
    if (this.options) await this.directory.remove(this.options.hostname).catch(() => undefined);
    this.logger.log(`worker ${this.options?.hostname} stopped`);
    return finished;
  }

  private async run(job: Job<TaskMessage>, token: string, finish: JobFinisher): Promise<void> {
    const stop = new AbortController();
    const id = String(job.id);
    this.stops.set(id, stop);
    try {
      const outcome = await this.executor.execute(job, token, {
        hostname: this.options!.hostname,
        stop: stop.signal,
        defaults: this.options,
        isRevoked: (taskId) => this.revoked.has(taskId),
        finish,
        pool: this.pool,
      });
      this.metrics.record(outcome.taskName, outcome.state, outcome.runtimeMs);
      if (outcome.state !== 'PENDING') {
        this.totals[outcome.taskName] = (this.totals[outcome.taskName] ?? 0) + 1;
        this.processed++;
      }
    } finally {
      this.stops.delete(id);
    }
  }

  private async listen(): Promise<void> {
    const sub = this.redis.create('worker-subscriber');
    const control = `${this.tasksOptions.prefix}:${WORKER_CONTROL_CHANNEL}`;
    await sub.subscribe(this.revocations.channel, control);
    sub.on('message', (channel: string, raw: string) => {
      try {
        if (channel === this.revocations.channel)
          this.onRevoke(JSON.parse(raw) as RevocationMessage);
        else this.onControl(JSON.parse(raw) as WorkerControlMessage);
      } catch (err) {
        this.logger.warn(`bad message on ${channel}: ${(err as Error).message}`);
      }
    });
  }

  private onRevoke(msg: RevocationMessage): void {
    this.revoked.set(msg.taskId, Date.now());
    const stop = this.stops.get(msg.taskId);
    if (!stop) return;
    if (msg.terminate) {
      this.logger.warn(`terminating ${msg.taskId}`);
      stop.abort(new TaskRevokedError('terminated'));
    } else if (this.pool?.isReserved(msg.taskId)) {
      // Taken but not started: it will not start (a started one finishes, as in Celery).
      stop.abort(new TaskRevokedError('revoked'));
    }
  }

  private onControl(msg: WorkerControlMessage): void {
    const hostname = this.options?.hostname;
    if (!hostname || (msg.hostname && msg.hostname !== hostname)) return;
    if (msg.command === 'ping') {
      const reply: PingReply = { hostname, pid: process.pid, ok: 'pong' };
      void this.redis.client
        .publish(`${this.tasksOptions.prefix}:${msg.replyTo}`, JSON.stringify(reply))
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
      for (const queue of this.options?.queues ?? []) {
        await this.queues.get(queue).clean(grace, 1000, 'completed');
        await this.queues.get(queue).clean(grace, 1000, 'failed');
      }
      await this.results.pruneIndex();
    } catch (err) {
      this.logger.warn(`housekeeping failed: ${(err as Error).message}`);
    }
  }

  /** What this worker holds: running (active) and prefetched but not started (reserved). */
  private heldTasks(): Pick<WorkerHeartbeat, 'active' | 'reserved'> {
    const held = { active: [] as HeldTask[], reserved: [] as HeldTask[] };
    for (const { job, queue } of this.dispatcher?.activeJobs() ?? []) {
      const taskId = job.data?.taskId ?? String(job.id);
      const declared = this.registry.has(job.name)
        ? this.registry.get(job.name).options
        : undefined;
      const args = Array.isArray(job.data?.args) ? job.data.args : [];
      (this.pool?.isReserved(taskId) ? held.reserved : held.active).push({
        task_id: taskId,
        task_name: job.name,
        queue,
        ...redactArguments(declared, args, job.data?.kwargs ?? {}),
        time_start: new Date(job.processedOn ?? Date.now()).toISOString(),
      });
    }
    return held;
  }

  private async heartbeat(): Promise<void> {
    if (!this.options || !this.dispatcher) return;
    const forgetBefore = Date.now() - this.tasksOptions.resultExpires * 1000;
    for (const [id, at] of this.revoked) if (at < forgetBefore) this.revoked.delete(id);
    const usage = process.cpuUsage();
    const beat: WorkerHeartbeat = {
      hostname: this.options.hostname,
      pid: process.pid,
      queues: [...this.options.queues],
      pool: {
        implementation: this.pool?.implementation ?? 'inline',
        'max-concurrency': this.options.concurrency,
        processes: this.pool?.processes() ?? [],
      },
      total: { ...this.totals },
      processed: this.processed,
      ...this.heldTasks(),
      started_at: this.startedAt.toISOString(),
      sent_at: new Date().toISOString(),
      cpu_seconds: (usage.user + usage.system) / 1e6,
      rss_bytes: process.memoryUsage().rss,
      loadavg: loadavg(),
    };
    await this.directory
      .publish(beat)
      .catch((err: Error) => this.logger.warn(`heartbeat failed: ${err.message}`));
  }
}
