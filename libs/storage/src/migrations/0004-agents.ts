import { type Kysely, type Migration, sql } from 'kysely';
import type { StorageDialect } from '../create-database';

/** Registered agents and every health check or action run against one. */
export function agents(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('agents')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('endpoint', 'text')
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status in ('active', 'inactive')`),
        )
        .addColumn('metadata', 'text')
        .addColumn('registered_at', 'text', (col) => col.notNull())
        .addColumn('last_heartbeat_at', 'text')
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      // The heartbeat check and the inactive purge both go by heartbeat age.
      await db.schema
        .createIndex('agents_last_heartbeat_at_idx')
        .on('agents')
        .column('last_heartbeat_at')
        .execute();

      await db.schema
        .createTable('agent_executions')
        // As audit_log: SQLite's AUTOINCREMENT and PostgreSQL's identity never reuse an id.
        .addColumn('id', 'integer', (col) =>
          dialect === 'sqlite'
            ? col.primaryKey().autoIncrement()
            : col.primaryKey().generatedByDefaultAsIdentity(),
        )
        // No foreign key: executions outlive an agent purged by cleanup_inactive_agents.
        .addColumn('agent_id', 'text', (col) => col.notNull())
        .addColumn('kind', 'text', (col) =>
          col.notNull().check(sql`kind in ('health_check', 'action')`),
        )
        .addColumn('action', 'text')
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status in ('success', 'failed', 'timeout')`),
        )
        .addColumn('http_status', 'integer')
        .addColumn('duration_ms', 'double precision', (col) => col.notNull())
        .addColumn('error', 'text')
        .addColumn('detail', 'text')
        .addColumn('started_at', 'text', (col) => col.notNull())
        .addColumn('finished_at', 'text', (col) => col.notNull())
        .execute();
      // An agent's recent executions and its metrics over a time range.
      await db.schema
        .createIndex('agent_executions_agent_started_idx')
        .on('agent_executions')
        .columns(['agent_id', 'started_at'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('agent_executions').execute();
      await db.schema.dropTable('agents').execute();
    },
  };
}
