import { type ColumnDefinitionBuilder, type Kysely, type Migration, sql } from 'kysely';
import type { StorageDialect } from '../create-database';

/** The mission notification outbox and every delivery attempt. */
export function notifications(dialect: StorageDialect): Migration {
  // As audit_log: SQLite's AUTOINCREMENT and PostgreSQL's identity never reuse an id.
  const id = (col: ColumnDefinitionBuilder) =>
    dialect === 'sqlite'
      ? col.primaryKey().autoIncrement()
      : col.primaryKey().generatedByDefaultAsIdentity();
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('notification_outbox')
        .addColumn('id', 'integer', id)
        // No foreign key: the record outlives a mission purged by cleanup_completed_missions.
        .addColumn('mission_id', 'text', (col) => col.notNull())
        // The sending task: a retry of it continues the same row instead of starting another.
        .addColumn('task_id', 'text')
        .addColumn('notification_type', 'text', (col) =>
          col.notNull().check(sql`notification_type in ('email', 'webhook')`),
        )
        .addColumn('recipients', 'text', (col) => col.notNull())
        .addColumn('subject', 'text')
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status in ('pending', 'delivered', 'undelivered', 'failed')`),
        )
        .addColumn('reason', 'text')
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addColumn('delivered_at', 'text')
        .execute();
      await db.schema
        .createIndex('notification_outbox_mission_idx')
        .on('notification_outbox')
        .columns(['mission_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('notification_outbox_task_idx')
        .on('notification_outbox')
        .column('task_id')
        .execute();

      await db.schema
        .createTable('notification_attempts')
        .addColumn('id', 'integer', id)
        .addColumn('outbox_id', 'integer', (col) =>
          col.notNull().references('notification_outbox.id').onDelete('cascade'),
        )
        .addColumn('recipient', 'text', (col) => col.notNull())
        .addColumn('attempted_at', 'text', (col) => col.notNull())
        .addColumn('outcome', 'text', (col) =>
          col.notNull().check(sql`outcome in ('delivered', 'failed')`),
        )
        .addColumn('detail', 'text')
        .addColumn('duration_ms', 'double precision', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('notification_attempts_outbox_idx')
        .on('notification_attempts')
        .column('outbox_id')
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('notification_attempts').execute();
      await db.schema.dropTable('notification_outbox').execute();
    },
  };
}
