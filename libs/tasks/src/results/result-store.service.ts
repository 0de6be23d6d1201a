import { scanKeys } from '../redis/redis-client';
import { Inject, Injectable } from '@nestjs/common';
import type { Job, JobState } from 'bullmq';
import type { TaskMessage } from '../client/apply-options';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { QUEUE_NAMES } from '../queues/queue-names';
import { QueueRegistry } from '../queues/queue-registry';
import { bullQueueKeys } from '../bullmq/queue-keys';
import { engineKeys } from '../redis/engine-keys';
import { PartitionLayout } from '../redis/partition-layout.service';
import { RedisConnection } from '../redis/redis-connection.service';
import { TaskRegistry } from '../registry/task-registry';
import type { IndexPosition } from './index-cursor';
import { recordFromJob, taskState, timelineFromJob } from './record-from-job';
import type { TaskEvent, TaskRecord } from './task-record';

/** Index entries read a page at a time when pruning, and at most this many a call. */
const PRUNE_PAGE = 1000;
const PRUNE_MAX_SCANNED = 100_000;

/** A task's record and timeline together, as read at one moment. */
export interface TaskView {
  record: TaskRecord;
  events: TaskEvent[];
  job?: Job<TaskMessage>;
  /** The arguments as sent, unmasked, to send the task again (kept with a revoked record). */
  sent?: Pick<TaskMessage, 'args' | 'kwargs' | 'partitionKey'>;
}

/**
 * The result backend. A task's record is its BullMQ job: the message, plus what BullMQ writes as
 * it moves (worker, start and end times, return value, failure), kept RESULT_EXPIRES seconds after
 * it ends. A task revoked before it ran leaves no job: its record is kept here instead. A time
 * index of task ids serves listings.
 */
@Injectable()
export class ResultStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly queues: QueueRegistry,
    private readonly registry: TaskRegistry,
    private readonly partitions: PartitionLayout,
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
  ) {}

  get expiresSeconds(): number {
    return this.options.resultExpires;
  }

  /** Where the record of a task revoked before it ran is kept, in its partition (`prefix`). */
  revokedKey(prefix: string, taskId: string): string {
    return engineKeys(prefix).revokedTask(taskId);
  }

  private indexKey(prefix: string): string {
    return engineKeys(prefix).taskIndex;
  }

  /** The key prefix of a task's partition (its id names it); undefined for none that exists. */
  prefixOf(taskId: string): Promise<string | undefined> {
    return this.partitions.prefixOfTask(taskId);
  }

  /** Adds a task to its partition's time index (the client does it when sending; the worker for Beat's). */
  async index(taskId: string, at: number): Promise<void> {
    const prefix = await this.prefixOf(taskId);
    if (prefix === undefined) throw new Error(`task ${taskId}: no such partition`);
    await this.redis.client.zadd(this.indexKey(prefix), at, taskId);
  }

  /** The task's job, whichever queue of its partition holds it, and that job's BullMQ state. */
  async findJob(
    taskId: string,
  ): Promise<{ job: Job<TaskMessage>; state: JobState | 'unknown' } | undefined> {
    const prefix = await this.prefixOf(taskId);
    if (prefix === undefined) return undefined;
    const found = await this.redis.client
      .pipeline(QUEUE_NAMES.map((q) => ['exists', bullQueueKeys(prefix, q).job(taskId)]))
      .exec();
    const i = found?.findIndex(([, n]) => n === 1) ?? -1;
    if (i < 0) return undefined;
    const queue = this.queues.in(prefix).get(QUEUE_NAMES[i]);
    // State first, then the job: a job only moves forward, so its fields are then at least as new
    // as its state (read the other way round, a task finishing in between would read SUCCESS
    // without its result).
    const state = await queue.getJobState(taskId);
    const job = (await queue.getJob(taskId)) as Job<TaskMessage> | undefined;
    return job ? { job, state } : undefined;
  }

  async view(taskId: string): Promise<TaskView | null> {
    const prefix = await this.prefixOf(taskId);
    if (prefix === undefined) return null;
    const revoked = await this.redis.client.get(this.revokedKey(prefix, taskId));
    if (revoked) return JSON.parse(revoked) as TaskView;
    const found = await this.findJob(taskId);
    if (!found) return null;
    const { job } = found;
    const state = taskState(found.state, job);
    if (!state) return null;
    const declaration = this.registry.has(job.name)
      ? this.registry.get(job.name).options
      : undefined;
    return {
      record: recordFromJob(job, state, declaration),
      events: timelineFromJob(job, state),
      job,
    };
  }

  async get(taskId: string): Promise<TaskRecord | null> {
    return (await this.view(taskId))?.record ?? null;
  }

  /** The task's state changes, oldest first. */
  async events(taskId: string): Promise<TaskEvent[]> {
    return (await this.view(taskId))?.events ?? [];
  }

  /** Which of `ids` have the record of a task revoked before it ran (see saveRevoked). */
  async revokedBeforeRun(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const byPrefix = new Map<string, string[]>();
    for (const id of ids) {
      const prefix = await this.prefixOf(id);
      if (prefix !== undefined) byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), id]);
    }
    // One pipeline per partition: a Cluster takes no pipeline across slots.
    await Promise.all(
      [...byPrefix].map(async ([prefix, some]) => {
        const exists = await this.redis.client
          .pipeline(some.map((id) => ['exists', this.revokedKey(prefix, id)]))
          .exec();
        some.forEach((id, i) => exists?.[i]?.[1] === 1 && found.add(id));
      }),
    );
    return found;
  }

  /** Keeps the record of a task revoked before it ran, whose job is gone. */
  async saveRevoked(view: TaskView): Promise<void> {
    const { record, events, sent } = view;
    const prefix = (await this.prefixOf(record.task_id)) ?? this.options.prefix;
    await this.redis.client.set(
      this.revokedKey(prefix, record.task_id),
      JSON.stringify({ record, events, sent }),
      'EX',
      this.options.resultExpires,
    );
  }

  /**
   * Celery's `purge results`: forgets every finished task (SUCCESS, FAILURE, REVOKED); pending and
   * running ones are untouched. Answers how many records went.
   */
  async purge(): Promise<number> {
    let purged = await this.forgetFinishedBefore(new Date());
    for (const prefix of await this.partitions.all()) {
      const pattern = this.revokedKey(prefix, '*');
      for await (const keys of scanKeys(this.redis.client, pattern)) {
        // One partition's keys share its slot: one call each.
        purged += await this.redis.client.del(...keys);
        const ids = keys.map((k) => k.slice(pattern.length - 1));
        await this.redis.client.zrem(this.indexKey(prefix), ...ids);
      }
    }
    return purged;
  }

  /**
   * Forgets finished tasks (SUCCESS, FAILURE) that ended before `cutoff`, records and timelines,
   * and their index entries, in every partition; pending and running ones are untouched. Answers
   * how many went.
   */
  async forgetFinishedBefore(cutoff: Date): Promise<number> {
    const grace = Math.max(0, Date.now() - cutoff.getTime());
    let forgotten = 0;
    for (const prefix of await this.partitions.all()) {
      const queues = this.queues.in(prefix);
      for (const queue of QUEUE_NAMES) {
        for (const state of ['completed', 'failed'] as const) {
          const ids = await queues.get(queue).clean(grace, 0, state);
          forgotten += ids.length;
          if (ids.length) await this.redis.client.zrem(this.indexKey(prefix), ...ids);
        }
      }
    }
    return forgotten;
  }

  /**
   * Index entries (ids with when sent), newest first, from `position` down to `since`, over every
   * partition: each partition's index is read from the same position and the pages merged, in the
   * order one sorted set would give (score, then id, both descending), so that `position.skip`
   * (entries at exactly its score already read) counts the same whatever the partitions.
   */
  async indexFrom(
    position: IndexPosition,
    since: number | undefined,
    count: number,
  ): Promise<{ id: string; score: number }[]> {
    const prefixes = await this.partitions.all();
    const pages = await Promise.all(
      prefixes.map((prefix) =>
        this.redis.client.zrevrangebyscore(
          this.indexKey(prefix),
          Number.isFinite(position.score) ? position.score : '+inf',
          since ?? '-inf',
          'WITHSCORES',
          'LIMIT',
          prefixes.length === 1 ? position.skip : 0,
          prefixes.length === 1 ? count : position.skip + count,
        ),
      ),
    );
    const entries: { id: string; score: number }[] = [];
    for (const flat of pages)
      for (let i = 0; i < flat.length; i += 2)
        entries.push({ id: flat[i], score: Number(flat[i + 1]) });
    if (prefixes.length === 1) return entries;
    entries.sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return entries.slice(position.skip, position.skip + count);
  }

  /** Ids of recent tasks, newest first. */
  async recentIds(limit: number, offset = 0): Promise<string[]> {
    const entries = await this.indexFrom({ score: Infinity, skip: offset }, undefined, limit);
    return entries.map((e) => e.id);
  }

  /**
   * Forgets index entries older than the result expiry whose tasks are gone, page by page past
   * the ones still live (a far countdown keeps its entry), up to `maxScanned` entries a call and
   * partition.
   */
  async pruneIndex(now = Date.now(), maxScanned = PRUNE_MAX_SCANNED): Promise<number> {
    let removed = 0;
    for (const prefix of await this.partitions.all())
      removed += await this.pruneIndexOf(prefix, now, maxScanned);
    return removed;
  }

  private async pruneIndexOf(prefix: string, now: number, maxScanned: number): Promise<number> {
    const horizon = now - this.options.resultExpires * 1000;
    const indexKey = this.indexKey(prefix);
    let kept = 0;
    let removed = 0;
    for (let scanned = 0; scanned < maxScanned;) {
      // Entries removed leave the range, so the next page starts after the ones kept.
      const stale = await this.redis.client.zrangebyscore(
        indexKey,
        0,
        horizon,
        'LIMIT',
        kept,
        PRUNE_PAGE,
      );
      if (!stale.length) break;
      scanned += stale.length;
      const gone = await this.goneOf(prefix, stale);
      if (gone.length) await this.redis.client.zrem(indexKey, ...gone);
      removed += gone.length;
      kept += stale.length - gone.length;
      if (stale.length < PRUNE_PAGE) break;
    }
    return removed;
  }

  /** Which of `ids` have neither a job (in any queue) nor a revoked record: one round trip. */
  private async goneOf(prefix: string, ids: string[]): Promise<string[]> {
    const keys = ids.flatMap((id) => [
      this.revokedKey(prefix, id),
      ...QUEUE_NAMES.map((q) => bullQueueKeys(prefix, q).job(id)),
    ]);
    const exists = await this.redis.client.pipeline(keys.map((k) => ['exists', k])).exec();
    const per = QUEUE_NAMES.length + 1;
    return ids.filter((_, i) => exists?.slice(i * per, (i + 1) * per).every(([, n]) => n === 0));
  }
}
