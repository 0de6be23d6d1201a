import { type Kysely, type Migration, sql } from 'kysely';
import type { StorageDialect } from '../create-database';

/**
 * The audit log's outcome as columns of their own, so that it can be filtered on (`status=403`):
 * the HTTP status answered and, for a refused call, why. Earlier entries kept their status in
 * the detail JSON: it is copied over; they have no reason.
 */
export function auditStatus(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('audit_log').addColumn('status', 'integer').execute();
      await db.schema.alterTable('audit_log').addColumn('reason', 'text').execute();
      // Only detail that is valid JSON with a numeric status: a hand-written row stays null.
      if (dialect === 'sqlite') {
        await sql`update audit_log set status = json_extract(detail, '$.status')
          where json_valid(detail) and json_type(detail, '$.status') = 'integer'`.execute(db);
      } else {
        await sql`update audit_log
          set status = substring(detail from '"status":\\s*([0-9]{3})[,}]')::integer
          where detail ~ '"status":\\s*[0-9]{3}[,}]'`.execute(db);
      }
      await db.schema
        .createIndex('audit_log_status_at_idx')
        .on('audit_log')
        .columns(['status', 'at'])
        .execute();
      await db.schema
        .createIndex('audit_log_principal_at_idx')
        .on('audit_log')
        .columns(['principal', 'at'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('audit_log_principal_at_idx').execute();
      await db.schema.dropIndex('audit_log_status_at_idx').execute();
      await db.schema.alterTable('audit_log').dropColumn('reason').execute();
      await db.schema.alterTable('audit_log').dropColumn('status').execute();
    },
  };
}
