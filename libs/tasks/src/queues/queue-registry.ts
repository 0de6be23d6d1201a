import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
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
}
