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
  /** The HTTP status answered; none for a change made from the CLI. */
  status?: number | null;
  /** Why the call was refused, as its answer said (never a secret or a request body). */
  reason?: string | null;
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
  status: number | null;
  reason: string | null;
  detail: Record<string, unknown> | null;
}

export interface AuditQuery {
  /** Entries at or after this time. */
  since?: Date;
  /** Entries at or before this time. */
  until?: Date;
  action?: string;
  principal?: string;
  status?: number;
  /** Default 100. */
  limit?: number;
  /** Default 0. */
  offset?: number;
}

/** A page of the audit log, as the REST API answers it. */
export interface AuditPage {
  entries: AuditEntry[];
  limit: number;
  offset: number;
  has_more: boolean;
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
        status: entry.status ?? null,
        reason: entry.reason ?? null,
      })
      .execute();
  }

  /** Newest first; entries recorded in the same millisecond come in reverse insertion order. */
  async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const { since, until, action, principal, status, limit = 100, offset = 0 } = query;
    let select = this.storage.db
      .selectFrom('audit_log')
      .select(['id', 'at', 'principal', 'action', 'task_id', 'target', 'ip', 'status', 'reason'])
      .select('detail');
    if (since) select = select.where('at', '>=', since.toISOString());
    if (until) select = select.where('at', '<=', until.toISOString());
    if (action !== undefined) select = select.where('action', '=', action);
    if (principal !== undefined) select = select.where('principal', '=', principal);
    if (status !== undefined) select = select.where('status', '=', status);
    const rows = await select
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((row) => ({ ...row, detail: parseDetail(row.detail) }));
  }

  /** One page of `list`, and whether more entries match beyond it. */
  async page(query: AuditQuery & { limit: number; offset: number }): Promise<AuditPage> {
    const rows = await this.list({ ...query, limit: query.limit + 1 });
    return {
      entries: rows.slice(0, query.limit),
      limit: query.limit,
      offset: query.offset,
      has_more: rows.length > query.limit,
    };
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
