import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleInit,
} from '@nestjs/common';
import type { Insertable } from 'kysely';
import type { Storage } from '../create-database';
import type { IsoDay, RequestPrincipalsTable, RequestStatsTable } from '../schema';
import { STORAGE } from '../storage.tokens';

/** One finished HTTP request. */
export interface RequestSample {
  at: Date;
  method: string;
  /** The route template (`/api/tasks/:task_id`), so that rows aggregate. */
  route: string;
  status: number;
  durationMs: number;
  /** Who made it, when authenticated. */
  principal?: string;
}

/** A day's figures, as the REST API returns them. */
export interface DailyRequestStats {
  api_requests: { total: number; avg_response_time_ms: number };
  /** Responses with status >= 500; error_rate is a percentage. */
  errors: { total: number; error_rate: number };
  users: { unique_active: number };
  /** Busiest first. */
  by_route: RouteStats[];
}

export interface RouteStats {
  method: string;
  route: string;
  requests: number;
  errors: number;
  avg_ms: number;
}

export const REQUEST_STATS_FLUSH_INTERVAL_MS = 10_000;
/** Rows per INSERT: far below SQLite's limit on bound parameters. */
const ROWS_PER_INSERT = 500;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Per-day request statistics. add() only counts in memory, so that requests never wait for the
 * database; the counts are written every 10 s, on shutdown and before daily() reads them.
 * Several processes may write the same rows: the writes add up.
 */
@Injectable()
export class RequestStats implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(RequestStats.name);
  private stats = new Map<string, Insertable<RequestStatsTable>>();
  private principals = new Map<string, Insertable<RequestPrincipalsTable>>();
  /** Flushes run one after the other. */
  private flushed: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.flush().catch((err: Error) =>
        this.logger.warn(`request statistics not saved yet: ${err.message}`),
      );
    }, REQUEST_STATS_FLUSH_INTERVAL_MS);
    // Statistics never keep a process alive; shutdown flushes what is left.
    this.timer.unref();
  }

  /** Runs before StorageModule closes the database, which it does on application shutdown. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    try {
      await this.flush();
    } catch (err) {
      this.logger.warn(`request statistics lost at shutdown: ${(err as Error).message}`);
    }
  }

  /** Counts a request (under its UTC day); written by the next flush. */
  add({ at, method, route, status, durationMs, principal }: RequestSample): void {
    const day = utcDay(at);
    this.count({
      day,
      method,
      route,
      status,
      requests: 1,
      total_ms: durationMs,
      max_ms: durationMs,
    });
    if (principal !== undefined)
      this.principals.set(JSON.stringify([day, principal]), { day, principal });
  }

  /** Writes the counts gathered so far. On failure they are kept for the next attempt. */
  flush(): Promise<void> {
    const run = this.flushed.then(() => this.write());
    this.flushed = run.catch(() => undefined);
    return run;
  }

  /** The figures of one UTC day (`YYYY-MM-DD`), this process's unwritten counts included. */
  async daily(day: IsoDay): Promise<DailyRequestStats> {
    if (!DAY.test(day)) throw new Error(`not a YYYY-MM-DD day: ${day}`);
    await this.flush();
    const db = this.storage.db;
    // PostgreSQL returns sums and counts of integers as bigint, which pg hands over as strings.
    const rows = await db
      .selectFrom('request_stats')
      .where('day', '=', day)
      .select(['method', 'route'])
      .select((eb) => [
        eb.fn.sum<number | string>('requests').as('requests'),
        eb.fn
          .sum<number | string>(
            eb.case().when('status', '>=', 500).then(eb.ref('requests')).else(0).end(),
          )
          .as('errors'),
        eb.fn.sum<number | string>('total_ms').as('total_ms'),
      ])
      .groupBy(['method', 'route'])
      .execute();
    const users = await db
      .selectFrom('request_principals')
      .where('day', '=', day)
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .executeTakeFirstOrThrow();

    const routes = rows.map((row) => ({
      method: row.method,
      route: row.route,
      requests: Number(row.requests),
      errors: Number(row.errors),
      totalMs: Number(row.total_ms),
    }));
    const total = routes.reduce((sum, r) => sum + r.requests, 0);
    const errors = routes.reduce((sum, r) => sum + r.errors, 0);
    const totalMs = routes.reduce((sum, r) => sum + r.totalMs, 0);
    return {
      api_requests: { total, avg_response_time_ms: round(ratio(totalMs, total), 1) },
      errors: { total: errors, error_rate: round(ratio(errors, total) * 100, 2) },
      users: { unique_active: Number(users.count) },
      by_route: routes
        .sort(
          (a, b) =>
            b.requests - a.requests ||
            a.route.localeCompare(b.route) ||
            a.method.localeCompare(b.method),
        )
        .map(({ method, route, requests, errors, totalMs }) => ({
          method,
          route,
          requests,
          errors,
          avg_ms: round(ratio(totalMs, requests), 1),
        })),
    };
  }

  private count(row: Insertable<RequestStatsTable>): void {
    const key = JSON.stringify([row.day, row.method, row.route, row.status]);
    const seen = this.stats.get(key);
    if (!seen) {
      this.stats.set(key, { ...row });
      return;
    }
    seen.requests += row.requests;
    seen.total_ms += row.total_ms;
    seen.max_ms = Math.max(seen.max_ms, row.max_ms);
  }

  private async write(): Promise<void> {
    if (this.stats.size === 0 && this.principals.size === 0) return;
    // Requests that finish while this runs go to fresh buffers.
    const stats = [...this.stats.values()];
    const principals = [...this.principals.entries()];
    this.stats = new Map();
    this.principals = new Map();
    try {
      await this.storage.db.transaction().execute(async (trx) => {
        for (const rows of chunks(stats)) {
          await trx
            .insertInto('request_stats')
            .values(rows)
            .onConflict((oc) =>
              oc.columns(['day', 'method', 'route', 'status']).doUpdateSet((eb) => ({
                requests: eb('request_stats.requests', '+', eb.ref('excluded.requests')),
                total_ms: eb('request_stats.total_ms', '+', eb.ref('excluded.total_ms')),
                // Two-argument max() is SQLite, greatest() PostgreSQL; CASE is both.
                max_ms: eb
                  .case()
                  .when('excluded.max_ms', '>', eb.ref('request_stats.max_ms'))
                  .then(eb.ref('excluded.max_ms'))
                  .else(eb.ref('request_stats.max_ms'))
                  .end(),
              })),
            )
            .execute();
        }
        for (const rows of chunks(principals.map(([, row]) => row))) {
          await trx
            .insertInto('request_principals')
            .values(rows)
            .onConflict((oc) => oc.columns(['day', 'principal']).doNothing())
            .execute();
        }
      });
    } catch (err) {
      for (const row of stats) this.count(row);
      for (const [key, row] of principals) this.principals.set(key, row);
      throw err;
    }
  }
}

function utcDay(at: Date): IsoDay {
  return at.toISOString().slice(0, 10);
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += ROWS_PER_INSERT) {
    yield items.slice(i, i + ROWS_PER_INSERT);
  }
}
