import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { type BullQueueKeys, bullQueueKeys } from '../bullmq/queue-keys';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { PartitionLayout } from '../redis/partition-layout.service';
import { RedisConnection } from '../redis/redis-connection.service';
import { QUEUE_NAMES, type QueueName } from './queue-names';

/** The five queues of one partition (one key prefix). */
export interface PartitionQueues {
  prefix: string;
  get(name: QueueName): Queue;
  /** BullMQ's Redis keys of a queue: for reads many jobs at once, which BullMQ has no call for. */
  keys(name: QueueName): BullQueueKeys;
}

/**
 * The BullMQ queue of each named queue: partition 0's as registered with @nestjs/bullmq, those of
 * other partitions (PartitionLayout) opened here on first use.
 */
@Injectable()
export class QueueRegistry implements OnApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();
  private readonly partitions = new Map<string, Map<QueueName, Queue>>();

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly redis: RedisConnection,
    private readonly layout: PartitionLayout,
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
  ) {}

  /** A queue of partition 0. */
  get(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      this.queues.set(name, queue);
    }
    return queue;
  }

  all(): Array<[QueueName, Queue]> {
    return QUEUE_NAMES.map((name) => [name, this.get(name)]);
  }

  /** The queues of the partition with this key prefix. */
  in(prefix: string): PartitionQueues {
    return {
      prefix,
      get: (name) => this.queueIn(prefix, name),
      keys: (name) => bullQueueKeys(prefix, name),
    };
  }

  /** The queues of every registered partition (lists and counts cover them all). */
  async everyPartition(): Promise<PartitionQueues[]> {
    return (await this.layout.all()).map((prefix) => this.in(prefix));
  }

  /** The queues of the partition a task id names; undefined for a partition that does not exist. */
  async ofTask(taskId: string): Promise<PartitionQueues | undefined> {
    const prefix = await this.layout.prefixOfTask(taskId);
    return prefix === undefined ? undefined : this.in(prefix);
  }

  async onApplicationShutdown(): Promise<void> {
    const opened = [...this.partitions.values()].flatMap((m) => [...m.values()]);
    await Promise.all(opened.map((q) => q.close().catch(() => undefined)));
  }

  private queueIn(prefix: string, name: QueueName): Queue {
    if (prefix === this.options.prefix) return this.get(name);
    let queues = this.partitions.get(prefix);
    if (!queues) this.partitions.set(prefix, (queues = new Map<QueueName, Queue>()));
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.redis.bullConnection(this.options.failFast),
        prefix,
      });
      queues.set(name, queue);
    }
    return queue;
  }
}
