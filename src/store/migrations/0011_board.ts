import type { Kysely, Migration } from 'kysely';

/**
 * The board's indexes, each holding every column its queries read, so that counting 20,000 open
 * escalations, or the weeks of a year of them, reads no row with its brief: the queue and its
 * counts (and words in a summary), the charts' window of weeks raised, and each one's first
 * acknowledgement and resolution in its timeline.
 */
export const board: Migration = {
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
