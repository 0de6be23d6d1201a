import { Inject, Injectable } from '@nestjs/common';
import type { Storage } from '../create-database';
import { STORAGE } from '../storage.tokens';

export interface AuditRecord {
  /** Who acted: the API key's name, or its id. */
  principal: string;
  /** What was done, e.g. `task.execute`. */
  action: string;
  taskId?: string | null;
  target?: string | null;
  ip?: string | null;
  /** Anything else worth keeping; stored as JSON. */
  detail?: Record<string, unknown> | null;
  /** When it happened; default now. */
  at?: Date;
}

/** An audit log entry as the REST API returns it. */
export interface AuditEntry {
  id: number;
  at: string;
  principal: string;
  action: string;
  task_id: string | null;
  target: string | null;
  ip: string | null;
  detail: Record<string, unknown> | null;
}

export interface AuditQuery {
  /** Entries at or after this time. */
  since?: Date;
  /** Entries strictly before this time. */
  until?: Date;
  action?: string;
  /** Default 100. */
  limit?: number;
  /** Default 0. */
  offset?: number;
}

/** Who did what, when: an append-only log with a retention purge. */
@Injectable()
export class AuditLog {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  async record(entry: AuditRecord): Promise<void> {
    await this.storage.db
      .insertInto('audit_log')
      .values({
        at: (entry.at ?? new Date()).toISOString(),
        principal: entry.principal,
        action: entry.action,
        task_id: entry.taskId ?? null,
        target: entry.target ?? null,
        ip: entry.ip ?? null,
        detail: entry.detail == null ? null : JSON.stringify(entry.detail),
      })
      .execute();
  }

  /** Newest first; entries recorded in the same millisecond come in reverse insertion order. */
  async list({ since, until, action, limit = 100, offset = 0 }: AuditQuery = {}): Promise<
    AuditEntry[]
  > {
    let query = this.storage.db.selectFrom('audit_log').selectAll();
    if (since) query = query.where('at', '>=', since.toISOString());
    if (until) query = query.where('at', '<', until.toISOString());
    if (action !== undefined) query = query.where('action', '=', action);
    const rows = await query
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((row) => ({ ...row, detail: parseDetail(row.detail) }));
  }

  /** Deletes the entries older than `cutoff`; returns how many. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.storage.db
      .deleteFrom('audit_log')
      .where('at', '<', cutoff.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function parseDetail(detail: string | null): Record<string, unknown> | null {
  if (detail === null) return null;
  try {
    const value: unknown = JSON.parse(detail);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    // Written by hand, or by an older version: shown rather than lost.
    return { raw: detail };
  }
}
