import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../tables';
import { numberColumn } from './numberColumn';

/**
 * Followers: the people who asked to hear of an escalation (store/followers.ts). Its requester and
 * owner follow it by being them, so they have no row here.
 */
export function followers(engine: Engine): Migration {
  const id = numberColumn(engine);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('followers')
        .addColumn('escalation_id', id.type, (c) => c.notNull().references('escalations.id').onDelete('cascade'))
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('person', 'text', (c) => c.notNull())
        .addColumn('followed_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('followers_pk', ['escalation_id', 'person_id'])
        .execute();
      // "My escalations" asks by person: what they follow.
      await db.schema.createIndex('followers_by_person').on('followers').column('person_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('followers').execute();
    },
  };
}
