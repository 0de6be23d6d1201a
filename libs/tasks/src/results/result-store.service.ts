import { Inject, Injectable } from '@nestjs/common';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { evalScript } from '../redis/eval-script';
import { RedisConnection } from '../redis/redis-connection.service';
import { REVOKE_SCRIPT, START_SCRIPT, WRITE_SCRIPT } from './result-store.lua';
import type { TaskError, TaskEvent, TaskRecord } from './task-record';
import type { TaskState } from './task-state';

const JSON_FIELDS = new Set(['args', 'kwargs', 'result', 'error']);
const NUMBER_FIELDS = new Set(['priority', 'retries']);

/**
 * The result backend: one Redis hash per task id, expiring RESULT_EXPIRES seconds after its last
 * change (later for a task still waiting on a countdown), plus a time index for listings.
 */
@Injectable()
export class ResultStore {
  constructor(
    private readonly redis: RedisConnection,
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
  ) {}

  get expiresSeconds(): number {
    return this.options.resultExpires;
  }

  key(taskId: string): string {
    return `${this.options.prefix}:task:${taskId}`;
  }

  private eventsKey(taskId: string): string {
    return `${this.options.prefix}:task:${taskId}:events`;
  }

  private get indexKey(): string {
    return `${this.options.prefix}:tasks`;
  }

  /** Writes the whole record of a task just sent. `waitMs` keeps it alive through a countdown. */
  async create(record: TaskRecord, waitMs = 0): Promise<void> {
    const event: TaskEvent = { state: record.state, at: record.date_received };
    if (record.worker) event.worker = record.worker;
    await this.write(record.task_id, record, event, waitMs, true);
  }

  async get(taskId: string): Promise<TaskRecord | null> {
    const raw = await this.redis.client.hgetall(this.key(taskId));
    return Object.keys(raw).length ? decode(raw) : null;
  }

  /** The task's state changes, oldest first. */
  async events(taskId: string): Promise<TaskEvent[]> {
    const raw = await this.redis.client.lrange(this.eventsKey(taskId), 0, -1);
    return raw.map((e) => JSON.parse(e) as TaskEvent);
  }

  /** Marks the task STARTED on `worker`; answers the previous state (REVOKED: skip it, '' : no record). */
  async start(taskId: string, worker: string, at: Date): Promise<TaskState | ''> {
    const event: TaskEvent = { state: 'STARTED', at: at.toISOString(), worker };
    return (await evalScript(
      this.redis.client,
      START_SCRIPT,
      [this.key(taskId), this.eventsKey(taskId)],
      [worker, at.toISOString(), JSON.stringify(event)],
    )) as TaskState | '';
  }

  /** Revokes a task that has not started; answers its state before (or '' when unknown). */
  async revoke(taskId: string, at: Date): Promise<TaskState | ''> {
    const event: TaskEvent = { state: 'REVOKED', at: at.toISOString() };
    return (await evalScript(
      this.redis.client,
      REVOKE_SCRIPT,
      [this.key(taskId), this.eventsKey(taskId)],
      [at.toISOString(), this.options.resultExpires, JSON.stringify(event)],
    )) as TaskState | '';
  }

  /** Sets some fields and refreshes the expiry; a change of state goes on the timeline. */
  async update(taskId: string, fields: Partial<TaskRecord>, waitMs = 0): Promise<void> {
    let event: TaskEvent | undefined;
    if (fields.state) {
      event = { state: fields.state, at: fields.date_done ?? new Date().toISOString() };
      if (fields.retries !== undefined) event.retries = fields.retries;
    }
    await this.write(taskId, fields, event, waitMs, false);
  }

  /** One round trip, one command: this runs several times per task on the hot path. */
  private async write(
    taskId: string,
    fields: Partial<TaskRecord>,
    event: TaskEvent | undefined,
    waitMs: number,
    replace: boolean,
  ): Promise<void> {
    const indexScore =
      replace && fields.date_received ? String(Date.parse(fields.date_received)) : '';
    await evalScript(
      this.redis.client,
      WRITE_SCRIPT,
      [this.key(taskId), this.eventsKey(taskId), this.indexKey],
      [
        this.ttl(waitMs),
        event ? JSON.stringify(event) : '',
        indexScore,
        taskId,
        replace ? '1' : '0',
        ...Object.entries(encode(fields)).flat(),
      ],
    );
  }

  async succeed(taskId: string, result: unknown, keepResult: boolean, at: Date): Promise<void> {
    await this.update(taskId, {
      state: 'SUCCESS',
      date_done: at.toISOString(),
      error: null,
      ...(keepResult ? { result } : {}),
    });
  }

  async fail(
    taskId: string,
    error: TaskError,
    at: Date,
    state: 'FAILURE' | 'REVOKED' = 'FAILURE',
  ): Promise<void> {
    await this.update(taskId, { state, error, date_done: at.toISOString() });
  }

  async retrying(
    taskId: string,
    retries: number,
    error: TaskError,
    delayMs: number,
  ): Promise<void> {
    await this.update(taskId, { state: 'RETRY', retries, error }, delayMs);
  }

  /** Ids of recent tasks, newest first. */
  async recentIds(limit: number, offset = 0): Promise<string[]> {
    return this.redis.client.zrevrange(this.indexKey, offset, offset + limit - 1);
  }

  /** Forgets index entries whose records have expired. */
  async pruneIndex(now = Date.now()): Promise<number> {
    const horizon = now - this.options.resultExpires * 1000;
    const stale = await this.redis.client.zrangebyscore(this.indexKey, 0, horizon);
    if (!stale.length) return 0;
    const exists = await this.redis.client
      .pipeline(stale.map((id) => ['exists', this.key(id)]))
      .exec();
    const gone = stale.filter((_, i) => exists?.[i]?.[1] === 0);
    if (gone.length) await this.redis.client.zrem(this.indexKey, ...gone);
    return gone.length;
  }

  private ttl(waitMs: number): number {
    return this.options.resultExpires + Math.ceil(waitMs / 1000);
  }
}

function encode(fields: Partial<TaskRecord>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    // Scalar fields are strings or numbers; the rest is JSON.
    if (JSON_FIELDS.has(k)) out[k] = JSON.stringify(v);
    else if (v === null) out[k] = '';
    else out[k] = typeof v === 'number' ? String(v) : (v as string);
  }
  return out;
}

function decode(raw: Record<string, string>): TaskRecord {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (JSON_FIELDS.has(k)) out[k] = v === '' ? null : (JSON.parse(v) as unknown);
    else if (NUMBER_FIELDS.has(k)) out[k] = Number(v);
    else out[k] = v === '' ? null : v;
  }
  return {
    result: null,
    error: null,
    worker: null,
    date_started: null,
    date_done: null,
    eta: null,
    expires: null,
    parent_id: null,
    ...out,
  } as TaskRecord;
}
