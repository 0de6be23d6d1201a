import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import {
  type Database,
  type NotificationAttemptOutcome,
  type NotificationStatus,
  type NotificationType,
  STORAGE,
  type Storage,
} from '@brain/storage';

/** An outbox row with its JSON columns parsed. */
export interface Notification {
  id: number;
  mission_id: string;
  task_id: string | null;
  notification_type: NotificationType;
  recipients: string[];
  subject: string | null;
  payload: unknown;
  status: NotificationStatus;
  reason: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export interface NotificationAttempt {
  id: number;
  outbox_id: number;
  recipient: string;
  attempted_at: string;
  outcome: NotificationAttemptOutcome;
  detail: string | null;
  duration_ms: number;
}

export interface NewNotification {
  mission_id: string;
  task_id?: string;
  notification_type: NotificationType;
  recipients: readonly string[];
  subject?: string | null;
  payload: unknown;
}

/** The notification_outbox and notification_attempts tables. */
@Injectable()
export class NotificationOutbox {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  private get db() {
    return this.storage.db;
  }

  /** A new `pending` notification. */
  async create(input: NewNotification, now = new Date()): Promise<Notification> {
    return (await this.get(await insertNotification(this.db, input, now))) as Notification;
  }

  /**
   * What a delivery sends, on a row written before it was known (with the mission's move): set
   * by the first attempt.
   */
  async describe(id: number, subject: string | null, payload: unknown): Promise<void> {
    await this.db
      .updateTable('notification_outbox')
      .set({ subject, payload: JSON.stringify(payload ?? null) })
      .where('id', '=', id)
      .execute();
  }

  /** A mission's notifications whose delivery never started (no attempt, still pending). */
  async unstarted(missionId: string): Promise<Notification[]> {
    const rows = await this.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('mission_id', '=', missionId)
      .where('status', '=', 'pending')
      .where('attempts', '=', 0)
      .orderBy('id', 'asc')
      .execute();
    return rows.map(toNotification);
  }

  async get(id: number): Promise<Notification | null> {
    const row = await this.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toNotification(row) : null;
  }

  /** The notification a task (or an earlier run of it, before a retry) created. */
  async findByTask(taskId: string): Promise<Notification | null> {
    const row = await this.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('task_id', '=', taskId)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row ? toNotification(row) : null;
  }

  /** A mission's notifications, oldest first. */
  async forMission(missionId: string): Promise<Notification[]> {
    const rows = await this.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('mission_id', '=', missionId)
      .orderBy('id', 'asc')
      .execute();
    return rows.map(toNotification);
  }

  /** Records one attempt and counts it on the notification. */
  async recordAttempt(
    outboxId: number,
    attempt: {
      recipient: string;
      outcome: NotificationAttemptOutcome;
      detail: string | null;
      duration_ms: number;
    },
    now = new Date(),
  ): Promise<void> {
    const at = now.toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('notification_attempts')
        .values({ outbox_id: outboxId, attempted_at: at, ...attempt })
        .execute();
      await trx
        .updateTable('notification_outbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: at }))
        .where('id', '=', outboxId)
        .execute();
    });
  }

  /** Sets the final (or current) status; `delivered` stamps delivered_at. */
  async finish(
    id: number,
    status: NotificationStatus,
    reason: string | null,
    now = new Date(),
  ): Promise<void> {
    const at = now.toISOString();
    await this.db
      .updateTable('notification_outbox')
      .set({
        status,
        reason,
        updated_at: at,
        delivered_at: status === 'delivered' ? at : null,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Every attempt of a notification, in order. */
  async attempts(outboxId: number): Promise<NotificationAttempt[]> {
    const rows = await this.db
      .selectFrom('notification_attempts')
      .selectAll()
      .where('outbox_id', '=', outboxId)
      .orderBy('id', 'asc')
      .execute();
    return rows.map((r) => ({ ...r, id: Number(r.id), outbox_id: Number(r.outbox_id) }));
  }
}

/**
 * Inserts a `pending` notification with `db`, which may be a transaction: a mission's move and
 * its notification are written together (see MissionStore). Answers the row's id.
 */
export async function insertNotification(
  db: Kysely<Database>,
  input: NewNotification,
  now = new Date(),
): Promise<number> {
  const at = now.toISOString();
  const row = await db
    .insertInto('notification_outbox')
    .values({
      mission_id: input.mission_id,
      task_id: input.task_id ?? null,
      notification_type: input.notification_type,
      recipients: JSON.stringify(input.recipients),
      subject: input.subject ?? null,
      payload: JSON.stringify(input.payload ?? null),
      status: 'pending',
      reason: null,
      attempts: 0,
      created_at: at,
      updated_at: at,
      delivered_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

type OutboxRow = Omit<Notification, 'recipients' | 'payload' | 'id'> & {
  id: number | string | bigint;
  recipients: string;
  payload: string;
};

function toNotification(row: OutboxRow): Notification {
  return {
    ...row,
    id: Number(row.id),
    attempts: Number(row.attempts),
    recipients: JSON.parse(row.recipients) as string[],
    payload: JSON.parse(row.payload) as unknown,
  };
}
