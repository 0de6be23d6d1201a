import { type Kysely, type Migration, sql } from 'kysely';
import type { StorageDialect } from '../create-database';

/** Missions: work items processed by `process_mission_async`, with their state and outcome. */
export function missions(_dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('missions')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('priority', 'integer', (col) =>
          col.notNull().check(sql`priority between 0 and 9`),
        )
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status in ('pending', 'running', 'completed', 'failed')`),
        )
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('started_at', 'text')
        .addColumn('completed_at', 'text')
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      // The health check (running, pending), the listing filter and the retention purge.
      await db.schema.createIndex('missions_status_idx').on('missions').column('status').execute();
      // Listing newest first and the metrics' date windows.
      await db.schema
        .createIndex('missions_created_at_idx')
        .on('missions')
        .column('created_at')
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('missions').execute();
    },
  };
}
