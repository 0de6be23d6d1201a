import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Task, TaskContext } from '@brain/tasks';

export interface TestTaskResult {
  task_id: string;
  worker: string;
  waited_seconds: number;
  started_at: string;
  finished_at: string;
}

export class TestRetryError extends Error {
  override name = 'TestRetryError';
}

/** The spec's test tasks: to try a deployment end to end, and its retry behaviour. */
@Injectable()
export class DiagnosticsTasks {
  /** Waits (abortably), then says what it did. */
  @Task({ name: 'backend.app.tasks.system_tasks.test_task', params: ['wait_seconds'] })
  async testTask(
    { wait_seconds = 5 }: { wait_seconds?: unknown },
    ctx: TaskContext,
  ): Promise<TestTaskResult> {
    const seconds = Number(wait_seconds);
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new RangeError('wait_seconds must be a number >= 0');
    const started = new Date();
    await sleep(seconds * 1000, undefined, { signal: ctx.signal });
    return {
      task_id: ctx.taskId,
      worker: ctx.hostname,
      waited_seconds: seconds,
      started_at: started.toISOString(),
      finished_at: new Date().toISOString(),
    };
  }

  /** Fails on every attempt and retries after 1 s, 2 s, 4 s ... until max_retries is spent. */
  @Task({ name: 'backend.app.tasks.system_tasks.test_retry_task', params: ['max_retries'] })
  async testRetryTask(
    { max_retries = 3 }: { max_retries?: unknown },
    ctx: TaskContext,
  ): Promise<never> {
    const maxRetries = Number(max_retries);
    if (!Number.isInteger(maxRetries) || maxRetries < 0)
      throw new RangeError('max_retries must be an integer >= 0');
    throw ctx.retry({
      exc: new TestRetryError(`attempt ${ctx.retries + 1} failed on purpose`),
      countdown: 2 ** ctx.retries,
      maxRetries,
    });
  }
}
