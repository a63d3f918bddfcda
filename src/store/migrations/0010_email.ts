import type { Kysely, Migration } from 'kysely';

/** Actionable email: each tier's mailboxes, and emails waiting in the outbox like card posts. */
export const email: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('tier_emails')
      .addColumn('target', 'text', (c) => c.primaryKey())
      .addColumn('addresses', 'text', (c) => c.notNull())
      .addColumn('set_by', 'text', (c) => c.notNull())
      .addColumn('set_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('outbox').addColumn('recipients', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('outbox').dropColumn('recipients').execute();
    await db.schema.dropTable('tier_emails').execute();
  },
};
