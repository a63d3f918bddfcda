// The full-text index behind "possibly the same as ESC-12" (search.ts reads it). It lives
// in the database, so every replica sharing a PostgreSQL database sees the same index, and
// triggers keep it in step with every write to escalations (created, brief edited, status
// changed, row deleted by hand), whoever writes it.
//
// Both engines index the same text: the summary, and the details (description, environment,
// expected, actual) read out of the brief's JSON. A lookup of open escalations (the form, the
// card) ranks only open ones, from an index of their own, so it stays quick however many
// closed escalations pile up.
// - SQLite: FTS5 tables (every escalation; the open ones), rowid = escalation id, English
//   stemming (porter over unicode61), ranked by bm25 with the summary weighted 4 to 1.
//   Contentless (the text is already in escalations) with contentless_delete, so a changed
//   brief or status replaces its row.
// - PostgreSQL: a side table of tsvectors ('english': summary weighted A, details B) with a
//   GIN index, and a partial one over open escalations only. A side table rather than a
//   generated column on escalations, so reading escalations does not carry the vectors along.
import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from '../tables';

/** The statuses that were closed when this step shipped (domain/lifecycle.ts closedStatuses then), as SQL. */
const closedStatusList = `'resolved', 'closed'`;

/** The details of a brief as this step indexes them. */
const detailPaths = ['description', 'reproduction.environment', 'reproduction.expected', 'reproduction.actual'];

/** SQLite: the details of a brief held in the row `row` ("new" in a trigger), as one text. */
const sqliteDetails = (row: string) =>
  detailPaths.map((path) => `coalesce(json_extract(${row}.brief, '$.${path}'), '')`).join(' || char(10) || ');

/** SQLite: indexes escalation `row` in `table` (only if it is open, when `openOnly`). */
export const sqliteIndexRow = (table: string, row: string, openOnly: boolean) =>
  sql.raw(
    `insert into ${table} (rowid, summary, details) select ${row}.id, ${row}.summary, ${sqliteDetails(row)}` +
      // In a trigger the row is "new"; the backfill reads every row of escalations.
      (row === 'escalations' ? ' from escalations' : '') +
      (openOnly ? ` where ${row}.status not in (${closedStatusList})` : '') +
      ';',
  );

export function searchIndex(engine: Engine): Migration {
  return engine === 'sqlite' ? sqliteSearchIndex : postgresSearchIndex;
}

const sqliteTables = ['escalation_search', 'open_escalation_search'] as const;

const sqliteSearchIndex: Migration = {
  async up(db: Kysely<unknown>) {
    // Two indexes of the same text: every escalation, and the open ones only. A lookup of open
    // escalations (the form, the card) ranks only the open ones, and that stays quick however
    // many closed escalations pile up.
    for (const table of sqliteTables) {
      await sql`
        create virtual table ${sql.id(table)} using fts5(
          summary, details,
          content = '', contentless_delete = 1,
          tokenize = 'porter unicode61 remove_diacritics 2'
        )`.execute(db);
      // bm25 with the summary counting most.
      await sql`insert into ${sql.id(table)} (${sql.id(table)}, rank) values ('rank', 'bm25(4.0, 1.0)')`.execute(db);
    }
    await sql`${sqliteIndexRow('escalation_search', 'escalations', false)}`.execute(db);
    await sql`${sqliteIndexRow('open_escalation_search', 'escalations', true)}`.execute(db);
    await sql`
      create trigger escalation_search_insert after insert on escalations begin
        ${sqliteIndexRow('escalation_search', 'new', false)}
        ${sqliteIndexRow('open_escalation_search', 'new', true)}
      end`.execute(db);
    // Most saves change the owner only; the text is indexed again only when it (or the status) changed.
    await sql`
      create trigger escalation_search_update after update of summary, brief, status on escalations
      when old.summary is not new.summary or old.brief is not new.brief or old.status is not new.status begin
        delete from escalation_search where rowid = old.id;
        delete from open_escalation_search where rowid = old.id;
        ${sqliteIndexRow('escalation_search', 'new', false)}
        ${sqliteIndexRow('open_escalation_search', 'new', true)}
      end`.execute(db);
    await sql`
      create trigger escalation_search_delete after delete on escalations begin
        delete from escalation_search where rowid = old.id;
        delete from open_escalation_search where rowid = old.id;
      end`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const trigger of ['escalation_search_delete', 'escalation_search_update', 'escalation_search_insert']) {
      await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
    }
    for (const table of sqliteTables) await sql`drop table if exists ${sql.id(table)}`.execute(db);
  },
};

const postgresSearchIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table escalation_search (
        escalation_id bigint primary key references escalations (id) on delete cascade,
        open boolean not null,
        document tsvector not null
      )`.execute(db);
    await sql`
      create function escalation_search_document(summary text, brief text) returns tsvector
      language sql immutable parallel safe as $$
        select setweight(to_tsvector('english'::regconfig, summary), 'A')
          || setweight(to_tsvector('english'::regconfig,
               coalesce(brief::jsonb ->> 'description', '') || ' ' ||
               coalesce(brief::jsonb -> 'reproduction' ->> 'environment', '') || ' ' ||
               coalesce(brief::jsonb -> 'reproduction' ->> 'expected', '') || ' ' ||
               coalesce(brief::jsonb -> 'reproduction' ->> 'actual', '')), 'B')
      $$`.execute(db);
    await sql`
      create function escalation_search_sync() returns trigger language plpgsql as $$
      begin
        insert into escalation_search (escalation_id, open, document)
        values (new.id, new.status not in (${sql.raw(closedStatusList)}), escalation_search_document(new.summary, new.brief))
        on conflict (escalation_id) do update set open = excluded.open, document = excluded.document;
        return null;
      end
      $$`.execute(db);
    await sql`
      insert into escalation_search (escalation_id, open, document)
      select id, status not in (${sql.raw(closedStatusList)}), escalation_search_document(summary, brief) from escalations`.execute(
      db,
    );
    await sql`create index escalation_search_all on escalation_search using gin (document)`.execute(db);
    // What a lookup of open escalations reads: stays small as closed escalations pile up.
    await sql`create index escalation_search_open on escalation_search using gin (document) where open`.execute(db);
    await sql`
      create trigger escalation_search_insert after insert on escalations
      for each row execute function escalation_search_sync()`.execute(db);
    // Most saves change the owner or the status only; the text is indexed again only when it changed.
    await sql`
      create trigger escalation_search_update after update of summary, brief, status on escalations
      for each row when (
        old.summary is distinct from new.summary or old.brief is distinct from new.brief
        or old.status is distinct from new.status
      ) execute function escalation_search_sync()`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop trigger if exists escalation_search_update on escalations`.execute(db);
    await sql`drop trigger if exists escalation_search_insert on escalations`.execute(db);
    await sql`drop table if exists escalation_search`.execute(db);
    await sql`drop function if exists escalation_search_sync()`.execute(db);
    await sql`drop function if exists escalation_search_document(text, text)`.execute(db);
  },
};
