import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { RedisClient } from '../redis/redis-client';
import type { BullConnection } from '../redis/redis-connection.service';
import type { ReplicaAckPolicy } from '../redis/replica-ack';
import type { TaskMessage } from '../client/apply-options';
import type { QueueName } from '../queues/queue-names';
import type { EndJob, JobFinisher } from './job-finisher';
import type { Selection } from '../bullmq/queue-selector';
import { DispatchLane } from './dispatch-lane';

export interface DispatcherOptions {
  /** Served queues, highest priority first. */
  queues: readonly QueueName[];
  /**
   * The key prefixes of the partitions served (PartitionLayout): asked before each select, so
   * that a partition registered meanwhile is served from then on (answer from a cache).
   */
  partitions: () => Promise<readonly string[]>;
  concurrency: number;
  hostname: string;
  connection: BullConnection;
  /** Durable sending: the replicas a beat tick scheduled by a fetch waits for. */
  replicaAck?: ReplicaAckPolicy;
  /** Commands (the selector); shared with the rest of the engine. */
  client: RedisClient;
  /**
   * Opens a connection of its own: each partition served gets two (the blocking wait, and the
   * watch of higher-priority queues while busy).
   */
  openClient: (name: string) => RedisClient;
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

/**
 * Tasks a partition may hand on to the next (BullMQ's fetchNext) after one select, while other
 * partitions have work in the same queue: then the next select takes its turn among them.
 */
const MAX_FAST_STREAK = 16;

/** Events of a queue's BullMQ stream that mean it may have work. */
const NEW_WORK_EVENTS = new Set(['added', 'waiting', 'delayed', 'prioritized']);

interface Held {
  job: Job<TaskMessage>;
  token: string;
  queue: QueueName;
  lane: DispatchLane;
}

/**
 * Serves several BullMQ queues, in every partition served, with strict priority between queues,
 * which BullMQ lacks: before each fetch it asks each partition (one script each, in parallel) for
 * its highest-priority queue with a ready job, then takes from the highest of those with BullMQ's
 * own moveToActive, spreading the free slots over the partitions tied on that queue in turn. It
 * fetches only into a free slot, so a busy worker leaves lower-priority work to its peers. Idle, it
 * blocks on all the queues' BullMQ markers at once (BZPOPMIN, one connection per partition), so a
 * new job wakes it at once and nothing is polled in a loop.
 *
 * Across partitions the rule holds as read at each select: a job arriving in another partition
 * while the partitions are read waits for the next select. FIFO holds within a partition.
 */
export class Dispatcher {
  private readonly logger = new Logger(Dispatcher.name);
  private readonly lanes = new Map<string, DispatchLane>();
  private readonly held = new Map<string, Held>();
  private watchTimer?: NodeJS.Timeout;
  private running = false;
  private loop?: Promise<void>;
  private slotFreed?: () => void;
  private lockTimer?: NodeJS.Timeout;
  private tokenSeq = 0;
  /** Turns among partitions tied on the best queue. */
  private turn = 0;
  /**
   * The queue found highest with work at the last select, and the partitions that had it there:
   * completions there may fetch the next job from the same lane.
   */
  private fast?: {
    queue: QueueName;
    lanes: Set<DispatchLane>;
    handedOn: Map<DispatchLane, number>;
  };

  constructor(
    private readonly options: DispatcherOptions,
    private readonly runJob: JobRunner,
  ) {}

  get activeCount(): number {
    return this.held.size;
  }

  /** The jobs being run now. */
  activeJobs(): Array<{ job: Job<TaskMessage>; queue: QueueName }> {
    return [...this.held.values()].map(({ job, queue }) => ({ job, queue }));
  }

  async start(): Promise<void> {
    const lockDuration = this.options.lockDurationMs ?? 30_000;
    this.running = true;
    await this.syncLanes();
    this.lockTimer = setInterval(() => void this.extendLocks(lockDuration), lockDuration / 3);
    this.loop = this.run();
  }

  /** Room may have opened: look for work again. */
  wake(): void {
    this.slotFreed?.();
  }

  /** Stops fetching; running jobs go on. */
  async stopFetching(): Promise<void> {
    this.running = false;
    this.stopWatch();
    this.slotFreed?.();
    // Ends a BZPOPMIN or XREAD in flight; the loops see `running` false and return.
    for (const lane of this.lanes.values()) lane.disconnect();
    await Promise.all([
      this.loop?.catch(() => undefined),
      ...[...this.lanes.values()].map((l) => l.watchLoop?.catch(() => undefined)),
    ]);
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
    await Promise.all([...this.lanes.values()].map((l) => l.close()));
  }

  /** Opens a lane for each partition served that has none yet (partitions are never dropped). */
  private async syncLanes(): Promise<void> {
    for (const prefix of await this.options.partitions()) {
      if (this.lanes.has(prefix) || !this.running) continue;
      const n = this.lanes.size;
      const lane = new DispatchLane(
        prefix,
        this.options.queues,
        this.options.client,
        this.options.openClient(n ? `dispatcher-wait-${n}` : 'dispatcher-wait'),
        this.options.openClient(n ? `dispatcher-watch-${n}` : 'dispatcher-watch'),
      );
      try {
        await lane.open({
          connection: this.options.connection,
          hostname: this.options.hostname,
          lockDurationMs: this.options.lockDurationMs ?? 30_000,
          stalledIntervalMs: this.options.stalledIntervalMs ?? 30_000,
          stalledChecks: this.options.stalledChecks !== false,
          replicaAck: this.options.replicaAck,
        });
      } catch (err) {
        lane.disconnect();
        await lane.close().catch(() => undefined);
        throw err;
      }
      this.lanes.set(prefix, lane);
      lane.watchLoop = this.watchHigherQueues(lane);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (this.freeSlots() <= 0) {
          await new Promise<void>((resolve) => (this.slotFreed = resolve));
          continue;
        }
        await this.syncLanes();
        const lanes = [...this.lanes.values()];
        const now = Date.now();
        const selections = await Promise.all(lanes.map((l) => l.select(now)));
        if (!this.running) break;
        const best = Math.min(...selections.map((s) => (s.index > 0 ? s.index : Infinity)));
        const nextDelay = earliest(selections.map((s) => s.nextDelay));
        if (Number.isFinite(best)) {
          // This queue is the highest with work right now: fill every free slot from it at once
          // (the fetches pipeline on one connection), in turn over the partitions that have it;
          // a fetch that finds its lane empty just returns.
          const queue = this.options.queues[best - 1];
          const tied = lanes.filter((_, i) => selections[i].index === best);
          this.fast = { queue, lanes: new Set(tied), handedOn: new Map() };
          this.watchHigherThan(best - 1, nextDelay, lanes, selections);
          const first = this.turn++ % tied.length;
          const free = this.freeSlots();
          await Promise.all(
            Array.from({ length: free }, (_, i) =>
              this.fetchFrom(tied[(first + i) % tied.length], queue),
            ),
          );
          continue;
        }
        this.endFastPath();
        await this.waitForWork(nextDelay, lanes);
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

  private async fetchFrom(lane: DispatchLane, queue: QueueName): Promise<void> {
    const worker = lane.worker(queue);
    const token = `${this.options.tokenTag ?? worker.id}:${++this.tokenSeq}`;
    // Another worker may win the race for this job: then we simply select again.
    const job = await worker.getNextJob(token, { block: false });
    if (job?.id) this.launch(job, token, queue, lane);
  }

  private launch(job: Job<TaskMessage>, token: string, queue: QueueName, lane: DispatchLane): void {
    const id = job.id!;
    const entry: Held = { job, token, queue, lane };
    // Taken again while an earlier run of it still goes on here: that run lost its lock unseen.
    const earlier = this.held.get(id);
    if (earlier) this.options.onLockLost?.(earlier.job);
    this.held.set(id, entry);
    void this.runJob(job, token, (end) => this.finish(id, entry, end))
      .catch((err: Error) => this.logger.error(`job ${id} on ${queue}: ${err.message}`, err.stack))
      .finally(() => {
        if (this.held.get(id) === entry) this.held.delete(id);
        this.slotFreed?.();
      });
  }

  /**
   * Ends a job and, when its queue is still the highest one with work, takes the next job of the
   * same partition's queue in the same call (BullMQ's fetchNext): one round trip instead of three
   * per task under load. Any sign of work in a higher queue turns this off until the next select.
   */
  private async finish(id: string, entry: Held, end: EndJob): Promise<void> {
    const { queue, token, lane } = entry;
    // The ending job hands its slot over, if the pool has room to start another soon.
    const fast = this.fast;
    const handedOn = fast?.handedOn.get(lane) ?? 0;
    const fetchNext =
      this.running &&
      fast?.queue === queue &&
      fast.lanes.has(lane) &&
      // Partitions tied on this queue take turns: after a streak, select again.
      (fast.lanes.size === 1 || handedOn < MAX_FAST_STREAK) &&
      (this.options.capacity?.() ?? 1) > 0;
    if (fetchNext) fast.handedOn.set(lane, handedOn + 1);
    const raw = await end(fetchNext);
    if (!fetchNext || !Array.isArray(raw) || !raw[0]) return;
    const next = await lane.worker(queue).fromRaw(raw, token);
    if (!next?.id) return;
    // The ended job hands its slot to the next one; a job taken is run, even during shutdown.
    if (this.held.get(id)?.token === token) this.held.delete(id);
    this.launch(next, token, queue, lane);
  }

  /**
   * While completions fetch from the fast queue, watches the queues above it in every partition:
   * a job added there (an event in its BullMQ stream, read from where select saw it, consuming
   * nothing other workers wait on) or a delayed one falling due there ends the fast path, so the
   * next free slot goes through select again.
   */
  private watchHigherThan(
    index: number,
    nextDelay: number,
    lanes: DispatchLane[],
    selections: Selection[],
  ): void {
    clearTimeout(this.watchTimer);
    if (nextDelay > 0) {
      this.watchTimer = setTimeout(() => this.endFastPath(), Math.max(0, nextDelay - Date.now()));
    }
    lanes.forEach((lane, i) => {
      lane.watchSpec =
        index > 0
          ? { streams: lane.eventKeys.slice(0, index), ids: selections[i].lastIds.slice(0, index) }
          : undefined;
      lane.watchWake?.();
    });
  }

  /** One XREAD at a time on the lane's watch connection; a changed spec is picked up within a second. */
  private async watchHigherQueues(lane: DispatchLane): Promise<void> {
    const client = lane.watch;
    while (this.running) {
      const spec = lane.watchSpec;
      if (!spec) {
        await new Promise<void>((resolve) => (lane.watchWake = resolve));
        continue;
      }
      try {
        const res = await client.xread('BLOCK', 1000, 'STREAMS', ...spec.streams, ...spec.ids);
        if (spec !== lane.watchSpec) continue;
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
    this.fast = undefined;
    this.stopWatch();
  }

  private stopWatch(): void {
    for (const lane of this.lanes.values()) lane.watchSpec = undefined;
    clearTimeout(this.watchTimer);
  }

  /**
   * Blocks until any served queue of any partition gets a job, or the earliest delayed job falls
   * due. A lane's wait still in flight from an earlier call is joined, not doubled; a marker it
   * takes meanwhile wakes the next call at once, so no wake-up is lost.
   */
  private async waitForWork(nextDelay: number, lanes: DispatchLane[]): Promise<void> {
    const cap = this.options.maxIdleWaitMs ?? 5000;
    const untilDue = nextDelay > 0 ? nextDelay - Date.now() : cap;
    const timeoutMs = Math.max(1, Math.min(cap, untilDue));
    let timer: NodeJS.Timeout | undefined;
    const due = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs + 50)));
    try {
      await Promise.race([due, ...lanes.map((l) => l.waitForWork(timeoutMs))]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async extendLocks(lockDuration: number): Promise<void> {
    const groups = new Map<FetchingWorkerKey, Held[]>();
    for (const h of this.held.values()) {
      const key = h.lane.worker(h.queue);
      const list = groups.get(key);
      if (list) list.push(h);
      else groups.set(key, [h]);
    }
    for (const [worker, held] of groups) {
      const queue = held[0].queue;
      try {
        const failed = await worker.extendJobLocks(
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

type FetchingWorkerKey = ReturnType<DispatchLane['worker']>;

/** The earliest of future due times (-1 for none), or -1. */
function earliest(times: number[]): number {
  const future = times.filter((t) => t > 0);
  return future.length ? Math.min(...future) : -1;
}
