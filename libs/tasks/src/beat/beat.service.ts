import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { queueWriteClient } from '../bullmq/write-clients';
import { QUEUE_NAMES, type QueueName } from '../queues/queue-names';
import { confirmReplicas } from '../redis/replica-ack';
import { QueueRegistry } from '../queues/queue-registry';
import { DEFAULT_TASK_PRIORITY, toBullPriority } from '../queues/task-priority';
import { TaskRegistry } from '../registry/task-registry';
import { BEAT_KEY_PREFIX, type ScheduleEntry, type ScheduleInfo } from './schedule-entry';

export interface BeatSyncResult {
  registered: string[];
  removed: string[];
}

/**
 * Celery Beat on BullMQ job schedulers. Each declared schedule becomes a scheduler under a stable
 * key; BullMQ creates one delayed job per tick in Redis, so however many beat replicas register
 * it, each tick fires once, and nothing waits in a beat process's memory.
 */
@Injectable()
export class BeatService {
  private readonly logger = new Logger(BeatService.name);

  constructor(
    private readonly registry: TaskRegistry,
    private readonly queues: QueueRegistry,
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
  ) {}

  /** The schedules declared by the loaded domain modules. */
  declared(): ScheduleEntry[] {
    return this.registry.all().flatMap((task) =>
      task.schedules.map((s) => ({
        key: `${BEAT_KEY_PREFIX}${s.id}`,
        task: task.name,
        queue: s.queue ?? task.queue,
        options: s,
      })),
    );
  }

  /** Registers every declared schedule and removes the ones no longer declared. */
  async sync(): Promise<BeatSyncResult> {
    const entries = this.declared();
    // Each run is a task record like a sent one (kept RESULT_EXPIRES; an ignore_result task's
    // successes are not kept), which says which schedule fired it (see recordFromJob).
    const keep = { age: this.options.resultExpires };
    for (const entry of entries) {
      const s = entry.options;
      const task = this.registry.get(entry.task);
      const priority = s.priority ?? task.options.priority ?? DEFAULT_TASK_PRIORITY;
      await this.queues
        .get(entry.queue)
        .upsertJobScheduler(
          entry.key,
          s.every !== undefined
            ? { every: s.every * 1000 }
            : { pattern: s.cron, tz: this.options.timezone },
          {
            name: entry.task,
            data: { args: s.args ?? [], kwargs: s.kwargs ?? {}, retries: 0, priority },
            opts: {
              priority: toBullPriority(priority),
              removeOnComplete: task.options.ignoreResult === true ? true : keep,
              removeOnFail: keep,
            },
          },
        );
    }
    await this.confirmSchedules(new Set(entries.map((e) => e.queue)));
    const wanted = new Set(entries.map((e) => `${e.queue}/${e.key}`));
    const removed: string[] = [];
    for (const info of await this.list()) {
      if (!wanted.has(`${info.queue}/${info.key}`)) {
        await this.queues.get(info.queue).removeJobScheduler(info.key);
        removed.push(info.key);
      }
    }
    if (removed.length)
      this.logger.log(`removed schedules no longer declared: ${removed.join(', ')}`);
    return { registered: entries.map((e) => e.key), removed };
  }

  /**
   * Durable sending: the schedules (and each one's first run) were written on these queues'
   * connections; wait for the replicas to hold them. A shortfall is logged: beat carries on, and
   * registers again any schedule a failover loses (see BeatRunner).
   */
  private async confirmSchedules(queues: Set<QueueName>): Promise<void> {
    const policy = this.options.replicaAck;
    if (policy.replicas <= 0) return;
    for (const queue of queues) {
      try {
        const client = await queueWriteClient(this.queues.get(queue));
        await confirmReplicas(client, policy, `beat schedules on ${queue}`);
      } catch (err) {
        this.logger.warn((err as Error).message);
      }
    }
  }

  /** Removes every beat schedule: periodic firing stops until a beat starts again. */
  async removeAll(): Promise<string[]> {
    const removed: string[] = [];
    for (const info of await this.list()) {
      await this.queues.get(info.queue).removeJobScheduler(info.key);
      removed.push(info.key);
    }
    return removed;
  }

  /** Beat schedules in Redis, with their next run, soonest first. */
  async list(): Promise<ScheduleInfo[]> {
    const declared = new Set(this.declared().map((e) => `${e.queue}/${e.key}`));
    const all: ScheduleInfo[] = [];
    for (const queue of QUEUE_NAMES) {
      const schedulers = await this.queues.get(queue).getJobSchedulers(0, -1, true);
      for (const s of schedulers) {
        if (!s.key.startsWith(BEAT_KEY_PREFIX)) continue;
        all.push({
          key: s.key,
          task: s.name,
          queue,
          every_seconds: s.every ? s.every / 1000 : null,
          cron: s.pattern ?? null,
          timezone: s.tz ?? null,
          next_run: s.next ? new Date(s.next).toISOString() : null,
          declared: declared.has(`${queue}/${s.key}`),
        });
      }
    }
    return all.sort((a, b) => (a.next_run ?? '').localeCompare(b.next_run ?? ''));
  }
}
