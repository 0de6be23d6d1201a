import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type MissionStatus, type MissionsTable, STORAGE, type Storage } from '@brain/storage';
import { insertNotification, type NewNotification } from '../notifications/notification-outbox';

export const MISSION_STATUSES: readonly MissionStatus[] = [
  'pending',
  'running',
  'completed',
  'failed',
];

/** A mission as the API and the tasks see it: JSON columns parsed. */
export type Mission = Omit<MissionsTable, 'payload' | 'result'> & {
  payload: Record<string, unknown>;
  result: unknown;
};

export interface NewMission {
  /** Default `mission_<uuid>`. */
  id?: string;
  name: string;
  payload?: Record<string, unknown>;
  /** 0-9; default 5. */
  priority?: number;
  /** Creation time; default now (tests seed older missions with it). */
  at?: Date;
}

export interface MissionQuery {
  status?: MissionStatus;
  /** Created at or after. */
  since?: Date;
  /** Created at or before. */
  until?: Date;
  /** Default 50. */
  limit?: number;
  /** Default 0. */
  offset?: number;
}

/** The outcome of a guarded move: `moved` false says why nothing was done. */
export type Transition =
  { moved: true; mission: Mission } | { moved: false; mission: Mission | null; reason: string };

/** A mission id is already taken (HTTP 409). */
export class MissionExistsError extends Error {
  constructor(readonly missionId: string) {
    super(`A mission with id "${missionId}" already exists`);
    this.name = 'MissionExistsError';
  }
}

/** No mission has this id. */
export class MissionNotFoundError extends Error {
  constructor(readonly missionId: string) {
    super(`No mission with id "${missionId}"`);
    this.name = 'MissionNotFoundError';
  }
}

/**
 * The missions table. Every state move is one `update ... where status = <expected>`: of two
 * deliveries of the same processing task, only one can start the mission, and a finished mission
 * never moves again.
 */
@Injectable()
export class MissionStore {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  private get db() {
    return this.storage.db;
  }

  async create(input: NewMission): Promise<Mission> {
    const at = (input.at ?? new Date()).toISOString();
    const row: MissionsTable = {
      id: input.id ?? `mission_${randomUUID()}`,
      name: input.name,
      payload: JSON.stringify(input.payload ?? {}),
      priority: input.priority ?? 5,
      status: 'pending',
      result: null,
      error: null,
      attempts: 0,
      runner_task_id: null,
      created_at: at,
      started_at: null,
      completed_at: null,
      updated_at: at,
    };
    const inserted = await this.db
      .insertInto('missions')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw new MissionExistsError(row.id);
    return toMission(row);
  }

  async get(id: string): Promise<Mission | null> {
    const row = await this.db
      .selectFrom('missions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toMission(row) : null;
  }

  /** Newest first. */
  async list({ status, since, until, limit = 50, offset = 0 }: MissionQuery = {}): Promise<
    Mission[]
  > {
    let query = this.db.selectFrom('missions').selectAll();
    if (status) query = query.where('status', '=', status);
    if (since) query = query.where('created_at', '>=', since.toISOString());
    if (until) query = query.where('created_at', '<=', until.toISOString());
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toMission);
  }

  /**
   * pending -> running; counts an attempt. Does nothing to a mission in any other state, except
   * one still running under `runnerTaskId` itself: that is a redelivery of the task whose first
   * attempt died with its worker (BullMQ redelivers only then), which takes the mission over.
   */
  async start(id: string, now = new Date(), runnerTaskId?: string): Promise<Transition> {
    const at = now.toISOString();
    const updated = await this.db
      .updateTable('missions')
      .set((eb) => ({
        status: 'running',
        started_at: at,
        updated_at: at,
        attempts: eb('attempts', '+', 1),
        runner_task_id: runnerTaskId ?? null,
      }))
      .where('id', '=', id)
      .where((eb) =>
        runnerTaskId
          ? eb.or([
              eb('status', '=', 'pending'),
              eb.and([eb('status', '=', 'running'), eb('runner_task_id', '=', runnerTaskId)]),
            ])
          : eb('status', '=', 'pending'),
      )
      .executeTakeFirst();
    return this.outcome(id, updated.numUpdatedRows, 'pending');
  }

  /**
   * running -> completed, with its result. `notification`, if given, goes into the outbox in the
   * same transaction: a crash after the commit cannot lose it (see MissionTasks).
   */
  complete(
    id: string,
    result: unknown,
    now = new Date(),
    notification?: NewNotification,
  ): Promise<Transition> {
    return this.finish(
      id,
      { status: 'completed', result: JSON.stringify(result ?? null), error: null },
      now,
      notification,
    );
  }

  /** running -> failed, with the error and whatever partial result there is; as complete(). */
  fail(
    id: string,
    error: string,
    result?: unknown,
    now = new Date(),
    notification?: NewNotification,
  ): Promise<Transition> {
    const partial = result === undefined ? null : JSON.stringify(result);
    return this.finish(id, { status: 'failed', result: partial, error }, now, notification);
  }

  private async finish(
    id: string,
    outcome: Pick<MissionsTable, 'status' | 'result' | 'error'>,
    now: Date,
    notification: NewNotification | undefined,
  ): Promise<Transition> {
    const at = now.toISOString();
    const updated = await this.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('missions')
        .set({ ...outcome, completed_at: at, updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (notification && Number(moved.numUpdatedRows) > 0)
        await insertNotification(trx, notification, now);
      return moved.numUpdatedRows;
    });
    return this.outcome(id, updated, 'running');
  }

  /** Missions running since before `startedBefore`, longest-running first. */
  async stuck(startedBefore: Date): Promise<Mission[]> {
    const rows = await this.db
      .selectFrom('missions')
      .selectAll()
      .where('status', '=', 'running')
      .where('started_at', '<', startedBefore.toISOString())
      .orderBy('started_at', 'asc')
      .execute();
    return rows.map(toMission);
  }

  /** How many missions are in each status (all four keys), optionally by creation window. */
  async countByStatus(
    window: { since?: Date; until?: Date } = {},
  ): Promise<Record<MissionStatus, number>> {
    let query = this.db
      .selectFrom('missions')
      .select((eb) => ['status', eb.fn.countAll<number | string | bigint>().as('n')])
      .groupBy('status');
    if (window.since) query = query.where('created_at', '>=', window.since.toISOString());
    if (window.until) query = query.where('created_at', '<=', window.until.toISOString());
    const counts: Record<MissionStatus, number> = {
      pending: 0,
      running: 0,
      completed: 0,
      failed: 0,
    };
    for (const { status, n } of await query.execute()) counts[status] = Number(n);
    return counts;
  }

  /** Deletes completed and failed missions finished before `cutoff`; returns how many. */
  async deleteFinishedBefore(cutoff: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('missions')
      .where('status', 'in', ['completed', 'failed'])
      .where('completed_at', '<', cutoff.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async outcome(id: string, updated: bigint, expected: MissionStatus): Promise<Transition> {
    const mission = await this.get(id);
    if (Number(updated) > 0 && mission) return { moved: true, mission };
    return {
      moved: false,
      mission,
      reason: mission
        ? `mission "${id}" is ${mission.status}, not ${expected}`
        : `no mission with id "${id}"`,
    };
  }
}

function toMission(row: MissionsTable): Mission {
  return {
    ...row,
    payload: parseObject(row.payload),
    result: row.result === null ? null : parseJson(row.result),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { raw: text };
  }
}

function parseObject(text: string): Record<string, unknown> {
  const value = parseJson(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { value };
}
