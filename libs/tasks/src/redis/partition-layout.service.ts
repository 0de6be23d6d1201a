import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { TaskInputError } from '../errors/task-errors';
import { choosePartition, partitionOfTaskId, taskIdIn, topologyKindOf } from './key-layout';
import { ensurePartitions, readPartitions } from './partition-registry';
import { RedisConnection } from './redis-connection.service';

/** How long a read of the registry is trusted: it only grows, so a stale read misses nothing sent to us. */
const REFRESH_MS = 5000;

/** Where a new task goes. */
export interface Placement {
  taskId: string;
  partition: number;
  prefix: string;
}

/**
 * The partitions (REDIS_PARTITIONS): each a key prefix of its own, BullMQ's five queues and the
 * task keys under it; on a Cluster each has its own hash tag, so partitions land on different
 * masters. Partition 0 is the prefix of before (nothing moves with one partition) and holds what
 * is process-wide (workers, beat, control, metrics, this registry).
 *
 * The registry (a list under partition 0) only grows, so a task's keys never move: a process
 * configured with N grows it to N; senders use its first N; workers serve every entry, so that
 * lowering N drains the partitions above instead of stranding them. A task's id names its
 * partition (partitionOfTaskId), so that a lookup by id reaches it in one step.
 */
@Injectable()
export class PartitionLayout implements OnApplicationBootstrap {
  private readonly logger = new Logger(PartitionLayout.name);
  private registered: string[];
  private readAt = 0;
  private reading?: Promise<string[]>;
  private ensured?: Promise<string[]>;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
  ) {
    this.registered = [options.prefix];
  }

  /** REDIS_PARTITIONS: how many partitions new tasks are spread over. */
  get configured(): number {
    return this.options.partitions;
  }

  /** Partition 0's prefix: process-wide keys live there. */
  get base(): string {
    return this.options.prefix;
  }

  onApplicationBootstrap(): void {
    // Not awaited: a process starting while Redis is away must still start; senders wait for it.
    if (this.configured > 1) void this.ensure().catch(() => undefined);
  }

  /** Grows the registry to REDIS_PARTITIONS entries (once per process, again after a failure). */
  ensure(): Promise<string[]> {
    this.ensured ??= ensurePartitions(
      this.redis.client,
      this.base,
      topologyKindOf(this.options.redisUrl),
      this.configured,
    ).then(
      (list) => this.remember(list),
      (err: Error) => {
        this.ensured = undefined;
        this.logger.warn(`partition registry: ${err.message}`);
        throw err;
      },
    );
    return this.ensured;
  }

  /** Every registered partition's prefix, by partition number (re-read every few seconds). */
  async all(): Promise<string[]> {
    if (Date.now() - this.readAt < REFRESH_MS) return this.registered;
    return this.refresh();
  }

  /** Re-reads the registry now. */
  refresh(): Promise<string[]> {
    this.reading ??= readPartitions(this.redis.client, this.base)
      .then((list) => this.remember(list))
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  /**
   * The prefixes of the partitions a worker serves: every registered one (so that lowering
   * REDIS_PARTITIONS drains the partitions above it), or those numbered in `subset`.
   */
  async served(subset?: readonly number[]): Promise<string[]> {
    const all = await this.all();
    return subset ? all.filter((_, i) => subset.includes(i)) : all;
  }

  /** The prefix of a task's partition (named by its id); undefined if no such partition exists. */
  async prefixOfTask(taskId: string): Promise<string | undefined> {
    return this.prefixOf(partitionOfTaskId(taskId));
  }

  /** The prefix of `partition`, reading the registry again when it is not known here yet. */
  async prefixOf(partition: number): Promise<string | undefined> {
    if (partition === 0) return this.base;
    if (partition < this.registered.length) return this.registered[partition];
    return (await this.refresh())[partition];
  }

  /**
   * Places a new task: a caller's task id keeps the partition it names; otherwise the partition
   * key (same key, same partition) or chance picks one of the first REDIS_PARTITIONS.
   */
  async place(taskId?: string, partitionKey?: string): Promise<Placement> {
    if (taskId !== undefined) {
      const partition = partitionOfTaskId(taskId);
      const prefix = await this.prefixOf(partition);
      if (prefix === undefined)
        throw new TaskInputError(
          `task id ${taskId} names partition ${partition}, which does not exist`,
          'task_id',
        );
      return { taskId, partition, prefix };
    }
    const sendable = this.configured > 1 ? await this.ensure() : [this.base];
    const partition = choosePartition(Math.min(this.configured, sendable.length), partitionKey);
    return { taskId: taskIdIn(partition, randomUUID()), partition, prefix: sendable[partition] };
  }

  private remember(list: string[]): string[] {
    if (list.length >= this.registered.length) this.registered = list;
    this.readAt = Date.now();
    return this.registered;
  }
}
