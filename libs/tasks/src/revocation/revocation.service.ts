import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { TaskNotFoundError } from '../errors/task-errors';
import { QueueRegistry } from '../queues/queue-registry';
import { RedisConnection } from '../redis/redis-connection.service';
import { ResultStore } from '../results/result-store.service';
import type { TaskState } from '../results/task-state';
import { UNSTARTED_STATES } from '../results/task-state';

export interface RevokeOutcome {
  task_id: string;
  /** State before the call. */
  previous_state: TaskState;
  /** State now. A running task revoked without terminate keeps running (Celery semantics). */
  state: TaskState;
  terminate: boolean;
}

/** A revocation as broadcast to every worker. */
export interface RevocationMessage {
  taskId: string;
  terminate: boolean;
}

/**
 * Celery's revoke: a task that has not started never runs; with terminate, a running one is stopped
 * by whichever worker holds it. Revoked ids are kept (sorted by time) for RESULT_EXPIRES so that a
 * restarted worker still knows them, and broadcast so running workers learn at once.
 */
@Injectable()
export class RevocationService {
  private readonly logger = new Logger(RevocationService.name);

  constructor(
    private readonly redis: RedisConnection,
    private readonly results: ResultStore,
    private readonly queues: QueueRegistry,
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
  ) {}

  get channel(): string {
    return `${this.options.prefix}:revocations`;
  }

  get revokedKey(): string {
    return `${this.options.prefix}:revoked`;
  }

  async revoke(taskId: string, terminate = false): Promise<RevokeOutcome> {
    const now = new Date();
    const previous = await this.results.revoke(taskId, now);
    if (previous === '') throw new TaskNotFoundError(taskId);
    if (UNSTARTED_STATES.has(previous)) {
      const record = await this.results.get(taskId);
      // Best effort: a job a worker has already fetched is locked and stays; that worker then
      // reads REVOKED from the record and skips it.
      if (record)
        await this.queues
          .get(record.queue)
          .remove(taskId)
          .catch(() => 0);
    }
    const ttlFloor = now.getTime() - this.options.resultExpires * 1000;
    const message: RevocationMessage = { taskId, terminate };
    await this.redis.client
      .multi()
      .zadd(this.revokedKey, now.getTime(), taskId)
      .zremrangebyscore(this.revokedKey, 0, ttlFloor)
      .publish(this.channel, JSON.stringify(message))
      .exec();
    const state: TaskState = UNSTARTED_STATES.has(previous) ? 'REVOKED' : previous;
    this.logger.log(`revoked ${taskId} (was ${previous}${terminate ? ', terminate' : ''})`);
    return { task_id: taskId, previous_state: previous, state, terminate };
  }

  /** Ids revoked within the result expiry window. */
  async revokedIds(): Promise<string[]> {
    const floor = Date.now() - this.options.resultExpires * 1000;
    return this.redis.client.zrangebyscore(this.revokedKey, floor, '+inf');
  }
}
