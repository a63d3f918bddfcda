import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../tables';
import { numberColumn } from './numberColumn';

/** Escalations, their timelines, the channel bound to each tier and the cards posted there. */
export function firstSchema(engine: Engine): Migration {
  const id = numberColumn(engine);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('escalations')
        .addColumn('id', id.type, id.key)
        .addColumn('request_key', 'text', (c) => c.unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('brief', 'text', (c) => c.notNull())
        .addColumn('requester', 'text', (c) => c.notNull())
        .addColumn('owner', 'text')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // The queues people look at: a tier's open escalations.
      await db.schema.createIndex('escalations_by_target').on('escalations').columns(['target', 'status']).execute();
      await db.schema.createIndex('escalations_by_status').on('escalations').column('status').execute();

      await db.schema
        .createTable('timeline_entries')
        .addColumn('id', id.type, id.key)
        .addColumn('escalation_id', id.type, (c) => c.notNull().references('escalations.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        // One change, one entry: a second entry for the same version means a lost update.
        .addUniqueConstraint('timeline_entries_one_per_version', ['escalation_id', 'version'])
        .execute();

      await db.schema
        .createTable('channel_bindings')
        .addColumn('target', 'text', (c) => c.primaryKey())
        .addColumn('conversation_reference', 'text', (c) => c.notNull())
        .addColumn('bound_by', 'text', (c) => c.notNull())
        .addColumn('bound_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('posted_cards')
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('activity_id', 'text', (c) => c.notNull())
        .addColumn('escalation_id', id.type, (c) => c.notNull().references('escalations.id').onDelete('cascade'))
        .addColumn('service_url', 'text', (c) => c.notNull())
        .addColumn('posted_at', 'text', (c) => c.notNull())
        // Teams retries invokes and posts: the same copy recorded twice is still one copy.
        .addPrimaryKeyConstraint('posted_cards_one_per_activity', ['conversation_id', 'activity_id'])
        .execute();
      await db.schema.createIndex('posted_cards_by_escalation').on('posted_cards').column('escalation_id').execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['posted_cards', 'channel_bindings', 'timeline_entries', 'escalations']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
