import { scanKeys } from '../redis/redis-client';
import { Inject, Injectable } from '@nestjs/common';
import type { Job, JobState } from 'bullmq';
import type { TaskMessage } from '../client/apply-options';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { QUEUE_NAMES } from '../queues/queue-names';
import { QueueRegistry } from '../queues/queue-registry';
import { bullQueueKeys } from '../bullmq/queue-keys';
import { engineKeys } from '../redis/engine-keys';
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
  sent?: Pick<TaskMessage, 'args' | 'kwargs'>;
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
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
  ) {}

  get expiresSeconds(): number {
    return this.options.resultExpires;
  }

  /** Where the record of a task revoked before it ran is kept. */
  revokedKey(taskId: string): string {
    return engineKeys(this.options.prefix).revokedTask(taskId);
  }

  private get indexKey(): string {
    return engineKeys(this.options.prefix).taskIndex;
  }

  /** Adds a task to the time index (the client does it when sending; the worker for Beat's). */
  async index(taskId: string, at: number): Promise<void> {
    await this.redis.client.zadd(this.indexKey, at, taskId);
  }

  /** The task's job, whichever queue holds it, and that job's BullMQ state. */
  async findJob(
    taskId: string,
  ): Promise<{ job: Job<TaskMessage>; state: JobState | 'unknown' } | undefined> {
    const found = await this.redis.client
      .pipeline(
        QUEUE_NAMES.map((q) => ['exists', bullQueueKeys(this.options.prefix, q).job(taskId)]),
      )
      .exec();
    const i = found?.findIndex(([, n]) => n === 1) ?? -1;
    if (i < 0) return undefined;
    const queue = this.queues.get(QUEUE_NAMES[i]);
    // State first, then the job: a job only moves forward, so its fields are then at least as new
    // as its state (read the other way round, a task finishing in between would read SUCCESS
    // without its result).
    const state = await queue.getJobState(taskId);
    const job = (await queue.getJob(taskId)) as Job<TaskMessage> | undefined;
    return job ? { job, state } : undefined;
  }

  async view(taskId: string): Promise<TaskView | null> {
    const revoked = await this.redis.client.get(this.revokedKey(taskId));
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
    if (!ids.length) return new Set();
    const found = await this.redis.client
      .pipeline(ids.map((id) => ['exists', this.revokedKey(id)]))
      .exec();
    return new Set(ids.filter((_, i) => found?.[i]?.[1] === 1));
  }

  /** Keeps the record of a task revoked before it ran, whose job is gone. */
  async saveRevoked(view: TaskView): Promise<void> {
    const { record, events, sent } = view;
    await this.redis.client.set(
      this.revokedKey(record.task_id),
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
    const pattern = this.revokedKey('*');
    for await (const keys of scanKeys(this.redis.client, pattern)) {
      purged += await this.redis.client.del(...keys);
      const ids = keys.map((k) => k.slice(pattern.length - 1));
      await this.redis.client.zrem(this.indexKey, ...ids);
    }
    return purged;
  }

  /**
   * Forgets finished tasks (SUCCESS, FAILURE) that ended before `cutoff`, records and timelines,
   * and their index entries; pending and running ones are untouched. Answers how many went.
   */
  async forgetFinishedBefore(cutoff: Date): Promise<number> {
    const grace = Math.max(0, Date.now() - cutoff.getTime());
    let forgotten = 0;
    for (const queue of QUEUE_NAMES) {
      const q = this.queues.get(queue);
      for (const state of ['completed', 'failed'] as const) {
        const ids = await q.clean(grace, 0, state);
        forgotten += ids.length;
        if (ids.length) await this.redis.client.zrem(this.indexKey, ...ids);
      }
    }
    return forgotten;
  }

  /** Index entries (ids with when sent), newest first, from `position` down to `since`. */
  async indexFrom(
    position: IndexPosition,
    since: number | undefined,
    count: number,
  ): Promise<{ id: string; score: number }[]> {
    const flat = await this.redis.client.zrevrangebyscore(
      this.indexKey,
      Number.isFinite(position.score) ? position.score : '+inf',
      since ?? '-inf',
      'WITHSCORES',
      'LIMIT',
      position.skip,
      count,
    );
    const entries: { id: string; score: number }[] = [];
    for (let i = 0; i < flat.length; i += 2)
      entries.push({ id: flat[i], score: Number(flat[i + 1]) });
    return entries;
  }

  /** Ids of recent tasks, newest first. */
  async recentIds(limit: number, offset = 0): Promise<string[]> {
    return this.redis.client.zrevrange(this.indexKey, offset, offset + limit - 1);
  }

  /**
   * Forgets index entries older than the result expiry whose tasks are gone, page by page past
   * the ones still live (a far countdown keeps its entry), up to `maxScanned` entries a call.
   */
  async pruneIndex(now = Date.now(), maxScanned = PRUNE_MAX_SCANNED): Promise<number> {
    const horizon = now - this.options.resultExpires * 1000;
    let kept = 0;
    let removed = 0;
    for (let scanned = 0; scanned < maxScanned;) {
      // Entries removed leave the range, so the next page starts after the ones kept.
      const stale = await this.redis.client.zrangebyscore(
        this.indexKey,
        0,
        horizon,
        'LIMIT',
        kept,
        PRUNE_PAGE,
      );
      if (!stale.length) break;
      scanned += stale.length;
      const gone = await this.goneOf(stale);
      if (gone.length) await this.redis.client.zrem(this.indexKey, ...gone);
      removed += gone.length;
      kept += stale.length - gone.length;
      if (stale.length < PRUNE_PAGE) break;
    }
    return removed;
  }

  /** Which of `ids` have neither a job (in any queue) nor a revoked record: one round trip. */
  private async goneOf(ids: string[]): Promise<string[]> {
    const keys = ids.flatMap((id) => [
      this.revokedKey(id),
      ...QUEUE_NAMES.map((q) => bullQueueKeys(this.options.prefix, q).job(id)),
    ]);
    const exists = await this.redis.client.pipeline(keys.map((k) => ['exists', k])).exec();
    const per = QUEUE_NAMES.length + 1;
    return ids.filter((_, i) => exists?.slice(i * per, (i + 1) * per).every(([, n]) => n === 0));
  }
}
