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

const TASK_PRIORITIES = Array.from(
  { length: MAX_TASK_PRIORITY - MIN_TASK_PRIORITY + 1 },
  (_, i) => MIN_TASK_PRIORITY + i,
);

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

  /** Every queue's depth, with the ready tasks per task priority. */
  async depths(): Promise<QueueDepth[]> {
    const [counts, perPriority] = await Promise.all([
      this.counts(),
      Promise.all(
        QUEUE_NAMES.map((queue) =>
          this.queues.get(queue).getCountsPerPriority(TASK_PRIORITIES.map(toBullPriority)),
        ),
      ),
    ]);
    return counts.map((c, i) => {
      const byPriority: Record<number, number> = {};
      for (const p of TASK_PRIORITIES) byPriority[p] = perPriority[i][toBullPriority(p)] ?? 0;
      return {
        queue: c.queue,
        priority: QUEUE_PRIORITIES[c.queue],
        depth: c.waiting + c.prioritized,
        by_priority: byPriority,
        scheduled: c.delayed,
        active: c.active,
      };
    });
  }
}
