import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from '../tables';
import { sqliteIndexRow } from './0004_search';

/** The statuses that were closed when this step shipped (domain/lifecycle.ts closedStatuses then), as SQL. */
const closedStatusList = `'resolved', 'closed'`;

/**
 * A status change re-indexes an escalation only when it opens or closes it (the open
 * index holds open ones only); moving between open statuses, the most common save, does not.
 */
export function searchOnOpenOrClose(engine: Engine): Migration {
  const closes = (row: string) => `(${row}.status in (${closedStatusList}))`;
  const changed = (is: string) =>
    `old.summary ${is} new.summary or old.brief ${is} new.brief or ${closes('old')} ${is} ${closes('new')}`;
  return {
    async up(db: Kysely<unknown>) {
      if (engine === 'sqlite') {
        await sql`drop trigger escalation_search_update`.execute(db);
        await sql`
          create trigger escalation_search_update after update of summary, brief, status on escalations
          when ${sql.raw(changed('is not'))} begin
            delete from escalation_search where rowid = old.id;
            delete from open_escalation_search where rowid = old.id;
            ${sqliteIndexRow('escalation_search', 'new', false)}
            ${sqliteIndexRow('open_escalation_search', 'new', true)}
          end`.execute(db);
      } else {
        await sql`drop trigger escalation_search_update on escalations`.execute(db);
        await sql`
          create trigger escalation_search_update after update of summary, brief, status on escalations
          for each row when (${sql.raw(changed('is distinct from'))})
          execute function escalation_search_sync()`.execute(db);
      }
    },
    async down() {
      // 0004's trigger re-indexed on every status change; this one is a narrowing of it.
    },
  };
}
