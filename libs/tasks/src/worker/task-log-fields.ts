import type { Job } from 'bullmq';

/**
 * What a task's log lines carry besides their text, given as Nest's structured parameter
 * (`logger.log(line, fields)`): a JSON logger makes them fields of the record, for log shippers to
 * filter on; the text line names the task already.
 */
export interface TaskLogFields {
  task_id: string;
  task_name: string;
  queue: string;
  /** The worker's node name (`worker-%p@%h`). */
  worker: string;
}

export function taskLogFields(job: Job, taskId: string, worker: string): TaskLogFields {
  return {
    task_id: taskId,
    task_name: job.name,
    queue: job.queueName,
    worker,
  };
}
