import { Injectable, Logger } from '@nestjs/common';
import type { RedisClient } from '@brain/tasks';
import { Observable, share } from 'rxjs';
import {
  isSchedulerJobId,
  QUEUE_NAMES,
  QueueRegistry,
  RedisConnection,
  ResultStore,
  RevocationService,
  type RevocationMessage,
  type TaskRecord,
} from '@brain/tasks';

/** Task records that changed state, as one batch. */
export interface TaskUpdates {
  tasks: TaskRecord[];
  /**
   * More tasks changed than one batch carries: a page showing a list should read it again
   * rather than wait for each record.
   */
  overflow: boolean;
}

/** BullMQ stream events that move a task from one state to another. */
const STATE_EVENTS = new Set([
  'added',
  'waiting',
  'prioritized',
  'delayed',
  'active',
  'completed',
  'failed',
  'removed',
  'stalled',
]);
/** Changes are gathered this long, so that a task going PENDING-STARTED-SUCCESS at once is read once. */
const FLUSH_MS = 250;
/** Records read per batch; beyond that, pages are told to reload instead. */
const MAX_BATCH = 100;
const BLOCK_MS = 1000;
/** How often partitions registered meanwhile are looked for. */
const PARTITIONS_CHECK_MS = 10_000;

/**
 * Task state changes, live: one XREAD over every queue's BullMQ event stream per partition (each
 * on a connection of its own: a Cluster takes no XREAD across slots), plus the engine's
 * revocation broadcasts (a task revoked before it ran leaves its queue without a BullMQ event
 * that says so). Ids are gathered for FLUSH_MS, then their records are read once from the
 * result store (so arguments come masked, and states are the engine's) and sent to every page.
 * Nothing runs while no page listens.
 */
@Injectable()
export class TaskFeed {
  private readonly logger = new Logger('Dashboard');

  readonly updates$: Observable<TaskUpdates> = new Observable<TaskUpdates>((subscriber) => {
    const pending = new Set<string>();
    let stopped = false;
    const readers = new Map<string, RedisClient>();
    const listener = this.redis.create('dashboard-revocations');

    const follow = () =>
      this.queues
        .everyPartition()
        .then((partitions) => {
          for (const partition of partitions) {
            if (stopped || readers.has(partition.prefix)) continue;
            const reader = this.redis.create(`dashboard-feed-${readers.size}`);
            readers.set(partition.prefix, reader);
            const keys = QUEUE_NAMES.map((q) => partition.keys(q).events);
            void this.readStreams(reader, keys, pending, () => stopped);
          }
        })
        .catch((err: Error) => this.logger.warn(`partitions not read: ${err.message}`));
    void follow();
    const partitionsTimer = setInterval(() => void follow(), PARTITIONS_CHECK_MS);
    void listener.subscribe(this.revocations.channel).catch((err: Error) => {
      if (!stopped) this.logger.warn(`revocations not followed: ${err.message}`);
    });
    listener.on('message', (_channel: string, raw: string) => {
      try {
        pending.add((JSON.parse(raw) as RevocationMessage).taskId);
      } catch {
        // Not ours to judge: the revocation itself went through.
      }
    });

    let flushing = false;
    const timer = setInterval(() => {
      if (flushing || !pending.size) return;
      flushing = true;
      void this.flush(pending)
        .then(
          (updates) => updates.tasks.length + Number(updates.overflow) && subscriber.next(updates),
        )
        .catch((err: Error) => this.logger.warn(`task updates not read: ${err.message}`))
        .finally(() => (flushing = false));
    }, FLUSH_MS);

    return () => {
      stopped = true;
      clearInterval(timer);
      clearInterval(partitionsTimer);
      for (const reader of readers.values()) reader.disconnect();
      listener.disconnect();
    };
  }).pipe(share());

  constructor(
    private readonly redis: RedisConnection,
    private readonly queues: QueueRegistry,
    private readonly results: ResultStore,
    private readonly revocations: RevocationService,
  ) {}

  private async flush(pending: Set<string>): Promise<TaskUpdates> {
    const overflow = pending.size > MAX_BATCH;
    const ids = overflow ? [] : [...pending];
    pending.clear();
    const records = await Promise.all(ids.map((id) => this.results.get(id)));
    return { tasks: records.filter((r): r is TaskRecord => r !== null), overflow };
  }

  /**
   * Follows every queue's event stream from now on, adding the ids of tasks that moved. While
   * RedisClient is away it tries again every BLOCK_MS, saying so once.
   */
  private async readStreams(
    client: RedisClient,
    keys: string[],
    pending: Set<string>,
    stopped: () => boolean,
  ): Promise<void> {
    let failing = false;
    while (!stopped()) {
      try {
        // From the newest entry of each stream: '$' would lose what comes between two reads.
        const ids = await Promise.all(
          keys.map(async (k) => (await client.xrevrange(k, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0'),
        );
        if (failing) this.logger.log('queue events followed again');
        failing = false;
        while (!stopped()) {
          const res = await client.xread('BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...ids);
          for (const [stream, entries] of res ?? []) {
            const i = keys.indexOf(stream);
            for (const [id, fields] of entries) {
              ids[i] = id;
              const event = field(fields, 'event');
              const jobId = field(fields, 'jobId');
              if (event && STATE_EVENTS.has(event) && jobId && !isSchedulerJobId(jobId))
                pending.add(jobId);
            }
          }
        }
      } catch (err) {
        if (stopped()) return;
        if (!failing) this.logger.warn(`queue events not followed: ${(err as Error).message}`);
        failing = true;
        await new Promise((r) => setTimeout(r, BLOCK_MS));
      }
    }
  }
}

/** A field of a stream entry ([name, value, name, value...]). */
function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i < fields.length - 1; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
