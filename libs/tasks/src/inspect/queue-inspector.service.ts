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

/** Read-only views of the queues for monitoring. */
@Injectable()
export class QueueInspector {
  constructor(private readonly queues: QueueRegistry) {}

  async depths(): Promise<QueueDepth[]> {
    return Promise.all(
      QUEUE_NAMES.map(async (queue) => {
        const c = await this.queues
          .get(queue)
          .getJobCounts('waiting', 'prioritized', 'delayed', 'active');
        return {
          queue,
          priority: QUEUE_PRIORITIES[queue],
          depth: (c.waiting ?? 0) + (c.prioritized ?? 0),
          scheduled: c.delayed ?? 0,
          active: c.active ?? 0,
        };
      }),
    );
  }
}
