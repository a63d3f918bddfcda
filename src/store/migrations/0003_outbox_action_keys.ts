import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from '../tables';
import { numberColumn } from './numberColumn';

/**
 * Delivery that survives faults: card posts, updates and replies wait in an outbox written in
 * the same transaction as the change, until a worker (any replica) sends them. And the key of
 * the click behind each change, so a retried Teams invoke is applied once.
 */
export function outboxAndActionKeys(engine: Engine): Migration {
  const id = numberColumn(engine);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('timeline_entries').addColumn('action_key', 'text').execute();
      // SQLite cannot add a UNIQUE column; a unique index says the same on both engines.
      await db.schema
        .createIndex('timeline_entries_by_action_key')
        .unique()
        .on('timeline_entries')
        .column('action_key')
        .execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', id.type, id.key)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('escalation_id', id.type, (c) => c.notNull().references('escalations.id').onDelete('cascade'))
        .addColumn('conversation_id', 'text')
        .addColumn('activity_id', 'text')
        .addColumn('service_url', 'text')
        .addColumn('text', 'text')
        .addColumn('reply_key', 'text', (c) => c.unique())
        .addColumn('pending_key', 'text', (c) => c.unique())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_until', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        .addColumn('failed_at', 'text')
        .addColumn('last_error', 'text')
        .execute();
      // What a worker claims: rows not done yet, by when they are due. Done rows stay for
      // inspection but drop out of the index, so the claim stays quick as they pile up.
      await db.schema
        .createIndex('outbox_due')
        .on('outbox')
        .columns(['next_attempt_at', 'id'])
        .where(sql.ref('delivered_at'), 'is', null)
        .where(sql.ref('failed_at'), 'is', null)
        .execute();
      await db.schema.createIndex('outbox_by_escalation').on('outbox').column('escalation_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('outbox').execute();
      await db.schema.dropIndex('timeline_entries_by_action_key').execute();
      await db.schema.alterTable('timeline_entries').dropColumn('action_key').execute();
    },
  };
}
