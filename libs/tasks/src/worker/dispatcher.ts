import { Logger } from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisEndpoint } from '../redis/redis-connection.service';
import type { TaskMessage } from '../client/apply-options';
import type { QueueName } from '../queues/queue-names';
import { evalScript } from '../redis/eval-script';
import { SELECT_QUEUE_SCRIPT } from './queue-selector.lua';

export interface DispatcherOptions {
  /** Served queues, highest priority first. */
  queues: readonly QueueName[];
  concurrency: number;
  hostname: string;
  prefix: string;
  connection: RedisEndpoint;
  /** Commands (the selector); shared with the rest of the engine. */
  client: Redis;
  /** A connection of its own for the blocking wait. */
  blockingClient: Redis;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Longest blocking wait; bounds how long a lost wake-up can delay a due delayed task. */
  maxIdleWaitMs?: number;
}

export type JobRunner = (job: Job<TaskMessage>, token: string) => Promise<void>;

interface Held {
  job: Job<TaskMessage>;
  token: string;
  queue: QueueName;
}

/**
 * Serves several BullMQ queues with strict priority between them, which BullMQ lacks: before each
 * fetch it asks Redis (one script) for the highest-priority queue with a ready job, then takes that
 * job with BullMQ's own moveToActive. It fetches only into a free slot, so a busy worker leaves
 * lower-priority work to its peers. Idle, it blocks on all the queues' BullMQ markers at once
 * (BZPOPMIN), so a new job wakes it at once and nothing is polled in a loop.
 */
export class Dispatcher {
  private readonly logger = new Logger(Dispatcher.name);
  private readonly workers = new Map<QueueName, Worker<TaskMessage>>();
  private readonly held = new Map<string, Held>();
  private readonly selectorKeys: string[];
  private readonly markerKeys: string[];
  private running = false;
  private loop?: Promise<void>;
  private slotFreed?: () => void;
  private lockTimer?: NodeJS.Timeout;
  private tokenSeq = 0;

  constructor(
    private readonly options: DispatcherOptions,
    private readonly runJob: JobRunner,
  ) {
    const key = (q: string, suffix: string) => `${options.prefix}:${q}:${suffix}`;
    this.selectorKeys = options.queues.flatMap((q) =>
      ['wait', 'prioritized', 'delayed', 'meta'].map((s) => key(q, s)),
    );
    this.markerKeys = options.queues.map((q) => key(q, 'marker'));
  }

  get activeCount(): number {
    return this.held.size;
  }

  /** The jobs being run now. */
  activeJobs(): Array<{ job: Job<TaskMessage>; queue: QueueName }> {
    return [...this.held.values()].map(({ job, queue }) => ({ job, queue }));
  }

  async start(): Promise<void> {
    const lockDuration = this.options.lockDurationMs ?? 30_000;
    for (const queue of this.options.queues) {
      const worker = new Worker<TaskMessage>(queue, null, {
        connection: this.options.connection,
        prefix: this.options.prefix,
        name: this.options.hostname,
        autorun: false,
        lockDuration,
        stalledInterval: this.options.stalledIntervalMs ?? 30_000,
        maxStalledCount: 5,
      });
      worker.on('error', (err) => this.logger.warn(`queue ${queue}: ${err.message}`));
      await worker.waitUntilReady();
      // Jobs of a crashed worker go back to wait once their lock lapses: at-least-once delivery.
      await worker.startStalledCheckTimer();
      this.workers.set(queue, worker);
    }
    this.lockTimer = setInterval(() => void this.extendLocks(lockDuration), lockDuration / 3);
    this.running = true;
    this.loop = this.run();
  }

  /** Stops fetching; running jobs go on. */
  async stopFetching(): Promise<void> {
    this.running = false;
    this.slotFreed?.();
    // Ends a BZPOPMIN in flight; the loop sees `running` false and returns.
    this.options.blockingClient.disconnect();
    await this.loop?.catch(() => undefined);
  }

  /** Waits until no job runs, up to `ms`; answers whether all finished. */
  async drain(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.held.size > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.slotFreed = resolve;
        setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now())));
      });
    }
    return this.held.size === 0;
  }

  async close(): Promise<void> {
    clearInterval(this.lockTimer);
    // force: do not wait for jobs we never handed to BullMQ's own processing loop.
    await Promise.all([...this.workers.values()].map((w) => w.close(true)));
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (this.held.size >= this.options.concurrency) {
          await new Promise<void>((resolve) => (this.slotFreed = resolve));
          continue;
        }
        const [index, nextDelay] = (await evalScript(
          this.options.client,
          SELECT_QUEUE_SCRIPT,
          this.selectorKeys,
          [Date.now()],
        )) as [number, number];
        if (!this.running) break;
        if (index > 0) {
          // This queue is the highest with work right now: fill every free slot from it at once
          // (the fetches pipeline on one connection); a fetch that finds it empty just returns.
          const queue = this.options.queues[index - 1];
          const free = this.options.concurrency - this.held.size;
          await Promise.all(Array.from({ length: free }, () => this.fetchFrom(queue)));
          continue;
        }
        await this.waitForWork(nextDelay);
      } catch (err) {
        if (!this.running) break;
        this.logger.warn(`fetch failed, retrying in 1s: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async fetchFrom(queue: QueueName): Promise<void> {
    const worker = this.workers.get(queue)!;
    const token = `${worker.id}:${++this.tokenSeq}`;
    // Another worker may win the race for this job: then we simply select again.
    const job = await worker.getNextJob(token, { block: false });
    if (!job?.id) return;
    const id = job.id;
    this.held.set(id, { job, token, queue });
    void this.runJob(job, token)
      .catch((err: Error) => this.logger.error(`job ${id} on ${queue}: ${err.message}`, err.stack))
      .finally(() => {
        this.held.delete(id);
        this.slotFreed?.();
      });
  }

  /** Blocks until any served queue gets a job, or the earliest delayed job falls due. */
  private async waitForWork(nextDelay: number): Promise<void> {
    const cap = this.options.maxIdleWaitMs ?? 5000;
    const untilDue = nextDelay > 0 ? nextDelay - Date.now() : cap;
    const timeoutMs = Math.max(1, Math.min(cap, untilDue));
    const client = this.options.blockingClient;
    if (client.status === 'end' || client.status === 'close') await client.connect();
    // BZPOPMIN takes seconds with decimals; a marker for a delayed job has its due time as score.
    await client.bzpopmin(...this.markerKeys, (timeoutMs / 1000).toFixed(3));
  }

  private async extendLocks(lockDuration: number): Promise<void> {
    const byQueue = new Map<QueueName, Held[]>();
    for (const h of this.held.values()) byQueue.set(h.queue, [...(byQueue.get(h.queue) ?? []), h]);
    for (const [queue, held] of byQueue) {
      try {
        const failed = await this.workers.get(queue)!.extendJobLocks(
          held.map((h) => h.job.id!),
          held.map((h) => h.token),
          lockDuration,
        );
        if (failed.length) this.logger.warn(`lost the lock of ${failed.join(', ')} on ${queue}`);
      } catch (err) {
        this.logger.warn(`lock renewal on ${queue} failed: ${(err as Error).message}`);
      }
    }
  }
}
