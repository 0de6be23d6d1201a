import { Injectable } from '@nestjs/common';
import { OutboundClient } from '@brain/outbound';
import { Schedule, Task, type TaskContext } from '@brain/tasks';
import type { AgentExecutionStatus } from '@brain/storage';
import { agentId, dateRange, positive, taskData, within } from './agent-args';
import { type AgentCallOutcome, callAgent } from './agent-http';
import { type Agent, AgentStore } from './agent.store';

/** How long an agent's endpoint has to answer, unless the task is given `timeout_seconds`. */
export const DEFAULT_AGENT_TIMEOUT_SECONDS = 5;
const MAX_AGENT_TIMEOUT_SECONDS = 120;

/** Least threshold_seconds of check_agent_heartbeats: the check's own period (every 30 s). */
export const MIN_HEARTBEAT_THRESHOLD_SECONDS = 30;
/** Least inactive_threshold_minutes of cleanup_inactive_agents: never a merely quiet agent. */
export const MIN_INACTIVE_THRESHOLD_MINUTES = 60;

const heartbeatThreshold = (value: unknown) =>
  within(value, 'threshold_seconds', 90, MIN_HEARTBEAT_THRESHOLD_SECONDS, 31 * 86_400);
const inactiveThreshold = (value: unknown) =>
  within(value, 'inactive_threshold_minutes', 60, MIN_INACTIVE_THRESHOLD_MINUTES, 366 * 1440);

export class AgentNotFoundError extends Error {
  constructor(readonly agentId: string) {
    super(`No agent with id "${agentId}"`);
    this.name = 'AgentNotFoundError';
  }
}

export class AgentEndpointMissingError extends Error {
  constructor(readonly agentId: string) {
    super(`Agent "${agentId}" has no endpoint: register it with one to call it`);
    this.name = 'AgentEndpointMissingError';
  }
}

/** An action the agent refused (error status), did not answer in time, or could not be sent. */
export class AgentActionFailedError extends Error {
  constructor(
    readonly agentId: string,
    readonly outcome: AgentCallOutcome,
  ) {
    super(`Agent "${agentId}" action failed (${outcome.status}): ${outcome.error}`);
    this.name = 'AgentActionFailedError';
  }
}

export interface HeartbeatCheck {
  active: string[];
  inactive: string[];
  checked_at: string;
  threshold_seconds: number;
}

export interface InactiveCleanup {
  deleted: number;
  deleted_ids: string[];
  cutoff_date: string;
}

export interface HealthCheckOutcome {
  agent_id: string;
  healthy: boolean;
  status: AgentExecutionStatus;
  http_status: number | null;
  duration_ms: number;
  error: string | null;
  response: unknown;
  execution_id: number;
  checked_at: string;
}

export interface AgentMetrics {
  agent_id: string;
  start_date: string;
  end_date: string;
  executions: number;
  succeeded: number;
  failed: number;
  timeouts: number;
  /** Percent of executions that succeeded, two decimals; null without executions. */
  success_rate: number | null;
  avg_duration_ms: number | null;
}

export interface ActionOutcome {
  agent_id: string;
  action: string | null;
  status: AgentExecutionStatus;
  http_status: number | null;
  response: unknown;
  duration_ms: number;
  execution_id: number;
}

/**
 * backend.app.tasks.agent_tasks. An agent's endpoint is a base URL with two routes:
 * `GET <endpoint>/health` (any 2xx is healthy) and `POST <endpoint>/actions` (the task_data as a
 * JSON body; a 2xx answer is success, its JSON or text body the response).
 */
@Injectable()
export class AgentTasks {
  constructor(
    private readonly store: AgentStore,
    private readonly outbound: OutboundClient,
  ) {}

  /** Agents heard from within `threshold_seconds` are active, the others inactive. */
  @Task({
    name: 'backend.app.tasks.agent_tasks.check_agent_heartbeats',
    params: ['threshold_seconds'],
    timeLimit: 60,
    checkArgs: ({ threshold_seconds }) => {
      heartbeatThreshold(threshold_seconds);
    },
  })
  @Schedule({ id: 'check-agent-heartbeats', every: 30, description: 'Agent heartbeat check' })
  async checkAgentHeartbeats({
    threshold_seconds,
  }: {
    threshold_seconds?: number;
  }): Promise<HeartbeatCheck> {
    const threshold = heartbeatThreshold(threshold_seconds);
    const now = new Date();
    const sweep = await this.store.refreshStatuses(new Date(now.getTime() - threshold * 1000), now);
    return { ...sweep, checked_at: now.toISOString(), threshold_seconds: threshold };
  }

  /** Deletes the agents not heard from (heartbeat, or registration if none) for that long. */
  @Task({
    name: 'backend.app.tasks.agent_tasks.cleanup_inactive_agents',
    params: ['inactive_threshold_minutes'],
    timeLimit: 300,
    // It deletes agents: an admin's call.
    role: 'admin',
    checkArgs: ({ inactive_threshold_minutes }) => {
      inactiveThreshold(inactive_threshold_minutes);
    },
  })
  async cleanupInactiveAgents({
    inactive_threshold_minutes,
  }: {
    inactive_threshold_minutes?: number;
  }): Promise<InactiveCleanup> {
    const minutes = inactiveThreshold(inactive_threshold_minutes);
    const cutoff = new Date(Date.now() - minutes * 60_000);
    const ids = await this.store.deleteNotSeenSince(cutoff);
    return { deleted: ids.length, deleted_ids: ids, cutoff_date: cutoff.toISOString() };
  }

  /**
   * GETs `<endpoint>/health` and records the outcome. An unhealthy agent (error status, no
   * answer, timeout) is a result, not a task failure; an unknown agent or one without endpoint is.
   */
  @Task({
    name: 'backend.app.tasks.agent_tasks.run_agent_health_check',
    params: ['agent_id', 'timeout_seconds'],
    timeLimit: 60 + MAX_AGENT_TIMEOUT_SECONDS,
    checkArgs: ({ agent_id, timeout_seconds }) => {
      agentId(agent_id);
      positive(timeout_seconds, 'timeout_seconds', 5, MAX_AGENT_TIMEOUT_SECONDS);
    },
  })
  async runAgentHealthCheck(
    { agent_id, timeout_seconds }: { agent_id: string; timeout_seconds?: number },
    ctx: TaskContext,
  ): Promise<HealthCheckOutcome> {
    const agent = await this.callable(agentId(agent_id));
    const outcome = await callAgent(
      this.outbound,
      {
        method: 'GET',
        url: `${base(agent)}/health`,
        timeoutMs: timeoutMs(timeout_seconds),
        signal: ctx.signal,
      },
      async (aborted) => void (await this.record(agent.id, 'health_check', null, aborted)),
    );
    const executionId = await this.record(agent.id, 'health_check', null, outcome);
    return {
      agent_id: agent.id,
      healthy: outcome.status === 'success',
      status: outcome.status,
      http_status: outcome.http_status,
      duration_ms: outcome.duration_ms,
      error: outcome.error,
      response: outcome.response,
      execution_id: executionId,
      checked_at: outcome.finished_at.toISOString(),
    };
  }

  /** Counts of an agent's executions (health checks and actions) started in the range. */
  @Task({
    name: 'backend.app.tasks.agent_tasks.calculate_agent_metrics',
    params: ['agent_id', 'start_date', 'end_date'],
    timeLimit: 300,
    checkArgs: ({ agent_id, start_date, end_date }) => {
      agentId(agent_id);
      dateRange(start_date, end_date);
    },
  })
  async calculateAgentMetrics({
    agent_id,
    start_date,
    end_date,
  }: {
    agent_id: string;
    start_date: string;
    end_date: string;
  }): Promise<AgentMetrics> {
    const id = agentId(agent_id);
    const { start, end } = dateRange(start_date, end_date);
    if (!(await this.store.get(id))) throw new AgentNotFoundError(id);
    const stats = await this.store.executionStats(id, start, end);
    return {
      agent_id: id,
      start_date: start.toISOString(),
      end_date: end.toISOString(),
      executions: stats.executions,
      succeeded: stats.succeeded,
      failed: stats.failed,
      timeouts: stats.timeouts,
      success_rate:
        stats.executions === 0
          ? null
          : Math.round((stats.succeeded / stats.executions) * 10_000) / 100,
      avg_duration_ms:
        stats.avg_duration_ms === null ? null : Math.round(stats.avg_duration_ms * 1000) / 1000,
    };
  }

  /**
   * POSTs `task_data` to `<endpoint>/actions` and records it. Not retried automatically: an
   * action may not be idempotent. An error status, a timeout or no answer fails the task, once
   * recorded.
   */
  @Task({
    name: 'backend.app.tasks.agent_tasks.execute_agent_task_async',
    params: ['agent_id', 'task_data', 'timeout_seconds'],
    timeLimit: 60 + MAX_AGENT_TIMEOUT_SECONDS,
    checkArgs: ({ agent_id, task_data, timeout_seconds }) => {
      agentId(agent_id);
      taskData(task_data);
      positive(timeout_seconds, 'timeout_seconds', 5, MAX_AGENT_TIMEOUT_SECONDS);
    },
  })
  async executeAgentTaskAsync(
    {
      agent_id,
      task_data,
      timeout_seconds,
    }: { agent_id: string; task_data: Record<string, unknown>; timeout_seconds?: number },
    ctx: TaskContext,
  ): Promise<ActionOutcome> {
    const { action, data } = taskData(task_data);
    const agent = await this.callable(agentId(agent_id));
    const outcome = await callAgent(
      this.outbound,
      {
        method: 'POST',
        url: `${base(agent)}/actions`,
        body: data,
        timeoutMs: timeoutMs(timeout_seconds),
        signal: ctx.signal,
      },
      async (aborted) => void (await this.record(agent.id, 'action', action, aborted)),
    );
    const executionId = await this.record(agent.id, 'action', action, outcome);
    if (outcome.status !== 'success') throw new AgentActionFailedError(agent.id, outcome);
    return {
      agent_id: agent.id,
      action,
      status: outcome.status,
      http_status: outcome.http_status,
      response: outcome.response,
      duration_ms: outcome.duration_ms,
      execution_id: executionId,
    };
  }

  private async callable(id: string): Promise<Agent & { endpoint: string }> {
    const agent = await this.store.get(id);
    if (!agent) throw new AgentNotFoundError(id);
    if (!agent.endpoint) throw new AgentEndpointMissingError(id);
    return agent as Agent & { endpoint: string };
  }

  private record(
    agent: string,
    kind: 'health_check' | 'action',
    action: string | null,
    outcome: AgentCallOutcome,
  ): Promise<number> {
    return this.store.recordExecution({
      agentId: agent,
      kind,
      action,
      status: outcome.status,
      httpStatus: outcome.http_status,
      durationMs: outcome.duration_ms,
      error: outcome.error,
      detail: outcome.response === null ? undefined : { response: outcome.response },
      startedAt: outcome.started_at,
      finishedAt: outcome.finished_at,
    });
  }
}

function base(agent: { endpoint: string }): string {
  return agent.endpoint.replace(/\/+$/, '');
}

function timeoutMs(seconds: number | undefined): number {
  return (
    positive(seconds, 'timeout_seconds', DEFAULT_AGENT_TIMEOUT_SECONDS, MAX_AGENT_TIMEOUT_SECONDS) *
    1000
  );
}
