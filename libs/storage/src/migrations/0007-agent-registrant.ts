import type { Kysely, Migration } from 'kysely';

/**
 * Which API key registered an agent: only that key (or an admin) may re-register it, so that
 * no other operator can point it somewhere else. Null for agents registered before.
 */
export function agentRegistrant(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const column of ['registered_by_key_id', 'registered_by_name', 'registered_by_role'])
        await db.schema.alterTable('agents').addColumn(column, 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const column of ['registered_by_key_id', 'registered_by_name', 'registered_by_role'])
        await db.schema.alterTable('agents').dropColumn(column).execute();
    },
  };
}
