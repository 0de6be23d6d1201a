import { Injectable } from '@nestjs/common';
import { QUEUE_NAMES, QUEUE_PRIORITIES, type QueueName } from '../queues/queue-names';
import { QueueRegistry } from '../queues/queue-registry';
import { PartitionLayout } from '../redis/partition-layout.service';
import { mastersOfPartitions } from '../redis/partition-registry';
import { RedisConnection } from '../redis/redis-connection.service';
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

/** A partition as `info` shows it. */
export interface PartitionView {
  partition: number;
  /** Its key prefix (on a Cluster, its hash tag). */
  prefix: string;
  /** The master its slot lies on now (a Cluster), or the one master. */
  master: string;
  /** New tasks go to it (one of the first REDIS_PARTITIONS); else it only drains. */
  sending: boolean;
  /** Ready tasks, all queues. */
  depth: number;
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
  constructor(
    private readonly queues: QueueRegistry,
    private readonly layout: PartitionLayout,
    private readonly redis: RedisConnection,
  ) {}

  /** Every registered partition: where it lies and what it holds. */
  async partitions(): Promise<PartitionView[]> {
    const prefixes = await this.layout.refresh();
    const [masters, topology, counts] = await Promise.all([
      mastersOfPartitions(this.redis.client, prefixes),
      this.redis.topology(),
      Promise.all(
        prefixes.map((prefix) =>
          Promise.all(
            QUEUE_NAMES.map((q) =>
              this.queues
                .in(prefix)
                .get(q)
                .getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
            ),
          ),
        ),
      ),
    ]);
    return prefixes.map((prefix, partition) => {
      const sum = (...states: string[]) =>
        counts[partition].reduce((n, c) => n + states.reduce((m, s) => m + (c[s] ?? 0), 0), 0);
      return {
        partition,
        prefix,
        master: masters?.[partition] ?? topology.master,
        sending: partition < this.layout.configured,
        depth: sum('waiting', 'prioritized'),
        scheduled: sum('delayed'),
        active: sum('active'),
      };
    });
  }

  /**
   * Every queue's counts, highest priority first, summed over the partitions; the queues are read
   * in parallel.
   */
  async counts(): Promise<QueueCounts[]> {
    const partitions = await this.queues.everyPartition();
    return Promise.all(
      QUEUE_NAMES.map(async (queue) => {
        const counts = await Promise.all(
          partitions.map((p) =>
            p.get(queue).getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
          ),
        );
        const sum = (state: string) => counts.reduce((n, c) => n + (c[state] ?? 0), 0);
        return {
          queue,
          waiting: sum('waiting'),
          prioritized: sum('prioritized'),
          delayed: sum('delayed'),
          active: sum('active'),
        };
      }),
    );
  }

  /** Every queue's depth, with the ready tasks per task priority. */
  async depths(): Promise<QueueDepth[]> {
    const partitions = await this.queues.everyPartition();
    const [counts, perPriority] = await Promise.all([
      this.counts(),
      Promise.all(
        QUEUE_NAMES.map(async (queue) => {
          const each = await Promise.all(
            partitions.map((p) =>
              p.get(queue).getCountsPerPriority(TASK_PRIORITIES.map(toBullPriority)),
            ),
          );
          const sum: Record<string, number> = {};
          for (const counts of each)
            for (const [k, n] of Object.entries(counts)) sum[k] = (sum[k] ?? 0) + (n ?? 0);
          return sum;
        }),
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
