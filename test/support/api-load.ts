import { existsSync, readFileSync } from 'node:fs';
import type { ApiProcess } from './api-process';
import { waitFor } from './wait';

/** One POST /api/tasks/execute as its caller saw it. */
export interface ApiCall {
  /** When it was sent (ms since epoch). */
  at: number;
  /** How long it took to answer. */
  ms: number;
  /** The HTTP status; 0 when no answer came (connection error, or no answer in NO_ANSWER_MS). */
  status: number;
  /** The id of an acknowledged (201) task. */
  taskId?: string;
}

export interface ApiLoadOptions {
  /** The request body of each send. */
  body: Record<string, unknown>;
  /** Callers sending one task after another, all at once. */
  callers?: number;
}

/** A call unanswered this long is recorded as status 0 instead of holding its caller forever. */
const NO_ANSWER_MS = 10_000;

/**
 * Load on a real API: callers sending tasks one after another until stopped, recording every call's status, latency and acknowledged id. It is also the probe
 * of the API: what a caller saw while Redis failed over.
 */
export class ApiLoad {
  readonly calls: ApiCall[] = [];
  private sending = true;
  private readonly callers: Promise<void>[];

  private constructor(
    private readonly api: ApiProcess,
    private readonly options: ApiLoadOptions,
  ) {
    this.callers = Array.from({ length: options.callers ?? 2 }, () => this.caller());
  }

  static start(api: ApiProcess, options: ApiLoadOptions): ApiLoad {
    return new ApiLoad(api, options);
  }

  /** The acknowledged calls, or those sent after `since` (ms since epoch). */
  acknowledged(since = 0): ApiCall[] {
    return this.calls.filter((c) => c.status === 201 && c.at > since);
  }

  /** The calls not acknowledged. */
  refused(): ApiCall[] {
    return this.calls.filter((c) => c.status !== 201);
  }

  /** The longest any call took to answer. */
  slowest(): number {
    return Math.max(0, ...this.calls.map((c) => c.ms));
  }

  /** Waits until `count` tasks were acknowledged (after `since`). */
  async waitForAcknowledged(count: number, since = 0, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      async () => (this.acknowledged(since).length >= count ? true : undefined),
      `${count} tasks acknowledged by the API`,
      timeoutMs,
    );
  }

  /** Stops sending and waits for the calls in flight. */
  async stop(): Promise<void> {
    this.sending = false;
    await Promise.all(this.callers);
  }

  /** Status counts, e.g. `201 x1990, 503 x12`. */
  statuses(): string {
    const counts = new Map<number, number>();
    for (const c of this.calls) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
    return [...counts].map(([status, n]) => `${status} x${n}`).join(', ');
  }

  private async caller(): Promise<void> {
    while (this.sending) {
      const at = Date.now();
      try {
        const res = await this.api
          .as()
          .post('/api/tasks/execute')
          .timeout(NO_ANSWER_MS)
          .send(this.options.body);
        const { task_id } = res.body as { task_id?: string };
        this.calls.push({ at, ms: Date.now() - at, status: res.status, taskId: task_id });
      } catch {
        this.calls.push({ at, ms: Date.now() - at, status: 0 });
      }
    }
  }
}

/** A run of a task, as `tests.record_run` wrote it down. */
export interface TaskRun {
  taskId: string;
  worker: string;
  /** When it ran (ms since epoch). */
  at: number;
}

/**
 * The runs recorded by `tests.record_run` in `path` (`<id> <worker> <epoch ms>` lines; see
 * test/fixtures/fixture-tasks.js).
 */
export function recordedRuns(path: string): TaskRun[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [taskId, worker, at] = line.split(' ');
      return { taskId, worker, at: Number(at) };
    });
}

/** How often each task id succeeded according to workers' logs (`<name>[<id>] succeeded`). */
export function runsInLogs(logs: string[], taskName: string): Map<string, number> {
  const runs = new Map<string, number>();
  const escaped = taskName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const line = new RegExp(`${escaped}\\[([\\w-]+)\\] succeeded`, 'g');
  for (const log of logs) {
    for (const m of log.matchAll(line)) runs.set(m[1], (runs.get(m[1]) ?? 0) + 1);
  }
  return runs;
}

/** How often each id ran: a count of runs per task id. */
export function countRuns(runs: Iterable<{ taskId: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { taskId } of runs) counts.set(taskId, (counts.get(taskId) ?? 0) + 1);
  return counts;
}

/** How many tasks ran more than once. */
export function duplicateCount(counts: Map<string, number>): number {
  return [...counts.values()].filter((n) => n > 1).length;
}
