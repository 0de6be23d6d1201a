import { Injectable } from '@nestjs/common';
import { QUEUE_NAMES, QUEUE_PRIORITIES, type QueueName } from '../queues/queue-names';
import { QueueRegistry } from '../queues/queue-registry';

export interface QueueDepth {
  queue: QueueName;
  priority: number;
  /** Ready to run: waiting and prioritized. */
  depth: number;
  /** Waiting for a countdown, ETA or retry delay. */
  scheduled: number;
  active: number;
}

/** BullMQ's job counts of a queue, in the states monitoring looks at. */
export interface QueueCounts {
  queue: QueueName;
  /** Ready, without a task priority (BullMQ's wait list). */
  waiting: number;
  /** Ready, with a task priority. */
  prioritized: number;
  /** Waiting for a countdown, ETA or retry delay. */
  delayed: number;
  /** Taken by a worker (running or reserved). */
  active: number;
}

/** Read-only views of the queues for monitoring. */
@Injectable()
export class QueueInspector {
  constructor(private readonly queues: QueueRegistry) {}

  /** Every queue's counts, highest priority first; the queues are read in parallel. */
  async counts(): Promise<QueueCounts[]> {
    return Promise.all(
      QUEUE_NAMES.map(async (queue) => {
        const c = await this.queues
          .get(queue)
          .getJobCounts('waiting', 'prioritized', 'delayed', 'active');
        return {
          queue,
          waiting: c.waiting ?? 0,
          prioritized: c.prioritized ?? 0,
          delayed: c.delayed ?? 0,
          active: c.active ?? 0,
        };
      }),
    );
  }

  async depths(): Promise<QueueDepth[]> {
    return (await this.counts()).map((c) => ({
      queue: c.queue,
      priority: QUEUE_PRIORITIES[c.queue],
      depth: c.waiting + c.prioritized,
      scheduled: c.delayed,
      active: c.active,
    }));
  }
}
