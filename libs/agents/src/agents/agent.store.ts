import { Inject, Injectable } from '@nestjs/common';
import type { ExpressionBuilder, Selectable } from 'kysely';
import {
  type AgentExecutionKind,
  type AgentExecutionsTable,
  type AgentsTable,
  type AgentExecutionStatus,
  type AgentStatus,
  type ApiKeyRole,
  type Database,
  STORAGE,
  type Storage,
} from '@brain/storage';

/** The API key that registered an agent. */
export interface AgentRegistrant {
  key_id: string;
  name: string;
  role: ApiKeyRole;
}

/** An agent as the tasks and the REST API return it. */
export type Agent = Omit<
  AgentsTable,
  'metadata' | 'registered_by_key_id' | 'registered_by_name' | 'registered_by_role'
> & {
  metadata: Record<string, unknown> | null;
  /** Null for an agent registered otherwise than through the API, or before this was kept. */
  registered_by: AgentRegistrant | null;
};

/** Who registers, through the API: `override` (an admin) may re-register anyone's agent. */
export interface Registration {
  registrant: AgentRegistrant;
  override: boolean;
}

/** The agent exists and was registered by another key (or by none recorded). */
export class AgentRegisteredByOtherError extends Error {
  override readonly name = 'AgentRegisteredByOtherError';

  constructor(
    readonly agentId: string,
    readonly registrant: AgentRegistrant | null,
  ) {
    super(
      `Agent "${agentId}" was registered by ${registrant ? `key "${registrant.name}"` : 'no key on record'}: only that key or an admin may register it again`,
    );
  }
}

export interface AgentRegistration {
  id: string;
  name: string;
  endpoint?: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface AgentQuery {
  status?: AgentStatus;
  /** Default 50. */
  limit?: number;
  /** Default 0. */
  offset?: number;
}

export interface AgentPage {
  agents: Agent[];
  total: number;
  limit: number;
  offset: number;
}

export interface NewAgentExecution {
  agentId: string;
  kind: AgentExecutionKind;
  action?: string | null;
  status: AgentExecutionStatus;
  httpStatus?: number | null;
  durationMs: number;
  error?: string | null;
  /** Any JSON value; stored as JSON text. */
  detail?: unknown;
  startedAt: Date;
  finishedAt: Date;
}

export type AgentExecution = Omit<Selectable<AgentExecutionsTable>, 'detail'> & {
  detail: unknown;
};

export interface ExecutionStats {
  executions: number;
  succeeded: number;
  failed: number;
  timeouts: number;
  /** Mean duration, ms; null without executions. */
  avg_duration_ms: number | null;
}

/** The agents' heartbeat statuses after a refresh, ids sorted. */
export interface HeartbeatSweep {
  active: string[];
  inactive: string[];
}

/** How old an agent's last sign of life is: its last heartbeat, or its registration if none. */
const lastSeen = (eb: ExpressionBuilder<Database, 'agents'>) =>
  eb.fn.coalesce('last_heartbeat_at', 'registered_at');

/** Registered agents, their heartbeats, and the executions run against them. */
@Injectable()
export class AgentStore {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  /**
   * Registers an agent, or updates the name, endpoint and metadata of one already registered
   * (its registration time, registrant, heartbeat and status are kept). A new agent starts
   * active. With `by` (the API), an agent registered by another key is left as it is and an
   * AgentRegisteredByOtherError thrown, unless `by.override`.
   */
  async register(agent: AgentRegistration, now = new Date(), by?: Registration): Promise<Agent> {
    const at = now.toISOString();
    const metadata = agent.metadata == null ? null : JSON.stringify(agent.metadata);
    await this.storage.db
      .insertInto('agents')
      .values({
        id: agent.id,
        name: agent.name,
        endpoint: agent.endpoint ?? null,
        status: 'active',
        metadata,
        registered_at: at,
        last_heartbeat_at: null,
        updated_at: at,
        registered_by_key_id: by?.registrant.key_id ?? null,
        registered_by_name: by?.registrant.name ?? null,
        registered_by_role: by?.registrant.role ?? null,
      })
      .onConflict((oc) => {
        const update = oc.column('id').doUpdateSet({
          name: agent.name,
          endpoint: agent.endpoint ?? null,
          metadata,
          updated_at: at,
        });
        // One statement: no other key can slip an update in between a check and the write.
        return by && !by.override
          ? update.where('agents.registered_by_key_id', '=', by.registrant.key_id)
          : update;
      })
      .execute();
    const stored = (await this.get(agent.id)) as Agent;
    if (by && !by.override && stored.registered_by?.key_id !== by.registrant.key_id)
      throw new AgentRegisteredByOtherError(agent.id, stored.registered_by);
    return stored;
  }

  /** Records a heartbeat: the agent is active again. Null for an unknown agent. */
  async heartbeat(id: string, now = new Date()): Promise<Agent | null> {
    const at = now.toISOString();
    const result = await this.storage.db
      .updateTable('agents')
      .set({ last_heartbeat_at: at, status: 'active', updated_at: at })
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n ? this.get(id) : null;
  }

  async get(id: string): Promise<Agent | null> {
    const row = await this.storage.db
      .selectFrom('agents')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toAgent(row) : null;
  }

  /** Agents by id, optionally of one status. */
  async list({ status, limit = 50, offset = 0 }: AgentQuery = {}): Promise<AgentPage> {
    let query = this.storage.db.selectFrom('agents');
    if (status) query = query.where('status', '=', status);
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('id').limit(limit).offset(offset).execute(),
      query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      agents: rows.map(toAgent),
      total: Number(count.n),
      limit,
      offset,
    };
  }

  /**
   * Marks inactive the agents last seen before `cutoff` and active again those seen since;
   * `updated_at` changes only on the agents whose status changed. Returns every agent's status.
   */
  async refreshStatuses(cutoff: Date, now = new Date()): Promise<HeartbeatSweep> {
    const before = cutoff.toISOString();
    const at = now.toISOString();
    return this.storage.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('agents')
        .set({ status: 'inactive', updated_at: at })
        .where('status', '=', 'active')
        .where((eb) => eb(lastSeen(eb), '<', before))
        .execute();
      await trx
        .updateTable('agents')
        .set({ status: 'active', updated_at: at })
        .where('status', '=', 'inactive')
        .where((eb) => eb(lastSeen(eb), '>=', before))
        .execute();
      const rows = await trx.selectFrom('agents').select(['id', 'status']).orderBy('id').execute();
      return {
        active: rows.filter((r) => r.status === 'active').map((r) => r.id),
        inactive: rows.filter((r) => r.status === 'inactive').map((r) => r.id),
      };
    });
  }

  /**
   * Deletes the agents last seen (heartbeat, or registration if none) before `cutoff`; returns
   * their ids. Their executions are kept, as history.
   */
  async deleteNotSeenSince(cutoff: Date): Promise<string[]> {
    const before = cutoff.toISOString();
    const rows = await this.storage.db
      .deleteFrom('agents')
      .where((eb) => eb(lastSeen(eb), '<', before))
      .returning('id')
      .execute();
    return rows.map((r) => r.id).sort();
  }

  async recordExecution(execution: NewAgentExecution): Promise<number> {
    const row = await this.storage.db
      .insertInto('agent_executions')
      .values({
        agent_id: execution.agentId,
        kind: execution.kind,
        action: execution.action ?? null,
        status: execution.status,
        http_status: execution.httpStatus ?? null,
        duration_ms: execution.durationMs,
        error: execution.error ?? null,
        detail: execution.detail === undefined ? null : JSON.stringify(execution.detail),
        started_at: execution.startedAt.toISOString(),
        finished_at: execution.finishedAt.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** An agent's executions started in [since, until], newest first. */
  async executions(
    agentId: string,
    { since, until, limit = 100 }: { since?: Date; until?: Date; limit?: number } = {},
  ): Promise<AgentExecution[]> {
    let query = this.storage.db
      .selectFrom('agent_executions')
      .selectAll()
      .where('agent_id', '=', agentId);
    if (since) query = query.where('started_at', '>=', since.toISOString());
    if (until) query = query.where('started_at', '<=', until.toISOString());
    const rows = await query
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      ...row,
      id: Number(row.id),
      duration_ms: Number(row.duration_ms),
      detail: parseJson(row.detail),
    }));
  }

  /** Counts and mean duration of an agent's executions started in [since, until]. */
  async executionStats(agentId: string, since: Date, until: Date): Promise<ExecutionStats> {
    const row = await this.storage.db
      .selectFrom('agent_executions')
      .where('agent_id', '=', agentId)
      .where('started_at', '>=', since.toISOString())
      .where('started_at', '<=', until.toISOString())
      .select((eb) => [
        eb.fn.countAll<number | string>().as('executions'),
        eb.fn
          .sum<number | string | null>(
            eb.case().when('status', '=', 'success').then(1).else(0).end(),
          )
          .as('succeeded'),
        eb.fn
          .sum<number | string | null>(
            eb.case().when('status', '=', 'failed').then(1).else(0).end(),
          )
          .as('failed'),
        eb.fn
          .sum<number | string | null>(
            eb.case().when('status', '=', 'timeout').then(1).else(0).end(),
          )
          .as('timeouts'),
        eb.fn.avg<number | string | null>('duration_ms').as('avg_duration_ms'),
      ])
      .executeTakeFirstOrThrow();
    return {
      executions: Number(row.executions),
      succeeded: Number(row.succeeded ?? 0),
      failed: Number(row.failed ?? 0),
      timeouts: Number(row.timeouts ?? 0),
      avg_duration_ms: row.avg_duration_ms == null ? null : Number(row.avg_duration_ms),
    };
  }
}

function toAgent({
  registered_by_key_id: keyId,
  registered_by_name: name,
  registered_by_role: role,
  ...row
}: Selectable<AgentsTable>): Agent {
  return {
    ...row,
    metadata: parseJson(row.metadata) as Agent['metadata'],
    registered_by: keyId && name && role ? { key_id: keyId, name, role } : null,
  };
}

function parseJson(text: string | null): unknown {
  if (text == null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
