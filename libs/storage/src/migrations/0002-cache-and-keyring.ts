import { type Kysely, type Migration, sql } from 'kysely';
import type { StorageDialect } from '../create-database';

/** The key-value cache, and the keyring with the secrets it seals (envelope encryption). */
export function cacheAndKeyring(_dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('cache_entries')
        .addColumn('key', 'text', (col) => col.primaryKey())
        .addColumn('value', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text')
        .execute();
      // The expiry purge goes by expires_at.
      await db.schema
        .createIndex('cache_entries_expires_at_idx')
        .on('cache_entries')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('encryption_keys')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('wrapped_key', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status in ('active', 'retired')`),
        )
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('retired_at', 'text')
        .execute();
      // At most one active key, whatever the code does; rotations that race collide here.
      await db.schema
        .createIndex('encryption_keys_one_active_key')
        .on('encryption_keys')
        .column('status')
        .unique()
        .where(sql.ref('status'), '=', 'active')
        .execute();

      await db.schema
        .createTable('sealed_secrets')
        .addColumn('name', 'text', (col) => col.primaryKey())
        // No cascade: a key still named by a secret cannot be deleted.
        .addColumn('key_id', 'text', (col) => col.notNull().references('encryption_keys.id'))
        .addColumn('ciphertext', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      // Rotation looks for the secrets of retired keys, and whether a key is still used.
      await db.schema
        .createIndex('sealed_secrets_key_id_idx')
        .on('sealed_secrets')
        .column('key_id')
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['sealed_secrets', 'encryption_keys', 'cache_entries']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
