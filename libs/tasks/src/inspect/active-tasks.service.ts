import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { TaskMessage } from '../client/apply-options';
import { QUEUE_NAMES } from '../queues/queue-names';
import { QueueRegistry } from '../queues/queue-registry';
import { TaskRegistry } from '../registry/task-registry';
import { heldTask } from './held-task';
import type { HeldTask, WorkerHeartbeat } from './worker-heartbeat';
import { WorkerDirectory } from './worker-directory.service';

/** A task running now: where, and (from its worker's heartbeat) in which process. */
export interface ActiveTask extends HeldTask {
  worker: string;
  /**
   * Taken by its worker ahead of time (prefetch) and waiting there for a free child, as its
   * worker's last heartbeat said; its record already reads STARTED.
   */
  reserved: boolean;
}

/**
 * What runs now, as Redis itself records it: the jobs in the queues' active lists, which is
 * exactly what a task's record reads as STARTED at the same instant (a task that ended is gone
 * from them at once). The workers' heartbeats, up to a beat old, only add live details.
 */
@Injectable()
export class ActiveTasks {
  constructor(
    private readonly queues: QueueRegistry,
    private readonly registry: TaskRegistry,
    private readonly directory: WorkerDirectory,
  ) {}

  /** Every running task, oldest first; `workers` saves a read when the caller has them. */
  async list(workers?: WorkerHeartbeat[]): Promise<ActiveTask[]> {
    const partitions = await this.queues.everyPartition();
    const [perQueue, beats] = await Promise.all([
      Promise.all(
        partitions.flatMap((partition) =>
          QUEUE_NAMES.map(async (queue) => {
            const jobs = (await partition.get(queue).getActive()) as Job<TaskMessage>[];
            return jobs.filter(Boolean).map((job) => ({ job, queue }));
          }),
        ),
      ),
      workers ?? this.directory.online(),
    ]);
    const live = new Map<string, { hostname: string; held: HeldTask; reserved: boolean }>();
    for (const beat of beats) {
      for (const held of beat.active)
        live.set(held.task_id, { hostname: beat.hostname, held, reserved: false });
      for (const held of beat.reserved ?? [])
        live.set(held.task_id, { hostname: beat.hostname, held, reserved: true });
    }
    return perQueue
      .flat()
      .map(({ job, queue }) => {
        const task = heldTask(this.registry, job, queue);
        const seen = live.get(task.task_id);
        return {
          ...task,
          worker: job.processedBy ?? seen?.hostname ?? 'unknown',
          ...(seen?.held.pid !== undefined ? { pid: seen.held.pid } : {}),
          reserved: seen?.reserved ?? false,
        };
      })
      .sort((a, b) => a.time_start.localeCompare(b.time_start));
  }
}
