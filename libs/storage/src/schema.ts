import type { Generated } from 'kysely';

/*
 * Every time is stored as ISO-8601 UTC text (`2026-11-29T10:24:48.123Z`, from Date#toISOString)
 * in both SQLite and PostgreSQL: SQLite has no date type, one representation keeps the queries
 * and the values returned identical on both, and the fixed-width format orders lexically, so
 * `<`, `>` and ORDER BY on the text are chronological. Days are `YYYY-MM-DD` (UTC) for the same
 * reasons.
 */

/** An ISO-8601 UTC timestamp, e.g. `2026-11-29T10:24:48.123Z`. */
export type IsoTimestamp = string;

/** A UTC day, `YYYY-MM-DD`. */
export type IsoDay = string;

export type ApiKeyRole = 'admin' | 'operator' | 'viewer';

export interface ApiKeysTable {
  /** A UUID. */
  id: string;
  name: string;
  role: ApiKeyRole;
  /** The first 8 characters of the secret, so that people can tell their keys apart. */
  prefix: string;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  hash: string;
  created_at: IsoTimestamp;
  expires_at: IsoTimestamp | null;
  last_used_at: IsoTimestamp | null;
  revoked_at: IsoTimestamp | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: IsoTimestamp;
  /** The API key's name, or its id. */
  principal: string;
  /** What was done, e.g. `task.execute`. */
  action: string;
  task_id: string | null;
  target: string | null;
  ip: string | null;
  /** A JSON object. */
  detail: string | null;
}

/** Requests aggregated per day, method, route template and status; one row per combination. */
export interface RequestStatsTable {
  day: IsoDay;
  method: string;
  /** The route template, e.g. `/api/tasks/:task_id`, never the concrete path. */
  route: string;
  status: number;
  requests: number;
  total_ms: number;
  max_ms: number;
}

/** Who made requests on a day, to count unique active users. */
export interface RequestPrincipalsTable {
  day: IsoDay;
  principal: string;
}

export type MissionStatus = 'pending' | 'running' | 'completed' | 'failed';

/** A mission: pending -> running -> completed | failed, each move a guarded update. */
export interface MissionsTable {
  /** `mission_<uuid>`, or the id the client gave. */
  id: string;
  name: string;
  /** A JSON object; its `steps` are what `process_mission_async` runs. */
  payload: string;
  /** 0-9, 9 first (the priority of its processing task). */
  priority: number;
  status: MissionStatus;
  /** JSON: the per-step results (also kept, up to the failing step, on failure). */
  result: string | null;
  error: string | null;
  /** How many times processing started. */
  attempts: number;
  created_at: IsoTimestamp;
  started_at: IsoTimestamp | null;
  completed_at: IsoTimestamp | null;
  updated_at: IsoTimestamp;
}

export interface Database {
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  request_stats: RequestStatsTable;
  request_principals: RequestPrincipalsTable;
  missions: MissionsTable;
}
