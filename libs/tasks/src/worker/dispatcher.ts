import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { RedisClient } from '../redis/redis-client';
import type { BullConnection } from '../redis/redis-connection.service';
import type { ReplicaAckPolicy } from '../redis/replica-ack';
import type { TaskMessage } from '../client/apply-options';
import type { QueueName } from '../queues/queue-names';
import type { EndJob, JobFinisher } from './job-finisher';
import { type FetchingWorker, openQueueWorker } from '../bullmq/fetching-worker';
import { bullQueueKeys } from '../bullmq/queue-keys';
import { QueueSelector } from '../bullmq/queue-selector';

export interface DispatcherOptions {
  /** Served queues, highest priority first. */
  queues: readonly QueueName[];
  concurrency: number;
  hostname: string;
  prefix: string;
  connection: BullConnection;
  /** Durable sending: the replicas a beat tick scheduled by a fetch waits for. */
  replicaAck?: ReplicaAckPolicy;
  /** Commands (the selector); shared with the rest of the engine. */
  client: RedisClient;
  /** A connection of its own for the blocking wait. */
  blockingClient: RedisClient;
  /** Another, to watch higher-priority queues while busy. */
  watchClient: RedisClient;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Off in a prefork child: its supervisor runs them. */
  stalledChecks?: boolean;
  /** Starts every lock token this dispatcher takes jobs with (a random id by default). */
  tokenTag?: string;
  /** Longest blocking wait; bounds how long a lost wake-up can delay a due delayed task. */
  maxIdleWaitMs?: number;
  /**
   * How many more jobs the pool would start soon, below `concurrency` (which bounds what is
   * held): a pool busy with long tasks takes none. Call wake() when it grows.
   */
  capacity?: () => number;
  /**
   * A held job's lock could not be renewed (it lapsed, or another worker holds it now): its run
   * must stop. Without it the loss is only logged.
   */
  onLockLost?: (job: Job<TaskMessage>) => void;
}

export type JobRunner = (
  job: Job<TaskMessage>,
  token: string,
  finish: JobFinisher,
) => Promise<void>;

/** Events of a queue's BullMQ stream that mean it may have work. */
const NEW_WORK_EVENTS = new Set(['added', 'waiting', 'delayed', 'prioritized']);

interface Held {
  job: Job<TaskMessage>;
  token: string;
  queue: QueueName;
}

/**
 * Serves several BullMQ queues with strict priority between them, which BullMQ lacks: before each
 * fetch it asks RedisClient (one script) for the highest-priority queue with a ready job, then takes that
 * job with BullMQ's own moveToActive. It fetches only into a free slot, so a busy worker leaves
 * lower-priority work to its peers. Idle, it blocks on all the queues' BullMQ markers at once
 * (BZPOPMIN), so a new job wakes it at once and nothing is polled in a loop.
 */
export class Dispatcher {
  private readonly logger = new Logger(Dispatcher.name);
  private readonly workers = new Map<QueueName, FetchingWorker>();
  private readonly held = new Map<string, Held>();
  private readonly selector: QueueSelector;
  private readonly markerKeys: string[];
  private readonly eventKeys: string[];
  /** Streams (and positions) of the queues above `fastQueue`; none when not on the fast path. */
  private watchSpec?: { streams: string[]; ids: string[] };
  private watchWake?: () => void;
  private watchLoop?: Promise<void>;
  private watchTimer?: NodeJS.Timeout;
  private running = false;
  private loop?: Promise<void>;
  private slotFreed?: () => void;
  private lockTimer?: NodeJS.Timeout;
  private tokenSeq = 0;
  /** The queue found highest with work at the last select; completions may fetch from it. */
  private fastQueue?: QueueName;

  constructor(
    private readonly options: DispatcherOptions,
    private readonly runJob: JobRunner,
  ) {
    this.selector = new QueueSelector(options.client, options.prefix, options.queues);
    const keys = options.queues.map((q) => bullQueueKeys(options.prefix, q));
    this.markerKeys = keys.map((k) => k.marker);
    this.eventKeys = keys.map((k) => k.events);
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
      const worker = await openQueueWorker(queue, {
        connection: this.options.connection,
        prefix: this.options.prefix,
        hostname: this.options.hostname,
        lockDurationMs: lockDuration,
        stalledIntervalMs: this.options.stalledIntervalMs ?? 30_000,
        stalledChecks: this.options.stalledChecks !== false,
        replicaAck: this.options.replicaAck,
      });
      this.workers.set(queue, worker);
    }
    this.lockTimer = setInterval(() => void this.extendLocks(lockDuration), lockDuration / 3);
    this.running = true;
    this.loop = this.run();
    this.watchLoop = this.watchHigherQueues();
  }

  /** Room may have opened: look for work again. */
  wake(): void {
    this.slotFreed?.();
  }

  /** Stops fetching; running jobs go on. */
  async stopFetching(): Promise<void> {
    this.running = false;
    this.stopWatch();
    this.watchWake?.();
    this.options.watchClient.disconnect();
    this.slotFreed?.();
    // Ends a BZPOPMIN in flight; the loop sees `running` false and returns.
    this.options.blockingClient.disconnect();
    await Promise.all([this.loop?.catch(() => undefined), this.watchLoop?.catch(() => undefined)]);
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
        if (this.freeSlots() <= 0) {
          await new Promise<void>((resolve) => (this.slotFreed = resolve));
          continue;
        }
        const { index, nextDelay, lastIds } = await this.selector.select(Date.now());
        if (!this.running) break;
        if (index > 0) {
          // This queue is the highest with work right now: fill every free slot from it at once
          // (the fetches pipeline on one connection); a fetch that finds it empty just returns.
          const queue = this.options.queues[index - 1];
          this.fastQueue = queue;
          this.watchHigherThan(index - 1, nextDelay, lastIds);
          const free = this.freeSlots();
          await Promise.all(Array.from({ length: free }, () => this.fetchFrom(queue)));
          continue;
        }
        this.endFastPath();
        await this.waitForWork(nextDelay);
      } catch (err) {
        if (!this.running) break;
        this.logger.warn(`fetch failed, retrying in 1s: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private freeSlots(): number {
    const free = this.options.concurrency - this.held.size;
    return Math.min(free, this.options.capacity?.() ?? free);
  }

  private async fetchFrom(queue: QueueName): Promise<void> {
    const worker = this.workers.get(queue)!;
    const token = `${this.options.tokenTag ?? worker.id}:${++this.tokenSeq}`;
    // Another worker may win the race for this job: then we simply select again.
    const job = await worker.getNextJob(token, { block: false });
    if (job?.id) this.launch(job, token, queue);
  }

  private launch(job: Job<TaskMessage>, token: string, queue: QueueName): void {
    const id = job.id!;
    const entry: Held = { job, token, queue };
    // Taken again while an earlier run of it still goes on here: that run lost its lock unseen.
    const earlier = this.held.get(id);
    if (earlier) this.options.onLockLost?.(earlier.job);
    this.held.set(id, entry);
    void this.runJob(job, token, (end) => this.finish(id, queue, token, end))
      .catch((err: Error) => this.logger.error(`job ${id} on ${queue}: ${err.message}`, err.stack))
      .finally(() => {
        if (this.held.get(id) === entry) this.held.delete(id);
        this.slotFreed?.();
      });
  }

  /**
   * Ends a job and, when this queue is still the highest one with work, takes its next job in the
   * same call (BullMQ's fetchNext): one round trip instead of three per task under load. Any sign
   * of work in a higher queue turns this off until the next select.
   */
  private async finish(id: string, queue: QueueName, token: string, end: EndJob): Promise<void> {
    // The ending job hands its slot over, if the pool has room to start another soon.
    const fetchNext =
      this.running && this.fastQueue === queue && (this.options.capacity?.() ?? 1) > 0;
    const raw = await end(fetchNext);
    if (!fetchNext || !Array.isArray(raw) || !raw[0]) return;
    const next = await this.workers.get(queue)!.fromRaw(raw, token);
    if (!next?.id) return;
    // The ended job hands its slot to the next one; a job taken is run, even during shutdown.
    if (this.held.get(id)?.token === token) this.held.delete(id);
    this.launch(next, token, queue);
  }

  /**
   * While completions fetch from `fastQueue`, watches the queues above it: a job added there (an
   * event in its BullMQ stream, read from where select saw it, consuming nothing other workers
   * wait on) or a delayed one falling due there ends the fast path, so the next free slot goes
   * through select again.
   */
  private watchHigherThan(index: number, nextDelay: number, lastIds: string[]): void {
    clearTimeout(this.watchTimer);
    if (nextDelay > 0) {
      this.watchTimer = setTimeout(() => this.endFastPath(), Math.max(0, nextDelay - Date.now()));
    }
    this.watchSpec =
      index > 0
        ? { streams: this.eventKeys.slice(0, index), ids: lastIds.slice(0, index) }
        : undefined;
    this.watchWake?.();
  }

  /** One XREAD at a time on the watch connection; a changed spec is picked up within a second. */
  private async watchHigherQueues(): Promise<void> {
    const client = this.options.watchClient;
    while (this.running) {
      const spec = this.watchSpec;
      if (!spec) {
        await new Promise<void>((resolve) => (this.watchWake = resolve));
        continue;
      }
      try {
        const res = await client.xread('BLOCK', 1000, 'STREAMS', ...spec.streams, ...spec.ids);
        if (spec !== this.watchSpec) continue;
        for (const [stream, entries] of res ?? []) {
          const i = spec.streams.indexOf(stream);
          for (const [id, fields] of entries) {
            spec.ids[i] = id;
            if (NEW_WORK_EVENTS.has(fields[fields.indexOf('event') + 1])) this.endFastPath();
          }
        }
      } catch (err) {
        if (!this.running) return;
        this.endFastPath();
        this.logger.warn(`watch of higher queues failed: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private endFastPath(): void {
    this.fastQueue = undefined;
    this.stopWatch();
  }

  private stopWatch(): void {
    this.watchSpec = undefined;
    clearTimeout(this.watchTimer);
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
    for (const h of this.held.values()) {
      const list = byQueue.get(h.queue);
      if (list) list.push(h);
      else byQueue.set(h.queue, [h]);
    }
    for (const [queue, held] of byQueue) {
      try {
        const failed = await this.workers.get(queue)!.extendJobLocks(
          held.map((h) => h.job.id!),
          held.map((h) => h.token),
          lockDuration,
        );
        // A job that ended meanwhile has no lock left to extend: only a job still held is lost.
        const lost = held.filter(
          (h) => failed.includes(h.job.id!) && this.held.get(h.job.id!) === h,
        );
        if (!lost.length) continue;
        if (this.options.onLockLost) lost.forEach((h) => this.options.onLockLost!(h.job));
        else
          this.logger.warn(`lost the lock of ${lost.map((h) => h.job.id).join(', ')} on ${queue}`);
      } catch (err) {
        this.logger.warn(`lock renewal on ${queue} failed: ${(err as Error).message}`);
      }
    }
  }
}
