import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TaskInputError, TaskNotFoundError, TaskStateConflictError } from '../errors/task-errors';
import { bindArguments } from '../execution/bind-arguments';
import { TaskStop } from '../execution/task-stop';
import type { PoolRequest } from '../pool/pool-protocol';
import { runHandler } from '../pool/run-handler';
import { QueueRegistry } from '../queues/queue-registry';
import { PartitionLayout } from '../redis/partition-layout.service';
import { RedisConnection } from '../redis/redis-connection.service';
import { toBullPriority } from '../queues/task-priority';
import type { TaskKwargs } from '../registry/task-definition';
import { TaskRegistry } from '../registry/task-registry';
import { ResultStore } from '../results/result-store.service';
import type { ApplyOptions, SentTask, TaskMessage } from './apply-options';
import { confirmSend, durableHoldMs } from './durable-send';
import { validateApply } from './validate-apply';

/**
 * Sends tasks (Celery's `delay` / `apply_async`) and runs them in-process (calling the task).
 * Every check happens before anything is written, so a refused call leaves no trace.
 */
@Injectable()
export class TaskClient {
  private readonly logger = new Logger(TaskClient.name);

  constructor(
    private readonly registry: TaskRegistry,
    private readonly queues: QueueRegistry,
    private readonly results: ResultStore,
    private readonly redis: RedisConnection,
    private readonly partitions: PartitionLayout,
  ) {}

  /** `task.delay(*args)`: positional arguments only. */
  async delay(name: string, ...args: unknown[]): Promise<SentTask> {
    return this.applyAsync(name, { args });
  }

  /** `task.apply_async(args, kwargs, **options)`. */
  async applyAsync(name: string, options: ApplyOptions = {}): Promise<SentTask> {
    const task = this.registry.get(name);
    const now = Date.now();
    const v = validateApply(task, options, now);
    // Bound first, on its own: as an argument of `checkArgs?.()` it would be skipped with it.
    const bound = bindArguments(task.options, v.args, v.kwargs);
    task.options.checkArgs?.(bound);
    for (const sig of [...v.link, ...v.linkError]) {
      if (!this.registry.has(sig.name))
        throw new TaskInputError(`Unknown task "${sig.name}" in link`, 'link');
    }
    // Its partition, named by its id (see PartitionLayout).
    const { taskId, prefix } = await this.partitions.place(options.taskId, options.partitionKey);
    const message: TaskMessage = {
      taskId,
      args: v.args,
      kwargs: v.kwargs,
      priority: v.priority,
      eta: v.eta?.getTime(),
      retries: 0,
      maxRetries: options.maxRetries,
      expires: v.expires?.getTime(),
      timeLimit: options.timeLimit,
      softTimeLimit: options.softTimeLimit,
      link: v.link.length ? v.link : undefined,
      linkError: v.linkError.length ? v.linkError : undefined,
      parentId: options.parentId,
      partitionKey: options.partitionKey,
    };
    // The job is the record: kept, ended, RESULT_EXPIRES seconds (see ResultStore). As in Celery,
    // an ignore_result task keeps no state once it succeeds; its failures are still kept.
    const keep = { age: this.results.expiresSeconds };
    const ignoreResult = task.options.ignoreResult === true;
    // Durable sending: held back until the replicas confirm it (see confirmSend).
    const ack = this.redis.replicaAck;
    const hold = ack.replicas > 0 ? durableHoldMs(ack) : 0;
    const [job] = await Promise.all([
      this.queues
        .in(prefix)
        .get(v.queue)
        .add(name, message, {
          jobId: taskId,
          delay: Math.max(v.delayMs, hold) || undefined,
          priority: toBullPriority(v.priority),
          removeOnComplete: ignoreResult ? true : keep,
          removeOnFail: keep,
        }),
      ignoreResult ? undefined : this.results.index(taskId, now),
    ]);
    if (hold) await confirmSend(job, now + v.delayMs, ack, `send of ${name}[${taskId}]`);
    this.logger.debug(`sent ${name}[${taskId}] to ${v.queue}`);
    return { task_id: taskId, task_name: name, status: 'PENDING', queue: v.queue };
  }

  /**
   * Flower's "retry": sends a FAILURE or REVOKED task again, with the arguments it was sent with,
   * as a new task whose parent is the old one.
   */
  async resend(taskId: string): Promise<SentTask> {
    const view = await this.results.view(taskId);
    if (!view) throw new TaskNotFoundError(taskId);
    const { record } = view;
    if (record.state !== 'FAILURE' && record.state !== 'REVOKED')
      throw new TaskStateConflictError(taskId, record.state, 'retry (only FAILURE or REVOKED can)');
    // Placed again as a new task: by its partition key if it had one, else at random.
    const sent = view.job?.data ?? view.sent;
    if (!sent)
      throw new TaskStateConflictError(taskId, record.state, 'retry: its arguments are gone');
    return this.applyAsync(record.task_name, {
      args: sent.args,
      kwargs: sent.kwargs,
      queue: record.queue,
      priority: record.priority,
      parentId: taskId,
      partitionKey: sent.partitionKey,
    });
  }

  /**
   * Calls the task here and now, like calling a Celery task as a function: no queue, no record.
   * The handler gets a context of its own (no retries; `ctx.retry()` just throws).
   */
  async call<R = unknown>(name: string, kwargs: TaskKwargs = {}, args: unknown[] = []): Promise<R> {
    const task = this.registry.get(name);
    const request: PoolRequest = {
      taskId: randomUUID(),
      taskName: name,
      kwargs: bindArguments(task.options, args, kwargs),
      queue: task.queue,
      retries: 0,
      maxRetries: 0,
      hostname: 'local',
    };
    return (await runHandler(this.registry, request, new TaskStop())) as R;
  }
}
