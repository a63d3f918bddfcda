// The schema, as ordered steps the Kysely Migrator applies once per database.
// Add a new step for every change; never edit one that has shipped.

import { type ColumnDefinitionBuilder, type Kysely, type Migration, sql } from 'kysely';
import { closedStatuses } from '../domain/lifecycle';
import { slaNever } from '../domain/sla';
import { searchIndex, searchOnOpenOrClose } from './searchIndex';

export type Engine = 'sqlite' | 'postgres';

type Column = (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;

/** Escalation numbers must never repeat, even after a row is deleted by hand. */
function numberColumn(engine: Engine): { type: 'integer' | 'bigint'; key: Column } {
  return engine === 'sqlite'
    ? // AUTOINCREMENT is what stops SQLite from handing out a deleted row's id again.
      { type: 'integer', key: (c) => c.primaryKey().autoIncrement() }
    : { type: 'bigint', key: (c) => c.primaryKey().generatedAlwaysAsIdentity() };
}

function firstSchema(engine: Engine): Migration {
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

/** Named so they sort in the order they must run. */
export function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0001_escalations_timeline_channels_cards': firstSchema(engine),
    '0002_people_columns': peopleColumns,
    '0005_sla_and_links': slaAndLinks(engine),
    '0006_sla_schedule': slaSchedule,
    '0007_search_on_open_or_close': searchOnOpenOrClose(engine),
    '0003_outbox_action_keys': outboxAndActionKeys(engine),
    '0004_search': searchIndex(engine),
    '0008_access': accessColumns(engine),
    '0009_request_hash': requestHash,
    '0010_email': email,
    '0011_board': board,
  };
}

/** "My escalations": who raised and who owns an escalation, as columns to look up by. */
const peopleColumns: Migration = {
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

/**
 * Delivery that survives faults: card posts, updates and replies wait in an outbox written in
 * the same transaction as the change, until a worker (any replica) sends them. And the key of
 * the click behind each change, so a retried Teams invoke is applied once.
 */
function outboxAndActionKeys(engine: Engine): Migration {
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

/** What the SLA watcher and the pattern need: statuses in the timeline, the SLA status cards
 * show, posts to another tier's channel, and links between escalations of the same issue. */
function slaAndLinks(engine: Engine): Migration {
  const id = numberColumn(engine);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('timeline_entries').addColumn('status', 'text').execute();
      await db
        .updateTable('timeline_entries' as never)
        .set({ status: 'new' } as never)
        .where('kind' as never, '=', 'created' as never)
        .execute();
      await db.schema.alterTable('escalations').addColumn('sla_status', 'text').execute();
      await db.schema.alterTable('outbox').addColumn('target', 'text').execute();
      await db.schema
        .createTable('escalation_links')
        .addColumn('escalation_id', id.type, (c) => c.notNull().references('escalations.id').onDelete('cascade'))
        .addColumn('linked_id', id.type, (c) => c.notNull().references('escalations.id').onDelete('cascade'))
        .addColumn('linked_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('escalation_links_once', ['escalation_id', 'linked_id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('escalation_links').execute();
      await db.schema.alterTable('outbox').dropColumn('target').execute();
      await db.schema.alterTable('escalations').dropColumn('sla_status').execute();
      await db.schema.alterTable('timeline_entries').dropColumn('status').execute();
    },
  };
}

/** The watcher looks only at escalations whose clocks may have changed state: a schedule. */
const slaSchedule: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('escalations')
      .addColumn('sla_check_at', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db
      .updateTable('escalations' as never)
      .set({ sla_check_at: slaNever } as never)
      .where('status' as never, 'in', closedStatuses as never)
      .execute();
    await db.schema.createIndex('escalations_by_sla_check').on('escalations').column('sla_check_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('escalations_by_sla_check').execute();
    await db.schema.alterTable('escalations').dropColumn('sla_check_at').execute();
  },
};

/**
 * The access model: who a posted copy is for (a personal chat's person, so each person keeps
 * one copy and it shows only what they may see), and every move of a tier's channel, for
 * `routes` to show and to know the team the bot was first bound in (its owners are admins).
 */
function accessColumns(engine: Engine): Migration {
  const id = numberColumn(engine);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('posted_cards')
        .addColumn('place', 'text', (c) => c.notNull().defaultTo('channel'))
        .execute();
      await db.schema.alterTable('posted_cards').addColumn('viewer_id', 'text').execute();
      // Copies from before: personal chats are "a:..." in Teams, group chats "19:...@thread.v2".
      await sql`update posted_cards set place = 'personal' where conversation_id like 'a:%'`.execute(db);
      await sql`update posted_cards set place = 'groupChat' where conversation_id like '%@thread.v2'`.execute(db);
      await db.schema
        .createIndex('posted_cards_by_viewer')
        .on('posted_cards')
        .columns(['escalation_id', 'viewer_id'])
        .execute();

      await db.schema
        .createTable('channel_moves')
        .addColumn('id', id.type, id.key)
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('from_channel', 'text')
        .addColumn('to_channel', 'text')
        .addColumn('moved_by', 'text', (c) => c.notNull())
        .addColumn('moved_at', 'text', (c) => c.notNull())
        .execute();
      // The bindings made before there was a log: each one as its first move.
      const bound = await sql<{ target: string; conversation_reference: string; bound_by: string; bound_at: string }>`
        select target, conversation_reference, bound_by, bound_at from channel_bindings order by bound_at`.execute(db);
      for (const row of bound.rows) {
        const reference = JSON.parse(row.conversation_reference) as {
          serviceUrl?: string;
          conversation?: { id?: string };
          channel?: { channelId?: string; channelName?: string; teamId?: string; teamName?: string };
        };
        const channelId = reference.channel?.channelId ?? reference.conversation?.id ?? '';
        const to = {
          channelId,
          teamId: reference.channel?.teamId,
          serviceUrl: reference.serviceUrl ?? '',
          name: [reference.channel?.channelName, reference.channel?.teamName].filter(Boolean).join(' in ') || channelId,
        };
        await sql`insert into channel_moves (target, from_channel, to_channel, moved_by, moved_at)
          values (${row.target}, ${null}, ${JSON.stringify(to)}, ${row.bound_by}, ${row.bound_at})`.execute(db);
      }
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('channel_moves').execute();
      await db.schema.dropIndex('posted_cards_by_viewer').execute();
      await db.schema.alterTable('posted_cards').dropColumn('viewer_id').execute();
      await db.schema.alterTable('posted_cards').dropColumn('place').execute();
    },
  };
}

/** Idempotency keys say what they were used for: the same key with another body is a conflict. */
const requestHash: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('escalations').addColumn('request_hash', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('escalations').dropColumn('request_hash').execute();
  },
};

/** Actionable email: each tier's mailboxes, and emails waiting in the outbox like card posts. */
const email: Migration = {
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

/**
 * The board's indexes, each holding every column its queries read, so that counting 20,000 open
 * escalations, or the weeks of a year of them, reads no row with its brief: the queue and its
 * counts (and words in a summary), the charts' window of weeks raised, and each one's first
 * acknowledgement and resolution in its timeline.
 */
const board: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('escalations_board')
      .on('escalations')
      .columns([
        'status',
        'target',
        'severity',
        'sla_status',
        'owner_id',
        'requester_id',
        'sla_check_at',
        'created_at',
        'summary',
      ])
      .execute();
    await db.schema
      .createIndex('escalations_raised')
      .on('escalations')
      .columns(['created_at', 'target', 'sla_status', 'requester_id', 'owner_id', 'id'])
      .execute();
    // A tier's board (a channel tab) charts that tier's weeks only.
    await db.schema
      .createIndex('escalations_raised_by_tier')
      .on('escalations')
      .columns(['target', 'created_at', 'sla_status', 'requester_id', 'owner_id', 'id'])
      .execute();
    await db.schema
      .createIndex('timeline_firsts')
      .on('timeline_entries')
      .columns(['escalation_id', 'kind', 'at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('timeline_firsts').execute();
    await db.schema.dropIndex('escalations_raised_by_tier').execute();
    await db.schema.dropIndex('escalations_raised').execute();
    await db.schema.dropIndex('escalations_board').execute();
  },
};
