import { Inject, Injectable, Logger } from '@nestjs/common';
import { engineKeys } from '../redis/engine-keys';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { TaskNotFoundError } from '../errors/task-errors';
import { TaskRevokedError } from '../errors/task-revoked.error';
import { toTaskError } from '../execution/to-task-error';
import { RedisConnection } from '../redis/redis-connection.service';
import { taskMetricsKey, totalField } from '../metrics/task-metrics.schema';
import { ResultStore } from '../results/result-store.service';
import type { TaskState } from '../results/task-state';
import { UNSTARTED_STATES } from '../results/task-state';

export interface RevokeOutcome {
  task_id: string;
  /** State before the call. */
  previous_state: TaskState;
  /**
   * State now. A task a worker had already taken reads STARTED until that worker, told by the
   * broadcast, skips it (REVOKED) or, if it had begun, lets it finish (Celery semantics) unless
   * terminate was asked.
   */
  state: TaskState;
  terminate: boolean;
}

/** A revocation as broadcast to every worker. */
export interface RevocationMessage {
  taskId: string;
  terminate: boolean;
}

/**
 * Celery's revoke. A task still queued (pending, countdown, retry wait) is taken off its queue and
 * never runs. Every revocation is also broadcast and kept (sorted by time) for RESULT_EXPIRES, so
 * that a worker that has just taken the task skips it, a worker started later still knows it, and
 * with terminate the worker running it stops it.
 */
@Injectable()
export class RevocationService {
  private readonly logger = new Logger(RevocationService.name);

  constructor(
    private readonly redis: RedisConnection,
    private readonly results: ResultStore,
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
  ) {}

  get channel(): string {
    return engineKeys(this.options.prefix).revocations;
  }

  get revokedKey(): string {
    return engineKeys(this.options.prefix).revoked;
  }

  async revoke(taskId: string, terminate = false): Promise<RevokeOutcome> {
    const view = await this.results.view(taskId);
    if (!view) throw new TaskNotFoundError(taskId);
    const previous = view.record.state;
    let state = previous;
    const now = new Date();
    if (UNSTARTED_STATES.has(previous) && view.job) {
      // Fails if a worker has just locked it: then the broadcast below reaches that worker.
      const removed = await view.job.remove().then(
        () => true,
        () => false,
      );
      if (removed) {
        const at = now.toISOString();
        await this.results.saveRevoked({
          record: {
            ...view.record,
            state: 'REVOKED',
            date_done: at,
            error: toTaskError(new TaskRevokedError('revoked')),
          },
          events: [...view.events, { state: 'REVOKED', at }],
          sent: {
            args: view.job.data.args,
            kwargs: view.job.data.kwargs,
            partitionKey: view.job.data.partitionKey,
          },
        });
        state = 'REVOKED';
      }
    }
    const message: RevocationMessage = { taskId, terminate };
    const tx = this.redis.client
      .multi()
      .zadd(this.revokedKey, now.getTime(), taskId)
      .zremrangebyscore(this.revokedKey, 0, now.getTime() - this.options.resultExpires * 1000)
      .publish(this.channel, JSON.stringify(message));
    // Taken off its queue here, no worker will count it: task_total counts it now.
    if (state === 'REVOKED' && previous !== 'REVOKED') {
      tx.hincrby(
        taskMetricsKey(this.options.prefix),
        totalField('revoked', view.record.task_name),
        1,
      );
    }
    await tx.exec();
    this.logger.log(`revoked ${taskId} (was ${previous}${terminate ? ', terminate' : ''})`);
    return { task_id: taskId, previous_state: previous, state, terminate };
  }

  /** Forgets revocations older than the result expiry (no worker needs them); answers how many. */
  async trim(now = Date.now()): Promise<number> {
    return this.redis.client.zremrangebyscore(
      this.revokedKey,
      0,
      now - this.options.resultExpires * 1000,
    );
  }

  /** Ids revoked within the result expiry window, with when. */
  async revokedSince(): Promise<Map<string, number>> {
    const floor = Date.now() - this.options.resultExpires * 1000;
    const flat = await this.redis.client.zrangebyscore(
      this.revokedKey,
      floor,
      '+inf',
      'WITHSCORES',
    );
    const ids = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) ids.set(flat[i], Number(flat[i + 1]));
    return ids;
  }
}
