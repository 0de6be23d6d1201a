import { type Kysely, type Migration, sql } from 'kysely';
import type { StorageDialect } from '../create-database';

/** API keys, the audit log and the request statistics. */
export function initial(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('role', 'text', (col) =>
          col.notNull().check(sql`role in ('admin', 'operator', 'viewer')`),
        )
        .addColumn('prefix', 'text', (col) => col.notNull())
        .addColumn('hash', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      // Every request looks its key up by hash; unique, and the conflict target of seed().
      await db.schema
        .createIndex('api_keys_hash_key')
        .on('api_keys')
        .column('hash')
        .unique()
        .execute();

      await db.schema
        .createTable('audit_log')
        // SQLite's AUTOINCREMENT and PostgreSQL's identity column both never reuse an id.
        .addColumn('id', 'integer', (col) =>
          dialect === 'sqlite'
            ? col.primaryKey().autoIncrement()
            : col.primaryKey().generatedByDefaultAsIdentity(),
        )
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('principal', 'text', (col) => col.notNull())
        .addColumn('action', 'text', (col) => col.notNull())
        .addColumn('task_id', 'text')
        .addColumn('target', 'text')
        .addColumn('ip', 'text')
        .addColumn('detail', 'text')
        .execute();
      // Listing newest first, time windows and the retention purge all go by `at`.
      await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
      await db.schema
        .createIndex('audit_log_action_at_idx')
        .on('audit_log')
        .columns(['action', 'at'])
        .execute();

      // The primary keys are the upserts' conflict targets and serve the per-day queries.
      await db.schema
        .createTable('request_stats')
        .addColumn('day', 'text', (col) => col.notNull())
        .addColumn('method', 'text', (col) => col.notNull())
        .addColumn('route', 'text', (col) => col.notNull())
        .addColumn('status', 'integer', (col) => col.notNull())
        .addColumn('requests', 'integer', (col) => col.notNull())
        // `double precision` is a double in PostgreSQL and has REAL affinity in SQLite.
        .addColumn('total_ms', 'double precision', (col) => col.notNull())
        .addColumn('max_ms', 'double precision', (col) => col.notNull())
        .addPrimaryKeyConstraint('request_stats_pkey', ['day', 'method', 'route', 'status'])
        .execute();

      await db.schema
        .createTable('request_principals')
        .addColumn('day', 'text', (col) => col.notNull())
        .addColumn('principal', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('request_principals_pkey', ['day', 'principal'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['request_principals', 'request_stats', 'audit_log', 'api_keys']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
