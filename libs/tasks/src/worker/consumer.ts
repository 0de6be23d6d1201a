import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { TaskMessage } from '../client/apply-options';
import { LockLostError } from '../errors/lock-lost.error';
import { TaskRevokedError } from '../errors/task-revoked.error';
import { TaskStop } from '../execution/task-stop';
import { heldTask } from '../inspect/held-task';
import type { HeldTask } from '../inspect/worker-heartbeat';
import type { TaskMetricsRecorder } from '../metrics/task-metrics.recorder';
import type { ExecutionPool } from '../pool/execution-pool';
import type { QueueName } from '../queues/queue-names';
import type { PartitionLayout } from '../redis/partition-layout.service';
import type { RedisConnection } from '../redis/redis-connection.service';
import type { TaskRegistry } from '../registry/task-registry';
import type { RevocationMessage, RevocationService } from '../revocation/revocation.service';
import { RevokedSet } from '../revocation/revoked-set';
import { Dispatcher } from './dispatcher';
import { withDeadline } from './with-deadline';
import type { JobFinisher } from './job-finisher';
import type { ExecutionOutcome, ExecutorDefaults, TaskExecutor } from './task-executor';
import type { TaskConsumer, TaskConsumerSnapshot } from './task-consumer';

/** How long a stopping consumer waits for its queues' connections to close. */
const CLOSE_DEADLINE_MS = 1000;

export interface ConsumerDeps {
  redis: RedisConnection;
  executor: TaskExecutor;
  registry: TaskRegistry;
  revocations: RevocationService;
  metrics: TaskMetricsRecorder;
  partitions: PartitionLayout;
  /** Seconds revocations are remembered (the result expiry). */
  resultExpires: number;
}

export interface ConsumerOptions {
  /** Served queues, highest priority first. */
  queues: readonly QueueName[];
  /** Served partitions by number; every registered one when absent. */
  partitions?: readonly number[];
  /** Jobs held at once, prefetched ones included. */
  slots: number;
  hostname: string;
  pool: ExecutionPool;
  defaults?: ExecutorDefaults;
  /** Seconds a job's lock lasts without renewal. */
  lockTimeout: number;
  /** Starts this consumer's lock tokens: a prefork supervisor finds its child's jobs by it. */
  tokenTag?: string;
  /** Off in a prefork child: its supervisor runs the stalled-job checks, once per worker. */
  stalledChecks?: boolean;
  /** Part of each task's rate limit this consumer may use: 1/children in a prefork child. */
  rateShare?: number;
  /** Told of every task run to its end (not of a task given back unstarted). */
  onOutcome?: (outcome: ExecutionOutcome) => void;
}

/**
 * Takes tasks from the served queues (the dispatcher) and runs each through the executor in its
 * pool. Used by an inline or threads worker in its own process, and by each prefork child.
 */
export class Consumer implements TaskConsumer {
  private readonly logger = new Logger('Worker');
  private dispatcher?: Dispatcher;
  private readonly stops = new Map<string, TaskStop>();
  readonly revoked = new RevokedSet();
  private readonly totals: Record<string, number> = {};
  private processed = 0;

  constructor(
    private readonly deps: ConsumerDeps,
    readonly options: ConsumerOptions,
  ) {}

  get activeCount(): number {
    return this.dispatcher?.activeCount ?? 0;
  }

  async start(): Promise<void> {
    const { pool, lockTimeout } = this.options;
    await pool.start();
    await this.revoked.load(this.deps.revocations);
    const redis = this.deps.redis;
    this.dispatcher = new Dispatcher(
      {
        queues: this.options.queues,
        concurrency: this.options.slots,
        capacity: () => pool.capacity(),
        hostname: this.options.hostname,
        partitions: () => this.deps.partitions.served(this.options.partitions),
        connection: redis.bullFetchConnection(),
        replicaAck: redis.replicaAck,
        client: redis.client,
        lockDurationMs: lockTimeout * 1000,
        stalledIntervalMs: lockTimeout * 500,
        stalledChecks: this.options.stalledChecks,
        tokenTag: this.options.tokenTag,
        openClient: (name) => redis.create(name),
        // As a terminate: the run's signal aborts and the pool stops it (a threads child is
        // killed); the executor then leaves the job alone (see TaskExecutor).
        onLockLost: (job) => this.stops.get(String(job.id))?.stop(new LockLostError()),
      },
      (job, token, finish) => this.run(job, token, finish),
    );
    pool.onCapacity(() => this.dispatcher?.wake());
    await this.dispatcher.start();
  }

  /**
   * Graceful stop: no new tasks; reserved ones go back to their queues; running ones get `graceMs`.
   * Answers whether every running task finished in time.
   */
  async stop(graceMs: number): Promise<boolean> {
    const dispatcher = this.dispatcher;
    if (!dispatcher) return true;
    const stopAt = Date.now();
    // A fetch in flight may be stuck in a failover (a Cluster re-reading its slots): it does not
    // hold up the stop; a job it still takes is run or, past the grace, left to stalled recovery.
    await withDeadline(dispatcher.stopFetching(), graceMs);
    // Reserved tasks go back to their queues now, for other workers; running ones finish.
    this.options.pool.release();
    const finished = await dispatcher.drain(Math.max(0, graceMs - (Date.now() - stopAt)));
    if (!finished) {
      this.logger.warn(
        `${dispatcher.activeCount} task(s) still running after the grace period: left to stalled-job recovery`,
      );
    }
    await withDeadline(dispatcher.close(), CLOSE_DEADLINE_MS);
    await this.options.pool.close();
    return finished;
  }

  /** A revocation broadcast: remembered; `terminate` stops the task here if it runs here. */
  onRevoke(msg: RevocationMessage): void {
    this.revoked.add(msg.taskId);
    const stop = this.stops.get(msg.taskId);
    if (!stop) return;
    if (msg.terminate) {
      this.logger.warn(`terminating ${msg.taskId}`);
      stop.stop(new TaskRevokedError('terminated'));
    } else if (this.options.pool.isReserved(msg.taskId)) {
      // Taken but not started: it will not start (a started one finishes, as in Celery).
      stop.stop(new TaskRevokedError('revoked'));
    }
  }

  snapshot(): TaskConsumerSnapshot {
    this.revoked.forgetBefore(Date.now() - this.deps.resultExpires * 1000);
    const held = { active: [] as HeldTask[], reserved: [] as HeldTask[] };
    for (const { job, queue } of this.dispatcher?.activeJobs() ?? []) {
      // Inline and threads pools run in this process.
      const task = { ...heldTask(this.deps.registry, job, queue), pid: process.pid };
      (this.options.pool.isReserved(task.task_id) ? held.reserved : held.active).push(task);
    }
    return {
      total: { ...this.totals },
      processed: this.processed,
      ...held,
      processes: this.options.pool.processes(),
    };
  }

  private async run(job: Job<TaskMessage>, token: string, finish: JobFinisher): Promise<void> {
    const stop = new TaskStop();
    const id = String(job.id);
    // An earlier run of this job still here lost its lock: the dispatcher stopped it already.
    this.stops.set(id, stop);
    try {
      const outcome = await this.deps.executor.execute(job, token, {
        hostname: this.options.hostname,
        stop,
        defaults: this.options.defaults,
        isRevoked: (taskId) => this.revoked.has(taskId),
        finish,
        pool: this.options.pool,
        rateShare: this.options.rateShare,
      });
      // A run whose job went to another worker is counted there, not here.
      if (outcome.lockLost) return;
      this.deps.metrics.record(outcome.taskName, outcome.state, outcome.runtimeMs);
      if (outcome.state !== 'PENDING') {
        this.totals[outcome.taskName] = (this.totals[outcome.taskName] ?? 0) + 1;
        this.processed++;
        this.options.onOutcome?.(outcome);
      }
    } finally {
      if (this.stops.get(id) === stop) this.stops.delete(id);
    }
  }
}
