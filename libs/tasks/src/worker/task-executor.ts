import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { SentTask, TaskMessage, TaskSignature } from '../client/apply-options';
import { TaskClient } from '../client/task-client.service';
import { TaskRevokedError } from '../errors/task-revoked.error';
import { bindArguments } from '../execution/bind-arguments';
import { redactArguments } from '../execution/redaction';
import { runWithLimits } from '../execution/run-with-limits';
import { TaskContext } from '../execution/task-context';
import { toTaskError } from '../execution/to-task-error';
import { isQueueName, type QueueName } from '../queues/queue-names';
import { DEFAULT_TASK_PRIORITY } from '../queues/task-priority';
import type { TaskDefinition } from '../registry/task-definition';
import { TaskRegistry } from '../registry/task-registry';
import { decideRetry, DEFAULT_MAX_RETRIES } from '../retry/retry-policy';
import { ResultStore } from '../results/result-store.service';
import type { TaskState } from '../results/task-state';

export interface ExecutionOutcome {
  taskName: string;
  state: TaskState;
  runtimeMs: number;
}

/** Ends the job in BullMQ; the dispatcher may fetch the next job in the same call. */
export type JobFinisher = (end: (fetchNext: boolean) => Promise<unknown>) => Promise<void>;

/** Without a dispatcher (tests, tools): end the job and fetch nothing. */
const finishAlone: JobFinisher = async (end) => {
  await end(false);
};

/** Worker-wide limits, used when neither the sender nor the declaration sets one. */
export interface ExecutorDefaults {
  timeLimit?: number;
  softTimeLimit?: number;
}

/**
 * Runs one fetched job to its end: guards against revocation and expiry, runs the handler under
 * its limits, then records SUCCESS, RETRY or FAILURE and moves the BullMQ job accordingly.
 * An error from a handler is never swallowed: it becomes a retry or a FAILURE.
 */
@Injectable()
export class TaskExecutor {
  private readonly logger = new Logger('Task');

  constructor(
    private readonly registry: TaskRegistry,
    private readonly results: ResultStore,
    private readonly client: TaskClient,
  ) {}

  async execute(
    job: Job<TaskMessage>,
    token: string,
    hostname: string,
    stop: AbortSignal,
    defaults: ExecutorDefaults = {},
    finish: JobFinisher = finishAlone,
  ): Promise<ExecutionOutcome> {
    const began = Date.now();
    const msg = normalizeMessage(job);
    const outcome = (state: TaskState): ExecutionOutcome => ({
      taskName: job.name,
      state,
      runtimeMs: Date.now() - began,
    });

    if (msg.expires !== undefined && began > msg.expires) {
      await this.results.fail(
        msg.taskId,
        toTaskError(new TaskRevokedError('expired')),
        new Date(),
        'REVOKED',
      );
      await finish((next) => job.moveToCompleted(undefined, token, next));
      this.logger.warn(`${job.name}[${msg.taskId}] expired before it could run`);
      return outcome('REVOKED');
    }
    const previous = await this.results.start(msg.taskId, hostname, new Date(began));
    if (previous === 'REVOKED') {
      await finish((next) => job.moveToCompleted(undefined, token, next));
      this.logger.log(`${job.name}[${msg.taskId}] skipped: revoked`);
      return outcome('REVOKED');
    }
    const task = this.registry.has(job.name) ? this.registry.get(job.name) : undefined;
    if (previous === '') await this.createMissingRecord(job, msg, task, hostname, began);
    if (!task) {
      const err = new Error(`Task "${job.name}" is not registered on worker ${hostname}`);
      err.name = 'NotRegistered';
      return outcome(await this.fail(job, token, msg, err, finish));
    }

    this.logger.log(`${job.name}[${msg.taskId}] received`);
    const ctx = (signal: AbortSignal) =>
      new TaskContext(
        msg.taskId,
        task.name,
        queueOf(job),
        msg.retries,
        msg.maxRetries ?? task.options.maxRetries ?? DEFAULT_MAX_RETRIES,
        signal,
        hostname,
        this.logger,
        msg.parentId,
      );
    let result: unknown;
    try {
      const kwargs = bindArguments(task.options, msg.args, msg.kwargs);
      result = await runWithLimits(
        async (signal) => task.handler(kwargs, ctx(signal)),
        {
          timeLimit: msg.timeLimit ?? task.options.timeLimit ?? defaults.timeLimit,
          softTimeLimit: msg.softTimeLimit ?? task.options.softTimeLimit ?? defaults.softTimeLimit,
        },
        stop,
      );
      // A result that cannot be stored is the task's failure, not the worker's.
      result = result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown);
    } catch (err) {
      return outcome(await this.handleError(job, token, msg, task, err, finish));
    }
    await Promise.all([
      this.results.succeed(msg.taskId, result, !task.options.ignoreResult, new Date()),
      finish((next) => job.moveToCompleted(undefined, token, next)),
    ]);
    this.logger.log(`${task.name}[${msg.taskId}] succeeded in ${Date.now() - began}ms`);
    await this.sendAll(msg.link, (sig) => [result, ...(sig.args ?? [])], msg.taskId);
    return outcome('SUCCESS');
  }

  private async handleError(
    job: Job<TaskMessage>,
    token: string,
    msg: TaskMessage,
    task: TaskDefinition,
    err: unknown,
    finish: JobFinisher,
  ): Promise<TaskState> {
    if (err instanceof TaskRevokedError) {
      await this.results.fail(msg.taskId, toTaskError(err), new Date(), 'REVOKED');
      await finish((next) => job.moveToCompleted(undefined, token, next));
      this.logger.warn(`${task.name}[${msg.taskId}] terminated`);
      return 'REVOKED';
    }
    const decision = decideRetry(task.options, err, msg.retries, msg.maxRetries);
    if (!decision.retry) return this.fail(job, token, msg, decision.error, finish);
    const retries = msg.retries + 1;
    const cause = toTaskError(err);
    await this.results.retrying(msg.taskId, retries, cause, decision.delayMs);
    await job.updateData({ ...msg, retries, maxRetries: decision.maxRetries });
    await job.moveToDelayed(Date.now() + decision.delayMs, token);
    this.logger.warn(
      `${task.name}[${msg.taskId}] retry ${retries}/${decision.maxRetries} in ${(decision.delayMs / 1000).toFixed(2)}s: ${cause.message}`,
    );
    return 'RETRY';
  }

  private async fail(
    job: Job<TaskMessage>,
    token: string,
    msg: TaskMessage,
    err: unknown,
    finish: JobFinisher,
  ): Promise<TaskState> {
    const error = toTaskError(err);
    await this.results.fail(msg.taskId, error, new Date());
    await finish((next) =>
      job.moveToFailed(err instanceof Error ? err : new Error(error.message), token, next),
    );
    this.logger.error(`${job.name}[${msg.taskId}] failed: ${error.type}: ${error.message}`);
    const request = {
      id: msg.taskId,
      task: job.name,
      ...redactArguments(undefined, msg.args, msg.kwargs),
    };
    await this.sendAll(
      msg.linkError,
      (sig) => [
        request,
        { type: error.type, message: error.message },
        error.traceback,
        ...(sig.args ?? []),
      ],
      msg.taskId,
    );
    return 'FAILURE';
  }

  /** Sends callbacks; one that cannot be sent is logged, and does not undo the task's outcome. */
  private async sendAll(
    sigs: TaskSignature[] | undefined,
    argsFor: (sig: TaskSignature) => unknown[],
    parentId: string,
  ): Promise<SentTask[]> {
    const sent: SentTask[] = [];
    for (const sig of sigs ?? []) {
      try {
        sent.push(
          await this.client.applyAsync(sig.name, {
            args: argsFor(sig),
            kwargs: sig.kwargs,
            queue: sig.queue,
            parentId,
          }),
        );
      } catch (err) {
        this.logger.error(
          `callback ${sig.name} of ${parentId} could not be sent: ${(err as Error).message}`,
        );
      }
    }
    return sent;
  }

  /** Jobs from Beat's schedulers (or a record that expired while queued) get their record here. */
  private async createMissingRecord(
    job: Job<TaskMessage>,
    msg: TaskMessage,
    task: TaskDefinition | undefined,
    hostname: string,
    began: number,
  ): Promise<void> {
    const shown = redactArguments(task?.options, msg.args, msg.kwargs);
    await this.results.create({
      task_id: msg.taskId,
      task_name: job.name,
      queue: queueOf(job),
      state: 'STARTED',
      args: shown.args,
      kwargs: shown.kwargs,
      priority: task?.options.priority ?? DEFAULT_TASK_PRIORITY,
      retries: msg.retries,
      worker: hostname,
      date_received: new Date(job.timestamp).toISOString(),
      date_started: new Date(began).toISOString(),
      date_done: null,
      eta: null,
      expires: null,
      result: null,
      error: null,
      parent_id: msg.parentId ?? null,
    });
  }
}

function queueOf(job: Job): QueueName {
  return isQueueName(job.queueName) ? job.queueName : 'default';
}

/** Scheduler-made jobs carry only args/kwargs: their task id is the job id. */
function normalizeMessage(job: Job<Partial<TaskMessage>>): TaskMessage {
  const data = job.data ?? {};
  return {
    ...data,
    taskId: data.taskId ?? String(job.id),
    args: Array.isArray(data.args) ? data.args : [],
    kwargs: data.kwargs && typeof data.kwargs === 'object' ? data.kwargs : {},
    retries: data.retries ?? 0,
  };
}
