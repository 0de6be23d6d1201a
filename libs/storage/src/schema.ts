import type { Generated } from 'kysely';
import type { Role } from '@brain/auth';

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

/** A key's role: the roles and their order are @brain/auth's (the initial migration checks them). */
export type ApiKeyRole = Role;

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
  /** The HTTP status answered (the CLI's entries: null). */
  status: number | null;
  /** Why a call was refused (401/403/429), in the answer's own words. */
  reason: string | null;
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

/** A cached value; the CacheStore ignores, and the maintenance purge deletes, expired ones. */
export interface CacheEntriesTable {
  key: string;
  /** The value as JSON. */
  value: string;
  created_at: IsoTimestamp;
  /** Null: never expires. */
  expires_at: IsoTimestamp | null;
}

export type EncryptionKeyStatus = 'active' | 'retired';

/** A data key of the keyring; at most one is active (the one new secrets are sealed with). */
export interface EncryptionKeysTable {
  /** A UUID. */
  id: string;
  /**
   * The 32-byte data key sealed with the master key (AES-256-GCM), base64 of
   * iv (12 bytes) | tag (16 bytes) | sealed key (32 bytes). Never changes.
   */
  wrapped_key: string;
  status: EncryptionKeyStatus;
  created_at: IsoTimestamp;
  retired_at: IsoTimestamp | null;
}

/** A named secret sealed with one of the keyring's data keys. */
export interface SealedSecretsTable {
  name: string;
  /** The data key it is sealed with; such a key cannot be deleted. */
  key_id: string;
  /** AES-256-GCM, base64 of iv (12 bytes) | tag (16 bytes) | data. */
  ciphertext: string;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

export type AgentStatus = 'active' | 'inactive';

/** A registered agent; `status` follows its heartbeats (check_agent_heartbeats). */
export interface AgentsTable {
  /** Chosen by whoever registers it, e.g. `ops_agent`. */
  id: string;
  name: string;
  /** Base http(s) URL: health checks GET `<endpoint>/health`, actions POST `<endpoint>/actions`. */
  endpoint: string | null;
  status: AgentStatus;
  /** A JSON object. */
  metadata: string | null;
  registered_at: IsoTimestamp;
  last_heartbeat_at: IsoTimestamp | null;
  updated_at: IsoTimestamp;
  /** The API key that registered it (its id, name and role then); null if not registered so. */
  registered_by_key_id: string | null;
  registered_by_name: string | null;
  registered_by_role: ApiKeyRole | null;
}

export type AgentExecutionKind = 'health_check' | 'action';
export type AgentExecutionStatus = 'success' | 'failed' | 'timeout';

/** One health check or action run against an agent's endpoint. */
export interface AgentExecutionsTable {
  id: Generated<number>;
  agent_id: string;
  kind: AgentExecutionKind;
  /** The action's name (task_data.action); null for health checks. */
  action: string | null;
  status: AgentExecutionStatus;
  /** Null when no response came (timeout, connection refused). */
  http_status: number | null;
  duration_ms: number;
  error: string | null;
  /** A JSON value: the (size-capped) response. */
  detail: string | null;
  started_at: IsoTimestamp;
  finished_at: IsoTimestamp;
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
  /** The process_mission_async task that runs (or ran) it. */
  runner_task_id: string | null;
  created_at: IsoTimestamp;
  started_at: IsoTimestamp | null;
  completed_at: IsoTimestamp | null;
  updated_at: IsoTimestamp;
}

export type NotificationType = 'email' | 'webhook';
export type NotificationStatus = 'pending' | 'delivered' | 'undelivered' | 'failed';
export type NotificationAttemptOutcome = 'delivered' | 'failed';

/**
 * One mission notification (send_mission_notification): `delivered` every recipient got it,
 * `undelivered` it could not be sent at all (e.g. no SMTP_URL; `reason` says why), `failed` an
 * attempt failed for at least one recipient.
 */
export interface NotificationOutboxTable {
  id: Generated<number>;
  /** No foreign key: the record outlives a mission purged by cleanup_completed_missions. */
  mission_id: string;
  /** The sending task's id: its retries continue this row. */
  task_id: string | null;
  notification_type: NotificationType;
  /** A JSON array of email addresses or http(s) URLs. */
  recipients: string;
  /** Email subject; null for webhooks. */
  subject: string | null;
  /** JSON: the webhook body or the email's text and fields. */
  payload: string;
  status: NotificationStatus;
  reason: string | null;
  /** Delivery attempts made (one per recipient per try). */
  attempts: number;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
  delivered_at: IsoTimestamp | null;
}

/** One delivery attempt of a notification to one recipient. */
export interface NotificationAttemptsTable {
  id: Generated<number>;
  outbox_id: number;
  recipient: string;
  attempted_at: IsoTimestamp;
  outcome: NotificationAttemptOutcome;
  /** The SMTP response, `HTTP <status>`, or the error. */
  detail: string | null;
  duration_ms: number;
}

export interface Database {
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  request_stats: RequestStatsTable;
  request_principals: RequestPrincipalsTable;
  cache_entries: CacheEntriesTable;
  encryption_keys: EncryptionKeysTable;
  sealed_secrets: SealedSecretsTable;
  agents: AgentsTable;
  agent_executions: AgentExecutionsTable;
  missions: MissionsTable;
  notification_outbox: NotificationOutboxTable;
  notification_attempts: NotificationAttemptsTable;
}
