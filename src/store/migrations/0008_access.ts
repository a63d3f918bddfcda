import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from '../tables';
import { numberColumn } from './numberColumn';

/**
 * The access model: who a posted copy is for (a personal chat's person, so each person keeps
 * one copy and it shows only what they may see), and every move of a tier's channel, for
 * `routes` to show and to know the team the bot was first bound in (its owners are admins).
 */
export function accessColumns(engine: Engine): Migration {
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
