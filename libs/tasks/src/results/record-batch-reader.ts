import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import {
  addNameAndWorkerRead,
  addStateReads,
  STATE_READS,
  stateFromReads,
} from '../bullmq/job-state-reads';
import type { TaskMessage } from '../client/apply-options';
import { QUEUE_NAMES, type QueueName } from '../queues/queue-names';
import { QueueRegistry } from '../queues/queue-registry';
import { RedisConnection } from '../redis/redis-connection.service';
import { TaskRegistry } from '../registry/task-registry';
import { recordFromJob, taskState } from './record-from-job';
import { ResultStore, type TaskView } from './result-store.service';
import type { TaskRecord } from './task-record';

/** What one cheap read tells of a task: enough to apply a listing's name, queue and worker filters. */
export interface RecordGlimpse {
  id: string;
  /** The record of a task revoked before it ran (its job is gone). */
  revoked?: TaskRecord;
  /** The queue holding its job, if one does. */
  queue?: QueueName;
  name?: string;
  worker: string | null;
}

/**
 * Task records read many at a time, for listings: a batch costs two round trips (a glimpse of
 * each, then the full records of those still wanted) whatever its size, where reading records one
 * by one (ResultStore.view) costs several round trips each.
 */
@Injectable()
export class RecordBatchReader {
  constructor(
    private readonly redis: RedisConnection,
    private readonly queues: QueueRegistry,
    private readonly registry: TaskRegistry,
    private readonly results: ResultStore,
  ) {}

  /**
   * One round trip per partition (in parallel): each task's revoked record, or the queue, name
   * and worker of its job. A task of a partition that does not exist is a glimpse of nothing.
   */
  async glimpse(ids: readonly string[]): Promise<RecordGlimpse[]> {
    const byPrefix = await this.byPartition(ids);
    const found = new Map<string, RecordGlimpse>();
    await Promise.all(
      [...byPrefix].map(async ([prefix, some]) => {
        for (const g of await this.glimpseIn(prefix, some)) found.set(g.id, g);
      }),
    );
    return ids.map((id) => found.get(id) ?? { id, worker: null });
  }

  private async glimpseIn(prefix: string, ids: readonly string[]): Promise<RecordGlimpse[]> {
    const queues = this.queues.in(prefix);
    const pipeline = this.redis.client.pipeline();
    for (const id of ids) {
      pipeline.get(this.results.revokedKey(prefix, id));
      for (const q of QUEUE_NAMES) addNameAndWorkerRead(pipeline, queues.keys(q), id);
    }
    const replies = (await pipeline.exec()) ?? [];
    const per = QUEUE_NAMES.length + 1;
    return ids.map((id, i) => {
      const [err, revoked] = replies[i * per] ?? [];
      if (err) throw err;
      if (typeof revoked === 'string')
        return { id, revoked: (JSON.parse(revoked) as TaskView).record, worker: null };
      for (let q = 0; q < QUEUE_NAMES.length; q++) {
        const [hmErr, fields] = replies[i * per + 1 + q] ?? [];
        if (hmErr) throw hmErr;
        const [name, worker] = fields as (string | null)[];
        if (name !== null) return { id, queue: QUEUE_NAMES[q], name, worker: worker ?? null };
      }
      return { id, worker: null };
    });
  }

  /**
   * The records of `glimpses`, by task id: per partition, one atomic round trip (MULTI) reads
   * their states, then their jobs are read together. State first, as ResultStore.findJob does: a
   * job only moves forward, so its fields are at least as new as its state. Tasks gone meanwhile
   * are left out.
   */
  async records(glimpses: readonly RecordGlimpse[]): Promise<Map<string, TaskRecord>> {
    const found = new Map<string, TaskRecord>();
    const jobs: { id: string; queue: QueueName }[] = [];
    for (const g of glimpses) {
      if (g.revoked) found.set(g.id, g.revoked);
      else if (g.queue) jobs.push({ id: g.id, queue: g.queue });
    }
    const byPrefix = await this.byPartition(jobs.map((j) => j.id));
    const queueOf = new Map(jobs.map((j) => [j.id, j.queue]));
    await Promise.all(
      [...byPrefix].map(([prefix, ids]) =>
        this.recordsIn(
          prefix,
          ids.map((id) => ({ id, queue: queueOf.get(id)! })),
          found,
        ),
      ),
    );
    return found;
  }

  private async recordsIn(
    prefix: string,
    jobs: { id: string; queue: QueueName }[],
    found: Map<string, TaskRecord>,
  ): Promise<void> {
    const queues = this.queues.in(prefix);
    const tx = this.redis.client.multi();
    for (const { id, queue } of jobs) {
      addStateReads(tx, queues.keys(queue), id);
    }
    const replies = (await tx.exec()) ?? [];
    // Sent together: ioredis writes them back to back, one round trip in effect.
    const read = await Promise.all(
      jobs.map(({ id, queue }) => Job.fromId<TaskMessage>(queues.get(queue), id)),
    );
    jobs.forEach(({ id }, i) => {
      const reply = replies.slice(i * STATE_READS, (i + 1) * STATE_READS).map(([err, value]) => {
        if (err) throw err;
        return value;
      });
      const job = read[i];
      if (!job) return;
      const state = taskState(stateFromReads(reply), job);
      if (!state) return;
      const declaration = this.registry.has(job.name)
        ? this.registry.get(job.name).options
        : undefined;
      found.set(id, recordFromJob(job, state, declaration));
    });
  }

  /** `ids` by the prefix of their partition (ids of a partition that does not exist left out). */
  private async byPartition(ids: readonly string[]): Promise<Map<string, string[]>> {
    const groups = new Map<string, string[]>();
    for (const id of ids) {
      const prefix = await this.results.prefixOf(id);
      if (prefix === undefined) continue;
      const group = groups.get(prefix);
      if (group) group.push(id);
      else groups.set(prefix, [id]);
    }
    return groups;
  }
}
