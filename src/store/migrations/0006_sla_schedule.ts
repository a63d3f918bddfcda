import type { Kysely, Migration } from 'kysely';

/** "Never" as this step wrote it for resolved and closed escalations (domain/sla.ts slaNever then). */
const never = '9999-12-31T00:00:00.000Z';
/** The statuses that were closed when this step shipped (domain/lifecycle.ts closedStatuses then). */
const closed = ['resolved', 'closed'];

/** The watcher looks only at escalations whose clocks may have changed state: a schedule. */
export const slaSchedule: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('escalations')
      .addColumn('sla_check_at', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db
      .updateTable('escalations' as never)
      .set({ sla_check_at: never } as never)
      .where('status' as never, 'in', closed as never)
      .execute();
    await db.schema.createIndex('escalations_by_sla_check').on('escalations').column('sla_check_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('escalations_by_sla_check').execute();
    await db.schema.alterTable('escalations').dropColumn('sla_check_at').execute();
  },
};
