import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../tables';
import { numberColumn } from './numberColumn';

/** Swarm chats: each escalation's one group chat (a row with no chat yet is a claim being opened). */
export function swarmChats(engine: Engine): Migration {
  const id = numberColumn(engine);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('swarm_chats')
        .addColumn('escalation_id', id.type, (c) => c.primaryKey().references('escalations.id').onDelete('cascade'))
        .addColumn('chat_id', 'text', (c) => c.unique())
        .addColumn('service_url', 'text')
        .addColumn('tier', 'text')
        .addColumn('members', 'text')
        .addColumn('opened_by', 'text')
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('swarm_chats').execute();
    },
  };
}
