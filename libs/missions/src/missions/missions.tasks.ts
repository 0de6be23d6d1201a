import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { OutboundClient } from '@brain/outbound';
import {
  QueueRegistry,
  Schedule,
  Task,
  TaskClient,
  TaskContext,
  TaskInputError,
  taskNameOf,
  redactText,
  redactValue,
} from '@brain/tasks';
import { type MissionStep, parseSteps, runStep, type StepResult } from './mission-steps';
import { type Mission, MissionNotFoundError, MissionStore } from './mission.store';
import { parseNotify } from '../notifications/notification-args';
import { type NewNotification, NotificationOutbox } from '../notifications/notification-outbox';
import { SEND_MISSION_NOTIFICATION } from '../notifications/notifications.tasks';

/** The health check's thresholds. */
export const STUCK_AFTER_MINUTES = 30;
const QUEUE_DEGRADED = 100;
const QUEUE_UNHEALTHY = 1000;
const BACKLOG_DEGRADED = 100;
const BACKLOG_UNHEALTHY = 1000;
const STUCK_UNHEALTHY = 5;

export type MissionHealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface MissionQueueHealth {
  timestamp: string;
  queue: { name: 'missions'; waiting: number; delayed: number; active: number; size: number };
  pending_missions: number;
  running_missions: number;
  stuck_threshold_minutes: number;
  stuck_missions: Array<{ id: string; name: string; started_at: string; running_minutes: number }>;
  alerts: string[];
  status: MissionHealthStatus;
}

export interface MissionMetrics {
  start_date: string;
  end_date: string;
  total: number;
  completed: number;
  failed: number;
  pending: number;
  running: number;
  /** completed / (completed + failed), percent with 2 decimals; 0 when none finished. */
  success_rate: number;
}

export interface ProcessedMission {
  mission_id: string;
  /** `skipped`: another delivery started it already, or it has finished (nothing was done). */
  status: 'completed' | 'skipped';
  mission_status: Mission['status'];
  reason?: string;
  steps?: StepResult[];
  /** The send_mission_notification task sent for `payload.notify`, if any. */
  notification_task_id?: string;
}

/** Raised after a mission was recorded as failed, so that its task ends FAILURE too. */
export class MissionFailedError extends Error {
  constructor(
    readonly missionId: string,
    message: string,
  ) {
    super(`Mission "${missionId}" failed: ${message}`);
    this.name = 'MissionFailedError';
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function isoTime(value: unknown, field: string): Date {
  if (typeof value !== 'string' || !ISO_TIME.test(value) || Number.isNaN(Date.parse(value)))
    throw new TaskInputError(
      `${field} must be an ISO 8601 date or time, got ${JSON.stringify(value)}`,
      field,
    );
  return new Date(value);
}

function checkDateRange({ start_date, end_date }: Readonly<Record<string, unknown>>) {
  const start = isoTime(start_date, 'start_date');
  const end = isoTime(end_date, 'end_date');
  if (start > end) throw new TaskInputError('start_date must not be after end_date', 'start_date');
  return { start, end };
}

/** Least days_old of cleanup_completed_missions, when it is sent. */
export const MIN_MISSION_DAYS_OLD = 1;

function checkWholeNumber(value: unknown, field: string, min: number): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min))
    throw new TaskInputError(
      `${field} must be a whole number >= ${min}, got ${JSON.stringify(value)}`,
      field,
    );
}

@Injectable()
export class MissionTasks {
  constructor(
    private readonly missions: MissionStore,
    private readonly queues: QueueRegistry,
    private readonly client: TaskClient,
    private readonly outbound: OutboundClient,
    private readonly outbox: NotificationOutbox,
  ) {}

  /** The missions queue's job counts, summed over the partitions. */
  private async missionJobCounts(): Promise<Record<string, number>> {
    const each = await Promise.all(
      (await this.queues.everyPartition()).map((p) =>
        p.get('missions').getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
      ),
    );
    const sum: Record<string, number> = {};
    for (const counts of each)
      for (const [state, n] of Object.entries(counts)) sum[state] = (sum[state] ?? 0) + n;
    return sum;
  }

  /** The missions queue's size, missions running too long, the pending backlog, a verdict. */
  @Task({
    name: 'backend.app.tasks.mission_tasks.check_mission_queue_health',
    params: ['stuck_threshold_minutes'],
    timeLimit: 60,
    checkArgs: ({ stuck_threshold_minutes }) =>
      checkWholeNumber(stuck_threshold_minutes, 'stuck_threshold_minutes', 1),
  })
  @Schedule({
    id: 'check-mission-queue-health',
    every: 60,
    description: 'Mission queue monitoring',
  })
  async checkMissionQueueHealth({
    stuck_threshold_minutes = STUCK_AFTER_MINUTES,
  }: {
    stuck_threshold_minutes?: number;
  }): Promise<MissionQueueHealth> {
    checkWholeNumber(stuck_threshold_minutes, 'stuck_threshold_minutes', 1);
    const now = Date.now();
    const [jobs, counts, stuck] = await Promise.all([
      this.missionJobCounts(),
      this.missions.countByStatus(),
      this.missions.stuck(new Date(now - stuck_threshold_minutes * 60_000)),
    ]);
    const waiting = (jobs.waiting ?? 0) + (jobs.prioritized ?? 0);
    const delayed = jobs.delayed ?? 0;
    const active = jobs.active ?? 0;
    const size = waiting + delayed + active;
    const stuckMissions = stuck.map((m) => ({
      id: m.id,
      name: m.name,
      started_at: m.started_at ?? '',
      running_minutes: Math.floor((now - Date.parse(m.started_at ?? '')) / 60_000),
    }));
    const alerts: string[] = [];
    let status: MissionHealthStatus = 'healthy';
    const raise = (level: MissionHealthStatus, alert: string) => {
      alerts.push(alert);
      if (level === 'unhealthy' || status === 'healthy') status = level;
    };
    if (size > QUEUE_DEGRADED)
      raise(size > QUEUE_UNHEALTHY ? 'unhealthy' : 'degraded', `Missions queue holds ${size} jobs`);
    if (counts.pending > BACKLOG_DEGRADED)
      raise(
        counts.pending > BACKLOG_UNHEALTHY ? 'unhealthy' : 'degraded',
        `${counts.pending} missions are pending`,
      );
    if (stuck.length > 0)
      raise(
        stuck.length >= STUCK_UNHEALTHY ? 'unhealthy' : 'degraded',
        `${stuck.length} missions running longer than ${stuck_threshold_minutes} minutes`,
      );
    return {
      timestamp: new Date(now).toISOString(),
      queue: { name: 'missions', waiting, delayed, active, size },
      pending_missions: counts.pending,
      running_missions: counts.running,
      stuck_threshold_minutes,
      stuck_missions: stuckMissions,
      alerts,
      status,
    };
  }

  /** Completed and failed missions that finished more than `days_old` days ago. */
  @Task({
    name: 'backend.app.tasks.mission_tasks.cleanup_completed_missions',
    params: ['days_old'],
    timeLimit: 600,
    // It deletes missions: an admin's call, and never those that ended within the last day.
    role: 'admin',
    checkArgs: ({ days_old }) => checkWholeNumber(days_old, 'days_old', MIN_MISSION_DAYS_OLD),
  })
  async cleanupCompletedMissions({
    days_old = 30,
  }: {
    days_old?: number;
  }): Promise<{ deleted: number; cutoff_date: string }> {
    checkWholeNumber(days_old, 'days_old', 0);
    const cutoff = new Date(Date.now() - days_old * 86_400_000);
    return {
      deleted: await this.missions.deleteFinishedBefore(cutoff),
      cutoff_date: cutoff.toISOString(),
    };
  }

  /**
   * Runs a pending mission's steps and records the outcome. Starting is a guarded update, so a
   * second delivery of the same task finds it running or finished and does nothing.
   */
  @Task({
    name: 'backend.app.tasks.mission_tasks.process_mission_async',
    params: ['mission_id'],
    timeLimit: 3600,
    checkArgs: ({ mission_id }) => {
      if (typeof mission_id !== 'string' || mission_id.trim() === '')
        throw new TaskInputError('mission_id must be a non-empty string', 'mission_id');
    },
  })
  async processMissionAsync(
    { mission_id }: { mission_id: string },
    ctx: TaskContext,
  ): Promise<ProcessedMission> {
    const started = await this.missions.start(mission_id, new Date(), ctx.taskId);
    if (!started.moved) {
      if (!started.mission) throw new MissionNotFoundError(mission_id);
      ctx.logger.warn(`process_mission_async: ${started.reason}; nothing done`);
      // A redelivery of the run that ended the mission (its worker died after the commit): it
      // sends the notification that run wrote and had no time to send.
      const relayed =
        started.mission.runner_task_id === ctx.taskId
          ? await this.relay(started.mission, ctx)
          : undefined;
      return {
        mission_id,
        status: 'skipped',
        mission_status: started.mission.status,
        reason: started.reason,
        ...(relayed ? { notification_task_id: relayed } : {}),
      };
    }
    const steps: StepResult[] = [];
    let plan: MissionStep[];
    try {
      plan = parseSteps(started.mission.payload);
    } catch (err) {
      const message = `invalid payload: ${(err as Error).message}`;
      await this.missions.fail(mission_id, message, { steps });
      // No notification: `notify` itself may be what is invalid.
      throw new MissionFailedError(mission_id, message);
    }
    for (const [index, step] of plan.entries()) {
      const t0 = performance.now();
      try {
        const output = await runStep(step, ctx.signal, this.outbound);
        steps.push({ index, type: step.type, status: 'ok', duration_ms: ms(t0), output });
      } catch (err) {
        // Stored, logged, mailed: never with a credential an error quotes from the step's URL.
        const error = redactText((err as Error)?.message ?? String(err));
        steps.push({ index, type: step.type, status: 'failed', duration_ms: ms(t0), error });
        const message = `step ${index} (${step.type}): ${error}`;
        const notification = this.notification(started.mission, 'failed', ctx);
        const failed = await this.missions.fail(
          mission_id,
          message,
          { steps },
          new Date(),
          notification,
        );
        if (failed.moved && notification) await this.deliver(notification, 'failed', ctx);
        throw new MissionFailedError(mission_id, message);
      }
    }
    const notification = this.notification(started.mission, 'completed', ctx);
    const done = await this.missions.complete(mission_id, { steps }, new Date(), notification);
    const sent =
      done.moved && notification ? await this.deliver(notification, 'completed', ctx) : undefined;
    return {
      mission_id,
      status: 'completed',
      mission_status: done.mission?.status ?? 'completed',
      // The task's record is read by viewers: answers' secrets masked, as the mission's view does.
      steps: redactValue(steps) as StepResult[],
      ...(sent ? { notification_task_id: sent } : {}),
    };
  }

  /**
   * The outbox row for the mission's `payload.notify`, if it has one, to write with the mission's
   * move (one transaction). Its delivery task's id is chosen here, so that sending it again
   * (relay) cannot deliver twice. A bad `notify` is logged, never fails the mission.
   */
  private notification(
    mission: Mission,
    status: 'completed' | 'failed',
    ctx: TaskContext,
  ): NewNotification | undefined {
    try {
      const notify = parseNotify(mission.payload);
      if (!notify) return undefined;
      return {
        mission_id: mission.id,
        task_id: randomUUID(),
        notification_type: notify.notification_type,
        recipients: notify.recipients,
        // What the delivery sends is set when it runs (see send_mission_notification).
        payload: { status },
      };
    } catch (err) {
      ctx.logger.error(
        `process_mission_async: notification of mission "${mission.id}" not sent: ${(err as Error).message}`,
      );
      return undefined;
    }
  }

  /**
   * Sends the delivery task of an outbox row, under the row's task id: BullMQ keeps one job per
   * id, so sending it again is harmless. A failure is logged; the row stays pending, and a
   * redelivery of this task sends it (relay).
   */
  private async deliver(
    row: Pick<NewNotification, 'mission_id' | 'task_id' | 'recipients' | 'notification_type'>,
    status: string,
    ctx: TaskContext,
  ): Promise<string | undefined> {
    try {
      const sent = await this.client.applyAsync(SEND_MISSION_NOTIFICATION, {
        kwargs: {
          mission_id: row.mission_id,
          status,
          recipients: [...row.recipients],
          notification_type: row.notification_type,
        },
        taskId: row.task_id,
        parentId: ctx.taskId,
      });
      return sent.task_id;
    } catch (err) {
      ctx.logger.error(
        `process_mission_async: notification of mission "${row.mission_id}" written, not sent yet: ${(err as Error).message}`,
      );
      return undefined;
    }
  }

  /** Sends the delivery of every notification of the mission written and never started. */
  private async relay(mission: Mission, ctx: TaskContext): Promise<string | undefined> {
    let sent: string | undefined;
    for (const row of await this.outbox.unstarted(mission.id)) {
      if (!row.task_id) continue;
      const status = (row.payload as { status?: unknown } | null)?.status;
      sent =
        (await this.deliver(
          { ...row, task_id: row.task_id },
          typeof status === 'string' ? status : mission.status,
          ctx,
        )) ?? sent;
    }
    return sent;
  }

  /** Missions created in [start_date, end_date], by status, and the success rate. */
  @Task({
    name: 'backend.app.tasks.mission_tasks.calculate_mission_metrics',
    params: ['start_date', 'end_date'],
    timeLimit: 300,
    checkArgs: (kwargs) => {
      checkDateRange(kwargs);
    },
  })
  async calculateMissionMetrics(kwargs: {
    start_date: string;
    end_date: string;
  }): Promise<MissionMetrics> {
    const { start, end } = checkDateRange(kwargs);
    const c = await this.missions.countByStatus({ since: start, until: end });
    const finished = c.completed + c.failed;
    return {
      start_date: start.toISOString(),
      end_date: end.toISOString(),
      total: c.pending + c.running + c.completed + c.failed,
      completed: c.completed,
      failed: c.failed,
      pending: c.pending,
      running: c.running,
      success_rate: finished === 0 ? 0 : Math.round((c.completed / finished) * 10_000) / 100,
    };
  }
}

/** The task the API sends to run a mission. */
export const PROCESS_MISSION = taskNameOf(MissionTasks, 'processMissionAsync');

function ms(t0: number): number {
  return Math.round(performance.now() - t0);
}
