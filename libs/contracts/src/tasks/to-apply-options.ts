import type { ApplyOptions } from '@brain/tasks';
import type { ExecuteTaskDto } from './execute-task.dto';

/**
 * A checked POST /api/tasks/execute body as the engine's apply_async options: the one mapping of
 * the API, the CLI's `tasks execute` and anything else that sends a task from a request.
 */
export function toApplyOptions(dto: ExecuteTaskDto): ApplyOptions {
  return {
    args: dto.args,
    kwargs: dto.kwargs,
    queue: dto.queue,
    countdown: dto.countdown,
    eta: dto.eta,
    priority: dto.priority,
    expires: dto.expires,
    timeLimit: dto.time_limit,
    softTimeLimit: dto.soft_time_limit,
    partitionKey: dto.partition_key,
  };
}
