import { Injectable } from '@nestjs/common';
import type { MissionStatus, NotificationStatus, NotificationType } from '@brain/storage';
import { Task, TaskContext, taskNameOf } from '@brain/tasks';
import { type Mission, MissionNotFoundError, MissionStore } from '../missions/mission.store';
import { missionForView } from '../missions/mission-view';
import type { Delivery } from './delivery';
import { EmailSender, NO_SMTP_URL } from './email-sender';
import { checkNotificationArgs, MAX_RECIPIENTS } from './notification-args';
import { type Notification, NotificationOutbox } from './notification-outbox';
import { WebhookSender } from './webhook-sender';

export type RecipientOutcome = 'delivered' | 'failed' | 'undelivered';

export interface NotificationResult {
  notification_id: number;
  mission_id: string;
  notification_type: NotificationType;
  status: NotificationStatus;
  /** How many recipients got it / were never tried (see reason) / failed. */
  delivered: number;
  undelivered: number;
  failed: number;
  reason?: string;
  recipients: Array<{ recipient: string; outcome: RecipientOutcome; detail: string }>;
}

/**
 * At least one recipient did not get the notification (recorded in the outbox first). The task
 * ends FAILURE with it; `result` is what it would have returned.
 */
export class NotificationDeliveryError extends Error {
  constructor(
    message: string,
    readonly result: NotificationResult,
  ) {
    super(message);
    this.name = 'NotificationDeliveryError';
  }
}

/** A delivery failed in a way a later try may fix (timeout, 5xx, SMTP 4xx): retried. */
export class TransientNotificationError extends NotificationDeliveryError {
  constructor(message: string, result: NotificationResult) {
    super(message, result);
    this.name = 'TransientNotificationError';
  }
}

/** The webhook body: what a receiver gets, signed. */
export interface WebhookBody {
  mission_id: string;
  status: MissionStatus;
  mission: Omit<Mission, 'payload'>;
  sent_at: string;
}

@Injectable()
export class NotificationTasks {
  constructor(
    private readonly missions: MissionStore,
    private readonly outbox: NotificationOutbox,
    private readonly email: EmailSender,
    private readonly webhooks: WebhookSender,
  ) {}

  /**
   * Notifies `recipients` (email addresses, or http(s) URLs for `webhook`) that a mission reached
   * `status`. Every attempt is recorded in the outbox. A transient failure is retried up to 3
   * times with backoff; a retry continues the same outbox row and only tries the recipients that
   * have not got it yet, so nobody gets it twice.
   */
  @Task({
    name: 'backend.app.tasks.mission_tasks.send_mission_notification',
    params: ['mission_id', 'status', 'recipients', 'notification_type'],
    // 50 recipients x 10 s timeout at most, and some room.
    timeLimit: MAX_RECIPIENTS * 10 + 60,
    autoretryFor: [TransientNotificationError],
    maxRetries: 3,
    retryBackoff: 30,
    retryBackoffMax: 600,
    // Mail or webhook calls to any address, from the platform: the mission pipeline sends it;
    // a person sending one by hand is an admin.
    role: 'admin',
    checkArgs: (kwargs) => {
      checkNotificationArgs(kwargs);
    },
  })
  async sendMissionNotification(
    kwargs: Record<string, unknown>,
    ctx: TaskContext,
  ): Promise<NotificationResult> {
    const args = checkNotificationArgs(kwargs);
    const stored = await this.missions.get(args.mission_id);
    if (!stored) throw new MissionNotFoundError(args.mission_id);
    // What leaves in the email or webhook body: as a viewer would see it.
    const mission = missionForView(stored);
    const missionView: Omit<Mission, 'payload'> & { payload?: unknown } = { ...mission };
    delete missionView.payload;
    const subject = `[BRAiN] Mission "${mission.name}" ${args.status}`;
    const sentAt = new Date().toISOString();
    const body: WebhookBody = {
      mission_id: mission.id,
      status: args.status,
      mission: missionView,
      sent_at: sentAt,
    };
    const rawBody = JSON.stringify(body);
    const text = emailText(mission, args.status);

    const written = await this.outbox.findByTask(ctx.taskId);
    // Written with the mission's move, before what it sends was known: this is the first try.
    if (written?.attempts === 0)
      await this.outbox.describe(
        written.id,
        args.notification_type === 'email' ? subject : null,
        args.notification_type === 'email' ? { subject, text } : body,
      );
    const notification =
      written ??
      (await this.outbox.create({
        mission_id: mission.id,
        task_id: ctx.taskId,
        notification_type: args.notification_type,
        recipients: args.recipients,
        subject: args.notification_type === 'email' ? subject : null,
        payload: args.notification_type === 'email' ? { subject, text } : body,
      }));

    if (args.notification_type === 'email' && !this.email.configured) {
      await this.outbox.finish(notification.id, 'undelivered', NO_SMTP_URL);
      ctx.logger.warn(`notification ${notification.id}: ${NO_SMTP_URL}; recorded undelivered`);
      return {
        notification_id: notification.id,
        mission_id: mission.id,
        notification_type: args.notification_type,
        status: 'undelivered',
        delivered: 0,
        undelivered: args.recipients.length,
        failed: 0,
        reason: NO_SMTP_URL,
        recipients: args.recipients.map((recipient) => ({
          recipient,
          outcome: 'undelivered',
          detail: NO_SMTP_URL,
        })),
      };
    }

    // A retry: who got it already keeps their delivered outcome and is not sent it again.
    const earlier = await this.previousOutcomes(notification);
    const pending = args.recipients.filter((r) => earlier.get(r)?.outcome !== 'delivered');
    let deliveries: Delivery[];
    try {
      deliveries =
        pending.length === 0
          ? []
          : args.notification_type === 'email'
            ? await this.email.send(pending, { subject, text }, ctx.signal)
            : await this.webhooks.send(pending, rawBody, sentAt, ctx.signal);
    } catch (err) {
      // Nothing could be sent (e.g. the signing secret does not open: a wrong BRAIN_MASTER_KEY).
      // The row must say so, not stay pending; retrying cannot help, so it is final.
      throw await this.notSent(notification, args.recipients, earlier, err as Error);
    }
    for (const d of deliveries) {
      await this.outbox.recordAttempt(notification.id, {
        recipient: d.recipient,
        outcome: d.outcome,
        detail: d.detail,
        duration_ms: d.duration_ms,
      });
    }

    const latest = new Map(earlier);
    for (const d of deliveries) latest.set(d.recipient, d);
    const recipients = args.recipients.map(
      (recipient): NotificationResult['recipients'][number] => {
        const d = latest.get(recipient);
        return {
          recipient,
          outcome: d?.outcome ?? 'failed',
          detail: d?.detail ?? 'not attempted',
        };
      },
    );
    const failed = recipients.filter((r) => r.outcome === 'failed');
    const status: NotificationStatus = failed.length === 0 ? 'delivered' : 'failed';
    const reason =
      failed.length === 0
        ? null
        : failed
            .map((r) => `${r.recipient}: ${r.detail}`)
            .join('; ')
            .slice(0, 2000);
    await this.outbox.finish(notification.id, status, reason);
    const result: NotificationResult = {
      notification_id: notification.id,
      mission_id: mission.id,
      notification_type: args.notification_type,
      status,
      delivered: recipients.length - failed.length,
      undelivered: 0,
      failed: failed.length,
      ...(reason ? { reason } : {}),
      recipients,
    };
    if (failed.length > 0) {
      const message = `notification ${notification.id} of mission "${mission.id}" failed for ${failed.length} of ${recipients.length} recipients: ${reason}`;
      const transient = deliveries.some((d) => d.outcome === 'failed' && d.transient);
      throw transient
        ? new TransientNotificationError(message, result)
        : new NotificationDeliveryError(message, result);
    }
    return result;
  }

  /** Marks the row failed with the reason; the error the task then fails with. */
  private async notSent(
    notification: Notification,
    recipients: readonly string[],
    earlier: ReadonlyMap<string, Pick<Delivery, 'outcome' | 'detail'>>,
    err: Error,
  ): Promise<NotificationDeliveryError> {
    const reason = `not sent: ${err.message}`.slice(0, 2000);
    await this.outbox.finish(notification.id, 'failed', reason);
    const outcomes = recipients.map((recipient): NotificationResult['recipients'][number] =>
      earlier.get(recipient)?.outcome === 'delivered'
        ? { recipient, outcome: 'delivered', detail: earlier.get(recipient)?.detail ?? '' }
        : { recipient, outcome: 'undelivered', detail: reason },
    );
    const undelivered = outcomes.filter((r) => r.outcome === 'undelivered').length;
    return new NotificationDeliveryError(
      `notification ${notification.id} of mission "${notification.mission_id}" ${reason}`,
      {
        notification_id: notification.id,
        mission_id: notification.mission_id,
        notification_type: notification.notification_type,
        status: 'failed',
        delivered: outcomes.length - undelivered,
        undelivered,
        failed: 0,
        reason,
        recipients: outcomes,
      },
    );
  }

  private async previousOutcomes(
    notification: Notification,
  ): Promise<Map<string, Pick<Delivery, 'outcome' | 'detail'>>> {
    const outcomes = new Map<string, Pick<Delivery, 'outcome' | 'detail'>>();
    if (notification.attempts === 0) return outcomes;
    for (const a of await this.outbox.attempts(notification.id))
      outcomes.set(a.recipient, { outcome: a.outcome, detail: a.detail ?? '' });
    return outcomes;
  }
}

/** The task a finished mission sends to notify its recipients. */
export const SEND_MISSION_NOTIFICATION = taskNameOf(NotificationTasks, 'sendMissionNotification');

function emailText(mission: Mission, status: MissionStatus): string {
  const lines = [
    `Mission "${mission.name}" (${mission.id}) is ${status}.`,
    '',
    `Status:     ${mission.status}`,
    `Created:    ${mission.created_at}`,
    `Started:    ${mission.started_at ?? '-'}`,
    `Completed:  ${mission.completed_at ?? '-'}`,
    `Attempts:   ${mission.attempts}`,
  ];
  if (mission.error) lines.push(`Error:      ${mission.error}`);
  lines.push('', '-- BRAiN Tasks');
  return lines.join('\n');
}
