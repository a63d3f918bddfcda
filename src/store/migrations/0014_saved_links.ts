import type { Kysely, Migration } from 'kysely';

/** Saved Teams messages: the timeline entry keeps the message's link (Teams' own https links only). */
export const savedLinks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('timeline_entries').addColumn('link', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('timeline_entries').dropColumn('link').execute();
  },
};
