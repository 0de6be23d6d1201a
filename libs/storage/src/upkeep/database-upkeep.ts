import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Storage } from '../create-database';
import type { Database } from '../schema';
import { STORAGE } from '../storage.tokens';

/** Every table of the application, which ANALYZE refreshes: a table added to Database must be here. */
const ANALYZED: Record<keyof Database, true> = {
  api_keys: true,
  audit_log: true,
  request_stats: true,
  request_principals: true,
  cache_entries: true,
  encryption_keys: true,
  sealed_secrets: true,
  agents: true,
  agent_executions: true,
  missions: true,
  notification_outbox: true,
  notification_attempts: true,
};
const TABLES = Object.keys(ANALYZED) as Array<keyof Database>;

export interface VacuumOutcome {
  dialect: Storage['dialect'];
  size_before_bytes: number;
  size_after_bytes: number;
  reclaimed_bytes: number;
  duration_ms: number;
}

export interface AnalyzeOutcome {
  dialect: Storage['dialect'];
  tables: string[];
  duration_ms: number;
}

/**
 * The database's own upkeep, in each dialect's words: VACUUM reclaims space (on PostgreSQL it
 * cannot run in a transaction: it runs alone on a pooled connection), ANALYZE refreshes the
 * planner's statistics.
 */
@Injectable()
export class DatabaseUpkeep {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  /** Bytes the database takes: SQLite's pages, or PostgreSQL's pg_database_size. */
  async sizeBytes(): Promise<number> {
    const db = this.storage.db;
    if (this.storage.dialect === 'sqlite') {
      const { rows } = await sql<{
        bytes: number;
      }>`select page_count * page_size as bytes from pragma_page_count(), pragma_page_size()`.execute(
        db,
      );
      return Number(rows[0]?.bytes ?? 0);
    }
    const { rows } = await sql<{
      bytes: string;
    }>`select pg_database_size(current_database()) as bytes`.execute(db);
    return Number(rows[0]?.bytes ?? 0);
  }

  async vacuum(): Promise<VacuumOutcome> {
    const began = performance.now();
    const before = await this.sizeBytes();
    await sql`vacuum`.execute(this.storage.db);
    const after = await this.sizeBytes();
    return {
      dialect: this.storage.dialect,
      size_before_bytes: before,
      size_after_bytes: after,
      reclaimed_bytes: Math.max(0, before - after),
      duration_ms: Math.round(performance.now() - began),
    };
  }

  async analyze(): Promise<AnalyzeOutcome> {
    const began = performance.now();
    for (const table of TABLES) await sql`analyze ${sql.table(table)}`.execute(this.storage.db);
    return {
      dialect: this.storage.dialect,
      tables: [...TABLES],
      duration_ms: Math.round(performance.now() - began),
    };
  }
}
