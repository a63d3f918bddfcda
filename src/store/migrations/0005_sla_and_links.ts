import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../tables';
import { numberColumn } from './numberColumn';

/** What the SLA watcher and the pattern need: statuses in the timeline, the SLA status cards
 * show, posts to another tier's channel, and links between escalations of the same issue. */
export function slaAndLinks(engine: Engine): Migration {
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
