import type { Kysely, Migration } from 'kysely';

/**
 * Which task runs a mission: a redelivery of that same task (its first attempt died with its
 * worker) may take the mission over; any other delivery leaves it alone.
 */
export function missionRunner(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('missions').addColumn('runner_task_id', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('missions').dropColumn('runner_task_id').execute();
    },
  };
}
