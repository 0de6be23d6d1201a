import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { type BullQueueKeys, bullQueueKeys } from '../bullmq/queue-keys';
import { QUEUE_NAMES, type QueueName } from './queue-names';

/** The BullMQ queue of each named queue, as registered with @nestjs/bullmq. */
@Injectable()
export class QueueRegistry {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly moduleRef: ModuleRef) {}

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

  /** BullMQ's Redis keys of a queue: for reads many jobs at once, which BullMQ has no call for. */
  keys(name: QueueName): BullQueueKeys {
    return bullQueueKeys(this.get(name).opts.prefix ?? 'bull', name);
  }

  /**
   * The event streams of every queue, in QUEUE_NAMES order: each entry says a job moved (its
   * `event` and `jobId` fields). Read them with XREAD to follow every task's state changes.
   */
  eventStreams(): string[] {
    return QUEUE_NAMES.map((name) => this.keys(name).events);
  }
}
