import { Inject, Injectable } from '@nestjs/common';
import { isSchedulerJobId } from '../bullmq/queue-keys';
import { randomUUID } from 'node:crypto';
import type { TaskMessage } from '../client/apply-options';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { TaskInputError } from '../errors/task-errors';
import { redactArguments } from '../execution/redaction';
import { isQueueName, QUEUE_NAMES, type QueueName } from '../queues/queue-names';
import { type PartitionQueues, QueueRegistry } from '../queues/queue-registry';
import { RedisConnection } from '../redis/redis-connection.service';
import { TaskRegistry } from '../registry/task-registry';
import { RevocationService } from '../revocation/revocation.service';
import {
  type PingReply,
  WORKER_CONTROL_CHANNEL,
  type WorkerControlMessage,
} from '../worker/worker-control';
import { type ActiveTask, ActiveTasks } from './active-tasks.service';
import type { HeldTask } from './worker-heartbeat';
import { WorkerDirectory } from './worker-directory.service';

/** A task a worker holds, and which worker. */
export interface HeldByWorker extends HeldTask {
  worker: string;
}

export interface ScheduledTask {
  task_id: string;
  task_name: string;
  queue: QueueName;
  eta: string;
  /** Waiting for a retry rather than a countdown/ETA. */
  retry: boolean;
  /** The next firing of a periodic (Beat) schedule: which, and how often. */
  schedule: { key: string; every_seconds: number | null; cron: string | null } | null;
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/** Tasks revoked at once by cancelAll. */
const CANCEL_PAGE = 500;

export interface CancelAllOutcome {
  revoked: number;
  terminated: number;
}

/**
 * Celery's `inspect` and `control`, for the API and the CLI: what runs where, what waits,
 * who answers; purge and cancel. Reads come from the queues in Redis and worker heartbeats;
 * commands go out on the workers' control channel.
 */
@Injectable()
export class Inspector {
  constructor(
    private readonly directory: WorkerDirectory,
    private readonly running: ActiveTasks,
    private readonly queues: QueueRegistry,
    private readonly registry: TaskRegistry,
    private readonly revocations: RevocationService,
    private readonly redis: RedisConnection,
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
  ) {}

  /** Tasks running now (STARTED), as Redis records them: see ActiveTasks. */
  active(): Promise<ActiveTask[]> {
    return this.running.list();
  }

  /** Tasks taken by a worker and waiting there for a free child (Celery's `inspect reserved`). */
  async reserved(): Promise<HeldByWorker[]> {
    const workers = await this.directory.online();
    return workers.flatMap((w) => (w.reserved ?? []).map((t) => ({ ...t, worker: w.hostname })));
  }

  /**
   * Tasks waiting for a countdown, an ETA or a retry, and the next firing of each periodic
   * schedule, soonest first.
   */
  async scheduled(limit = 1000): Promise<ScheduledTask[]> {
    const all: ScheduledTask[] = [];
    for (const partition of await this.queues.everyPartition())
      for (const queue of QUEUE_NAMES) {
        const q = partition.get(queue);
        const [jobs, schedulers] = await Promise.all([
          q.getDelayed(0, limit - 1),
          q.getJobSchedulers(0, -1),
        ]);
        const schedules = new Map(schedulers.map((s) => [s.key, s]));
        for (const job of jobs) {
          const scheduler = job.repeatJobKey ? schedules.get(job.repeatJobKey) : undefined;
          const data = (job.data ?? {}) as Partial<TaskMessage>;
          const declared = this.registry.has(job.name)
            ? this.registry.get(job.name).options
            : undefined;
          all.push({
            task_id: data.taskId ?? String(job.id),
            task_name: job.name,
            queue,
            eta: new Date(job.timestamp + (job.delay ?? 0)).toISOString(),
            retry: (data.retries ?? 0) > 0,
            schedule: scheduler
              ? {
                  key: scheduler.key,
                  every_seconds: scheduler.every ? scheduler.every / 1000 : null,
                  cron: scheduler.pattern ?? null,
                }
              : null,
            ...redactArguments(declared, data.args ?? [], data.kwargs ?? {}),
          });
        }
      }
    return all.sort((a, b) => a.eta.localeCompare(b.eta)).slice(0, limit);
  }

  registered(): string[] {
    return this.registry.names();
  }

  /** Asks every worker (or one) to answer; answers who did within `timeoutMs`. */
  async ping(timeoutMs = 1000, hostname?: string): Promise<PingReply[]> {
    const replyTo = `control-reply:${randomUUID()}`;
    const sub = this.redis.create('inspect-ping');
    const replies: PingReply[] = [];
    try {
      await sub.subscribe(`${this.options.prefix}:${replyTo}`);
      sub.on('message', (_channel: string, raw: string) =>
        replies.push(JSON.parse(raw) as PingReply),
      );
      const message: WorkerControlMessage = { command: 'ping', replyTo, hostname };
      await this.redis.client.publish(
        `${this.options.prefix}:${WORKER_CONTROL_CHANNEL}`,
        JSON.stringify(message),
      );
      await new Promise((r) => setTimeout(r, timeoutMs));
      return replies.sort((a, b) => a.hostname.localeCompare(b.hostname));
    } finally {
      sub.disconnect();
    }
  }

  /**
   * Removes every task waiting in a queue (pending, countdown, retry), in every partition;
   * answers how many.
   */
  async purgeQueue(name: string): Promise<number> {
    if (!isQueueName(name)) throw new TaskInputError(`Unknown queue "${name}"`, 'queue_name');
    let purged = 0;
    for (const partition of await this.queues.everyPartition())
      purged += await this.purgeQueueIn(partition, name);
    return purged;
  }

  private async purgeQueueIn(partition: PartitionQueues, name: QueueName): Promise<number> {
    const queue = partition.get(name);
    const keys = partition.keys(name);
    const [waiting, prioritized, delayed] = await Promise.all([
      this.redis.client.lrange(keys.wait, 0, -1),
      this.redis.client.zrange(keys.prioritized, '0', '-1'),
      this.redis.client.zrange(keys.delayed, '0', '-1'),
    ]);
    const tasks = [...waiting, ...prioritized, ...delayed].filter((id) => !isSchedulerJobId(id));
    // A schedule's next firing is a delayed job: draining it would end the schedule, so each
    // schedule of this queue is registered again, as it was, afterwards.
    const schedulers = await queue.getJobSchedulers(0, -1);
    await queue.drain(true);
    for (const s of schedulers) {
      await queue.upsertJobScheduler(
        s.key,
        s.every ? { every: s.every } : { pattern: s.pattern, tz: s.tz },
        { name: s.name, data: s.template?.data as unknown, opts: s.template?.opts },
      );
    }
    return tasks.length;
  }

  /**
   * Revokes every task not yet started, in every queue of every partition; with terminate, the running ones too.
   * Periodic schedules stay (see beat stop). It goes a page of ids at a time, never holding every
   * job, and takes what is queued when it starts: tasks sent meanwhile are not chased.
   */
  async cancelAll(terminate = false): Promise<CancelAllOutcome> {
    let revoked = 0;
    let terminated = 0;
    const partitions = await this.queues.everyPartition();
    for (const keys of partitions.flatMap((p) => QUEUE_NAMES.map((q) => p.keys(q)))) {
      for (const key of [keys.wait, keys.paused]) revoked += await this.revokeAll(key, 'list');
      for (const key of [keys.prioritized, keys.delayed])
        revoked += await this.revokeAll(key, 'zset');
      if (terminate) terminated += await this.revokeAll(keys.active, 'list', true);
    }
    return { revoked, terminated };
  }

  /**
   * Revokes the tasks of one BullMQ list or sorted set, CANCEL_PAGE at a time, oldest first (a
   * list's tail). Revoked tasks leave it; the page after skips those that stay (a schedule's next
   * firing, a task a worker has just taken, a running one told to stop). Answers how many.
   */
  private async revokeAll(key: string, kind: 'list' | 'zset', terminate = false): Promise<number> {
    const client = this.redis.client;
    let left = kind === 'list' ? await client.llen(key) : await client.zcard(key);
    let stayed = 0;
    let count = 0;
    while (left > 0) {
      const ids =
        kind === 'list'
          ? await client.lrange(key, -(stayed + CANCEL_PAGE), -(stayed + 1))
          : await client.zrange(key, String(stayed), String(stayed + CANCEL_PAGE - 1));
      if (!ids.length) break;
      left -= ids.length;
      const outcomes = await Promise.all(
        ids.map(async (id) =>
          // A schedule's next firing is not a task of anyone's: cancelling it would end the schedule.
          isSchedulerJobId(id)
            ? undefined
            : this.revocations.revoke(id, terminate).catch(() => undefined),
        ),
      );
      for (const outcome of outcomes) {
        if (outcome) count++;
        if (terminate || outcome?.state !== 'REVOKED') stayed++;
      }
    }
    return count;
  }
}
