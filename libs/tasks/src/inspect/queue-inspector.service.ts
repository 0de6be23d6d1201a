import { Injectable } from '@nestjs/common';
import { QUEUE_NAMES, QUEUE_PRIORITIES, type QueueName } from '../queues/queue-names';
import { QueueRegistry } from '../queues/queue-registry';
import { MAX_TASK_PRIORITY, MIN_TASK_PRIORITY, toBullPriority } from '../queues/task-priority';

export interface QueueDepth {
  queue: QueueName;
  priority: number;
  /** Ready to run: waiting and prioritized. */
  depth: number;
  /** Of depth: how many ready tasks carry each task priority (0-9; 9 runs first). */
  by_priority: Record<number, number>;
  /** Waiting for a countdown, ETA or retry delay. */
  scheduled: number;
  active: number;
}

const TASK_PRIORITIES = Array.from(
  { length: MAX_TASK_PRIORITY - MIN_TASK_PRIORITY + 1 },
  (_, i) => MIN_TASK_PRIORITY + i,
);

/** Read-only views of the queues for monitoring. */
@Injectable()
export class QueueInspector {
  constructor(private readonly queues: QueueRegistry) {}

  async depths(): Promise<QueueDepth[]> {
    return Promise.all(
      QUEUE_NAMES.map(async (queue) => {
        const q = this.queues.get(queue);
        const [c, perBull] = await Promise.all([
          q.getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
          q.getCountsPerPriority(TASK_PRIORITIES.map(toBullPriority)),
        ]);
        const byPriority: Record<number, number> = {};
        for (const p of TASK_PRIORITIES) byPriority[p] = perBull[toBullPriority(p)] ?? 0;
        return {
          queue,
          priority: QUEUE_PRIORITIES[queue],
          depth: (c.waiting ?? 0) + (c.prioritized ?? 0),
          by_priority: byPriority,
          scheduled: c.delayed ?? 0,
          active: c.active ?? 0,
        };
      }),
    );
  }
}
