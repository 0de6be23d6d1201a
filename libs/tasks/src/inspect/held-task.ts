import type { Job } from 'bullmq';
import type { TaskMessage } from '../client/apply-options';
import { redactArguments } from '../execution/redaction';
import type { QueueName } from '../queues/queue-names';
import type { TaskRegistry } from '../registry/task-registry';
import type { HeldTask } from './worker-heartbeat';

/** A held job as inspect shows it: sensitive arguments masked. */
export function heldTask(
  registry: TaskRegistry,
  job: Job<TaskMessage>,
  queue: QueueName,
): HeldTask {
  const declared = registry.has(job.name) ? registry.get(job.name).options : undefined;
  const args = Array.isArray(job.data?.args) ? job.data.args : [];
  return {
    task_id: job.data?.taskId ?? String(job.id),
    task_name: job.name,
    queue,
    ...redactArguments(declared, args, job.data?.kwargs ?? {}),
    time_start: new Date(job.processedOn ?? Date.now()).toISOString(),
  };
}
