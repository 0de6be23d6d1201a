import {
  type FetchingWorker,
  openQueueWorker,
  type QueueWorkerOptions,
} from '../bullmq/fetching-worker';
import { bullQueueKeys } from '../bullmq/queue-keys';
import { QueueSelector, type Selection } from '../bullmq/queue-selector';
import type { QueueName } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-client';

/**
 * What a dispatcher holds for one partition it serves: a BullMQ worker per served queue, the
 * selector over them, and two connections of its own (the idle wait on its markers, the watch of
 * its higher queues' streams): a Cluster takes no blocking call across partitions' slots.
 */
export class DispatchLane {
  readonly workers = new Map<QueueName, FetchingWorker>();
  readonly selector: QueueSelector;
  readonly markerKeys: string[];
  readonly eventKeys: string[];
  /** The idle wait in flight on this lane's markers, if any (see Dispatcher.waitForWork). */
  pendingWait?: Promise<void>;
  /** Streams (and positions) of the queues above the fast path's; none when not on it. */
  watchSpec?: { streams: string[]; ids: string[] };
  watchWake?: () => void;
  watchLoop?: Promise<void>;

  constructor(
    /** The partition's key prefix. */
    readonly prefix: string,
    readonly queues: readonly QueueName[],
    client: RedisClient,
    readonly blocking: RedisClient,
    readonly watch: RedisClient,
  ) {
    this.selector = new QueueSelector(client, prefix, queues);
    const keys = queues.map((q) => bullQueueKeys(prefix, q));
    this.markerKeys = keys.map((k) => k.marker);
    this.eventKeys = keys.map((k) => k.events);
  }

  async open(options: Omit<QueueWorkerOptions, 'prefix'>): Promise<void> {
    for (const queue of this.queues) {
      this.workers.set(queue, await openQueueWorker(queue, { ...options, prefix: this.prefix }));
    }
  }

  select(now: number): Promise<Selection> {
    return this.selector.select(now);
  }

  worker(queue: QueueName): FetchingWorker {
    return this.workers.get(queue)!;
  }

  /** Blocks (up to `timeoutMs`) until one of this lane's queues may have work; shared while in flight. */
  waitForWork(timeoutMs: number): Promise<void> {
    this.pendingWait ??= (async () => {
      const client = this.blocking;
      if (client.status === 'end' || client.status === 'close') await client.connect();
      // BZPOPMIN takes seconds with decimals; a marker for a delayed job has its due time as score.
      await client.bzpopmin(...this.markerKeys, (timeoutMs / 1000).toFixed(3));
    })()
      // A failed wait ends like a timeout: the next select says whether Redis is back.
      .catch(() => undefined)
      .finally(() => (this.pendingWait = undefined));
    return this.pendingWait;
  }

  /** Stops waiting and watching (ends a BZPOPMIN or XREAD in flight). */
  disconnect(): void {
    this.watchSpec = undefined;
    this.watchWake?.();
    this.watch.disconnect();
    this.blocking.disconnect();
  }

  async close(): Promise<void> {
    // force: do not wait for jobs we never handed to BullMQ's own processing loop.
    await Promise.all([...this.workers.values()].map((w) => w.close(true)));
  }
}
