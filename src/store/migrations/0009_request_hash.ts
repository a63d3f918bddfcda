import type { Kysely, Migration } from 'kysely';

/** Idempotency keys say what they were used for: the same key with another body is a conflict. */
export const requestHash: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('escalations').addColumn('request_hash', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('escalations').dropColumn('request_hash').execute();
  },
};
