import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from '../tables';

/**
 * Help desks: the ticket an escalation came from (one open escalation a ticket), a ticket's draft
 * (a webhook's ticket that lacked what the form requires), and notes to a ticket in the outbox,
 * where a draft's note belongs to no escalation yet (so outbox.escalation_id may be null).
 */
export function helpdesk(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('escalations').addColumn('ticket_system', 'text').execute();
      await db.schema.alterTable('escalations').addColumn('ticket_id', 'text').execute();
      await db.schema
        .createIndex('escalations_by_ticket')
        .on('escalations')
        .columns(['ticket_system', 'ticket_id', 'id'])
        .where(sql.ref('ticket_id'), 'is not', null)
        .execute();
      await db.schema
        .createTable('ticket_drafts')
        .addColumn('ticket_system', 'text', (c) => c.notNull())
        .addColumn('ticket_id', 'text', (c) => c.notNull())
        .addColumn('form', 'text', (c) => c.notNull())
        .addColumn('agent', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('ticket_drafts_key', ['ticket_system', 'ticket_id'])
        .execute();
      if (engine === 'postgres') {
        await sql`alter table outbox alter column escalation_id drop not null`.execute(db);
        await db.schema.alterTable('outbox').addColumn('ticket', 'text').execute();
      } else {
        await sqliteOutboxWithoutEscalation(db);
      }
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('ticket_drafts').execute();
      await db.schema.dropIndex('escalations_by_ticket').execute();
      await db.schema.alterTable('escalations').dropColumn('ticket_id').execute();
      await db.schema.alterTable('escalations').dropColumn('ticket_system').execute();
    },
  };
}

/** SQLite cannot drop a NOT NULL: the outbox is copied into a table without it, with a ticket column. */
async function sqliteOutboxWithoutEscalation(db: Kysely<unknown>): Promise<void> {
  const columns =
    'id, kind, escalation_id, conversation_id, activity_id, service_url, text, reply_key, pending_key, attempts, next_attempt_at, claimed_by, claimed_until, created_at, delivered_at, failed_at, last_error, target, recipients';
  await sql`create table outbox_next (
    id integer primary key autoincrement,
    kind text not null,
    escalation_id integer references escalations(id) on delete cascade,
    conversation_id text, activity_id text, service_url text, text text,
    reply_key text unique, pending_key text unique,
    attempts integer not null default 0, next_attempt_at text not null,
    claimed_by text, claimed_until text, created_at text not null,
    delivered_at text, failed_at text, last_error text, target text, recipients text, ticket text
  )`.execute(db);
  await sql`insert into outbox_next (${sql.raw(columns)}) select ${sql.raw(columns)} from outbox`.execute(db);
  await sql`drop table outbox`.execute(db);
  await sql`alter table outbox_next rename to outbox`.execute(db);
  await sql`create index outbox_due on outbox (next_attempt_at, id) where delivered_at is null and failed_at is null`.execute(
    db,
  );
  await sql`create index outbox_by_escalation on outbox (escalation_id)`.execute(db);
}
