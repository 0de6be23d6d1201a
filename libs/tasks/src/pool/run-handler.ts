import { Logger } from '@nestjs/common';
import { runWithLimits } from '../execution/run-with-limits';
import { TaskContext } from '../execution/task-context';
import type { TaskStop } from '../execution/task-stop';
import type { TaskRegistry } from '../registry/task-registry';
import type { PoolRequest } from './pool-protocol';

const logger = new Logger('Task');

/** Runs a task's handler with its context, here, under its limits. Shared by every pool. */
export async function runHandler(
  registry: TaskRegistry,
  req: PoolRequest,
  stop: TaskStop,
): Promise<unknown> {
  const task = registry.get(req.taskName);
  return runWithLimits(
    async (signal) =>
      task.handler(
        req.kwargs,
        new TaskContext(
          req.taskId,
          req.taskName,
          req.queue,
          req.retries,
          req.maxRetries,
          signal,
          req.hostname,
          logger,
          req.parentId,
        ),
      ),
    { timeLimit: req.timeLimit, softTimeLimit: req.softTimeLimit },
    stop,
  );
}
