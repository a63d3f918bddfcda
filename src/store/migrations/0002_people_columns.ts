import type { Kysely, Migration } from 'kysely';

/** "My escalations": who raised and who owns an escalation, as columns to look up by. */
export const peopleColumns: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('escalations').addColumn('requester_id', 'text').execute();
    await db.schema.alterTable('escalations').addColumn('owner_id', 'text').execute();
    await db.schema.createIndex('escalations_by_requester').on('escalations').column('requester_id').execute();
    await db.schema.createIndex('escalations_by_owner').on('escalations').column('owner_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('escalations').dropColumn('owner_id').execute();
    await db.schema.alterTable('escalations').dropColumn('requester_id').execute();
  },
};
