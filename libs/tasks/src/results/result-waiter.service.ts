import { Inject, Injectable } from '@nestjs/common';
import { bullQueueKeys } from '../bullmq/queue-keys';
import { QueueEvents } from 'bullmq';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { TaskNotFoundError } from '../errors/task-errors';
import { RedisConnection } from '../redis/redis-connection.service';
import { ResultStore } from './result-store.service';
import type { TaskRecord } from './task-record';
import { READY_STATES } from './task-state';

export type TaskWait =
  /** It ended: SUCCESS, FAILURE or REVOKED. */
  | { outcome: 'ready'; record: TaskRecord }
  /** Still going when the time was up; its record as last read. */
  | { outcome: 'timeout'; record: TaskRecord }
  /**
   * Its record went away: an ignore_result task that succeeded (`completed`), or a purged queue.
   */
  | { outcome: 'gone'; completed: boolean; record: TaskRecord };

/** Between two reads when no event comes: covers changes that leave no event (a queue purge). */
const RECHECK_MS = 2000;
/** A revoke removes the job a moment before it saves the REVOKED record: read again after this. */
const GONE_GRACE_MS = 300;

/**
 * Celery's `AsyncResult.get()`: waits until a task is ready. It follows the task's queue on
 * BullMQ's event stream from the moment it first reads the record, so it wakes as soon as the task
 * ends without polling, and misses no event in between.
 */
@Injectable()
export class ResultWaiter {
  constructor(
    private readonly results: ResultStore,
    private readonly redis: RedisConnection,
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
  ) {}

  /** Waits up to `timeoutMs` (no limit when undefined); throws TaskNotFoundError for an unknown id. */
  async wait(taskId: string, timeoutMs?: number): Promise<TaskWait> {
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    let last = await this.results.get(taskId);
    if (!last) throw new TaskNotFoundError(taskId);
    if (READY_STATES.has(last.state)) return { outcome: 'ready', record: last };

    // Events after this id are delivered: whatever happens from here on wakes the loop below.
    // They are those of the task's own partition.
    const prefix = (await this.results.prefixOf(taskId)) ?? this.options.prefix;
    const stream = bullQueueKeys(prefix, last.queue).events;
    const [newest] = await this.redis.client.xrevrange(stream, '+', '-', 'COUNT', 1);
    const events = new QueueEvents(last.queue, {
      connection: this.redis.bullConnection(),
      prefix,
      lastEventId: newest?.[0] ?? '0-0',
    });
    let completed = false;
    // An event that comes while a read is under way is kept, so that the read is done again.
    let signalled = false;
    let wake: () => void = () => undefined;
    const onEvent = ({ jobId }: { jobId: string }) => {
      if (jobId !== taskId) return;
      signalled = true;
      wake();
    };
    events.on('completed', (e) => {
      if (e.jobId === taskId) completed = true;
      onEvent(e);
    });
    events.on('failed', onEvent);
    events.on('removed', onEvent);
    // Connection trouble surfaces through the reads below; the listener keeps it from crashing.
    events.on('error', () => undefined);

    try {
      let missing = 0;
      for (;;) {
        signalled = false;
        const record = await this.results.get(taskId);
        if (record && READY_STATES.has(record.state)) return { outcome: 'ready', record };
        if (record) {
          last = record;
          missing = 0;
        } else if (++missing > 1) {
          return { outcome: 'gone', completed, record: last };
        }
        const left = deadline - Date.now();
        if (left <= 0) return { outcome: 'timeout', record: last };
        if (signalled) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, record ? RECHECK_MS : GONE_GRACE_MS));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      await events.close().catch(() => undefined);
    }
  }
}
