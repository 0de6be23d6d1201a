import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SentTask, TaskMessage, TaskSignature } from '../client/apply-options';
import { TaskClient } from '../client/task-client.service';
import { LockLostError } from '../errors/lock-lost.error';
import { TaskReleased } from '../errors/task-released.error';
import { TaskRevokedError } from '../errors/task-revoked.error';
import { bindArguments } from '../execution/bind-arguments';
import { parseRate, RateLimiter } from '../execution/rate-limiter';
import { redactArguments } from '../execution/redaction';
import type { TaskStop } from '../execution/task-stop';
import { toTaskError } from '../execution/to-task-error';
import { type ExecutionPool } from '../pool/execution-pool';
import { InlinePool } from '../pool/inline-pool';
import { isQueueName, type QueueName } from '../queues/queue-names';
import { RedisConnection } from '../redis/redis-connection.service';
import { confirmReplicas } from '../redis/replica-ack';
import type { TaskDefinition } from '../registry/task-definition';
import { TaskRegistry } from '../registry/task-registry';
import { decideRetry, DEFAULT_MAX_RETRIES } from '../retry/retry-policy';
import { ResultStore } from '../results/result-store.service';
import type { TaskError } from '../results/task-record';
import type { TaskState } from '../results/task-state';
import type { JobFinisher } from './job-finisher';
import { isLockLost } from './lock-lost';
import { claimPeriodicRun } from './periodic-overlap';
import { releaseJob } from '../bullmq/release-job';
import { jobWriteClient } from '../bullmq/write-clients';
import { type TaskLogFields, taskLogFields } from './task-log-fields';

export interface ExecutionOutcome {
  taskName: string;
  /** Where the run left the task: PENDING when the pool gave it back unstarted. */
  state: TaskState;
  runtimeMs: number;
  /** The worker lost the job's lock mid-run: the run stopped and the job was left alone. */
  lockLost?: true;
}

/** Worker-wide limits, used when neither the sender nor the declaration sets one. */
export interface ExecutorDefaults {
  timeLimit?: number;
  softTimeLimit?: number;
}

/** What the worker around the executor provides for one run. */
export interface ExecutionScope {
  hostname: string;
  /** Fires on revoke with terminate. */
  stop: TaskStop;
  defaults?: ExecutorDefaults;
  /** Revoked ids this worker knows of (kept in memory, fed by the revocation broadcast). */
  isRevoked?: (taskId: string) => boolean;
  finish?: JobFinisher;
  /** Where the handler runs; inline (this event loop) by default. */
  pool?: ExecutionPool;
  /** Part of each task's rate limit this process may use (a prefork child: 1/children). */
  rateShare?: number;
}

/** Without a dispatcher (tests, tools): end the job and fetch nothing. */
const finishAlone: JobFinisher = async (end) => {
  await end(false);
};

/**
 * Runs one fetched job to its end: skips it if revoked or expired, runs the handler under its
 * limits, then ends the BullMQ job as completed (the return value is the result), failed (the
 * error, type included, is the record's), or delayed for a retry. An error from a handler is never
 * swallowed. On the success path this is one Redis call per task.
 */
@Injectable()
export class TaskExecutor {
  private readonly logger = new Logger('Task');
  private readonly rateLimiter = new RateLimiter();
  private readonly inline: InlinePool;

  constructor(
    private readonly registry: TaskRegistry,
    private readonly results: ResultStore,
    private readonly client: TaskClient,
    private readonly redis: RedisConnection,
  ) {
    this.inline = new InlinePool(registry);
  }

  async execute(
    job: Job<TaskMessage>,
    token: string,
    scope: ExecutionScope,
  ): Promise<ExecutionOutcome> {
    const began = Date.now();
    const finish = scope.finish ?? finishAlone;
    const msg = normalizeMessage(job);
    const fields = taskLogFields(job, msg.taskId, scope.hostname);
    const outcome = (state: TaskState): ExecutionOutcome => ({
      taskName: job.name,
      state,
      runtimeMs: Date.now() - began,
    });
    const task = this.registry.has(job.name) ? this.registry.get(job.name) : undefined;
    if (job.repeatJobKey && !job.data?.taskId && task?.options.ignoreResult !== true) {
      // Fired by a Beat scheduler: listed like a sent task (an ignore_result one is not, as sent).
      await this.results.index(msg.taskId, job.timestamp);
    }

    const expired = msg.expires !== undefined && began > msg.expires;
    if (expired || scope.isRevoked?.(msg.taskId)) {
      const err = new TaskRevokedError(expired ? 'expired' : 'revoked');
      await finish((next) => job.moveToFailed(typedError(toTaskError(err)), token, next));
      this.logger.warn(
        `${job.name}[${msg.taskId}] ${expired ? 'expired before it could run' : 'skipped: revoked'}`,
        fields,
      );
      return outcome('REVOKED');
    }
    if (!task) {
      const err = new Error(`Task "${job.name}" is not registered on worker ${scope.hostname}`);
      err.name = 'NotRegistered';
      return outcome(await this.fail(job, token, msg, err, finish, fields));
    }

    if (!(await claimPeriodicRun(job, this.redis.client))) {
      const err = new TaskRevokedError('overlap');
      await finish((next) => job.moveToFailed(typedError(toTaskError(err)), token, next));
      this.logger.warn(
        `${job.name}[${msg.taskId}] skipped: its previous run is still running`,
        fields,
      );
      return outcome('REVOKED');
    }

    this.logger.log(`${job.name}[${msg.taskId}] received`, fields);
    try {
      return outcome(await this.run(job, token, msg, task, scope, finish, fields, began));
    } catch (err) {
      if (!isLockLost(err)) throw err;
      // Another worker runs it now (or will, after stalled-job recovery): ending it from here, or
      // writing its record, would overwrite that run's.
      this.logger.warn(`${task.name}[${msg.taskId}] ${new LockLostError().message}`, fields);
      return { ...outcome('STARTED'), lockLost: true };
    }
  }

  /** Runs the handler and ends the job by its outcome; throws LockLostError before touching a job lost meanwhile. */
  private async run(
    job: Job<TaskMessage>,
    token: string,
    msg: TaskMessage,
    task: TaskDefinition,
    scope: ExecutionScope,
    finish: JobFinisher,
    fields: TaskLogFields,
    began: number,
  ): Promise<TaskState> {
    const lost = () => {
      if (scope.stop.reason instanceof LockLostError) throw scope.stop.reason;
    };
    let result: unknown;
    try {
      if (task.options.rateLimit) {
        const intervalMs = parseRate(task.options.rateLimit) / (scope.rateShare ?? 1);
        const waitMs = this.rateLimiter.reserve(task.name, intervalMs);
        if (waitMs > 0) await sleep(waitMs, undefined, { signal: scope.stop.signal });
      }
      const kwargs = bindArguments(task.options, msg.args, msg.kwargs);
      result = await (scope.pool ?? this.inline).run(
        {
          taskId: msg.taskId,
          taskName: task.name,
          kwargs,
          queue: queueOf(job),
          retries: msg.retries,
          maxRetries: msg.maxRetries ?? task.options.maxRetries ?? DEFAULT_MAX_RETRIES,
          hostname: scope.hostname,
          parentId: msg.parentId,
          timeLimit: msg.timeLimit ?? task.options.timeLimit ?? scope.defaults?.timeLimit,
          softTimeLimit:
            msg.softTimeLimit ?? task.options.softTimeLimit ?? scope.defaults?.softTimeLimit,
        },
        scope.stop,
      );
      // A result that cannot be stored is the task's failure, not the worker's.
      result = result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown);
    } catch (err) {
      lost();
      if (err instanceof TaskReleased) {
        await releaseJob(job, token, this.redis.client);
        this.logger.log(`${task.name}[${msg.taskId}] released unstarted`, fields);
        return 'PENDING';
      }
      return this.handleError(job, token, msg, task, err, finish, fields);
    }
    lost();
    await finish((next) =>
      job.moveToCompleted(task.options.ignoreResult ? null : result, token, next),
    );
    this.logger.log(`${task.name}[${msg.taskId}] succeeded in ${Date.now() - began}ms`, fields);
    await this.sendAll(msg.link, (sig) => [result, ...(sig.args ?? [])], msg.taskId);
    return 'SUCCESS';
  }

  /**
   * Ends, from outside, a job whose run died with its process (a prefork child crashed or was
   * killed): as that run's failure, so the retry policy, link_error and REVOKED apply.
   */
  async endLost(
    job: Job<TaskMessage>,
    token: string,
    err: Error,
    hostname: string,
  ): Promise<TaskState> {
    const msg = normalizeMessage(job);
    const fields = taskLogFields(job, msg.taskId, hostname);
    const task = this.registry.has(job.name) ? this.registry.get(job.name) : undefined;
    if (!task) return this.fail(job, token, msg, err, finishAlone, fields);
    return this.handleError(job, token, msg, task, err, finishAlone, fields);
  }

  private async handleError(
    job: Job<TaskMessage>,
    token: string,
    msg: TaskMessage,
    task: TaskDefinition,
    err: unknown,
    finish: JobFinisher,
    fields: TaskLogFields,
  ): Promise<TaskState> {
    if (err instanceof TaskRevokedError) {
      await finish((next) => job.moveToFailed(typedError(toTaskError(err)), token, next));
      this.logger.warn(`${task.name}[${msg.taskId}] terminated`, fields);
      return 'REVOKED';
    }
    const decision = decideRetry(task.options, err, msg.retries, msg.maxRetries);
    if (!decision.retry) return this.fail(job, token, msg, decision.error, finish, fields);
    const retries = msg.retries + 1;
    const cause = toTaskError(err);
    const now = new Date();
    await job.updateData({
      ...msg,
      retries,
      maxRetries: decision.maxRetries,
      lastError: cause,
      history: [
        ...(msg.history ?? []),
        {
          state: 'STARTED',
          at: new Date(job.processedOn ?? now.getTime()).toISOString(),
          worker: job.processedBy,
        },
        { state: 'RETRY', at: now.toISOString(), retries },
      ],
    });
    await job.moveToDelayed(now.getTime() + decision.delayMs, token);
    await this.confirmRetry(job, `retry ${retries} of ${task.name}[${msg.taskId}]`);
    this.logger.warn(
      `${task.name}[${msg.taskId}] retry ${retries}/${decision.maxRetries} in ${(decision.delayMs / 1000).toFixed(2)}s: ${cause.message}`,
      fields,
    );
    return 'RETRY';
  }

  /**
   * Durable sending: the retry was written on the worker's connection; wait for the replicas to
   * hold it before the worker moves on. Nobody awaits an id here, so a shortfall is logged (the
   * replicas still hold the job as it was when it started: a failover runs it again).
   */
  private async confirmRetry(job: Job<TaskMessage>, what: string): Promise<void> {
    const policy = this.redis.replicaAck;
    if (policy.replicas <= 0) return;
    try {
      await confirmReplicas(await jobWriteClient(job), policy, what);
    } catch (err) {
      this.logger.warn((err as Error).message);
    }
  }

  private async fail(
    job: Job<TaskMessage>,
    token: string,
    msg: TaskMessage,
    err: unknown,
    finish: JobFinisher,
    fields: TaskLogFields,
  ): Promise<TaskState> {
    const error = toTaskError(err);
    await finish((next) => job.moveToFailed(typedError(error), token, next));
    this.logger.error(`${job.name}[${msg.taskId}] failed: ${error.type}: ${error.message}`, fields);
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
}

/**
 * BullMQ keeps a failure's message and stack only: the stack's first line carries the type, so
 * that the record can tell a TimeLimitExceeded from a TypeError (see record-from-job).
 */
function typedError(error: TaskError): Error {
  const err = new Error(error.message);
  err.name = error.type;
  const frames = error.traceback?.split('\n').filter((l) => /^\s+at /.test(l)) ?? [];
  err.stack = [`${error.type}: ${error.message}`, ...frames].join('\n');
  return err;
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
