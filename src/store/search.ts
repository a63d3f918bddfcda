// Store.findSimilar: the engine's full-text search over the index of migrations/0004_search.ts.
// Any of the lookup's errors or most telling words finds a candidate (an OR query) and the
// engine ranks them (bm25 on SQLite, ts_rank on PostgreSQL, the summary weighted most); for
// just the best `limit` it is then asked which of all the lookup's words and errors each one
// contains (what isSimilar weighs). How words become each engine's query is textSearch.ts's,
// shared with Find an escalation.
import { type RawBuilder, sql } from 'kysely';
import type { SimilarCandidate, SimilarityOptions } from '../app/ports';
import type { Sight } from '../domain/access';
import { escalationId, escalationNumber } from '../domain/escalation';
import { queryLimits, type SearchTerms } from '../domain/similarity';
import type { Target } from '../domain/vocabulary';
import { visible } from './sight';
import {
  type SearchDb as Db,
  ftsAny,
  ftsPhrase,
  isPostgres,
  searchable,
  type Term,
  tsAny,
  tsPhrase,
} from './textSearch';

/**
 * SQLite: the details of a brief held in the row `row`, as one text: what the search index holds
 * besides the summary (migrations/0004_search.ts; tests/store/migrations.contract.test.ts checks
 * that they agree), read again for the few best candidates.
 */
export const sqliteDetails = (row: string) =>
  ['description', 'reproduction.environment', 'reproduction.expected', 'reproduction.actual']
    .map((path) => `coalesce(json_extract(${row}.brief, '$.${path}'), '')`)
    .join(' || char(10) || ');

export async function findSimilarEscalations(
  db: Db,
  query: SearchTerms,
  options: SimilarityOptions,
): Promise<SimilarCandidate[]> {
  const terms = searchable([
    ...query.errors.map((text) => ({ text, error: true })),
    ...query.words.map((text) => ({ text, error: false })),
  ]);
  const limit = Math.floor(options.limit);
  if (terms.length === 0 || !(limit > 0)) return [];
  const lookup: Lookup = {
    terms,
    // Ranking costs time for every escalation that matches any term it searches, and the words
    // further down the list rarely change which ones come out on top: they only count.
    rankBy: [
      ...terms.filter((term) => term.error),
      ...terms.filter((term) => !term.error).slice(0, queryLimits.rankedWords),
    ],
    openOnly: options.openOnly,
    limit,
    excluded: options.excludeId === undefined ? undefined : escalationNumber(options.excludeId),
    sight: options.sight,
  };
  return isPostgres(db) ? postgresSimilar(db, lookup) : sqliteSimilar(db, lookup);
}

/** A candidate's summary and what access depends on, as stored. */
interface Facts {
  id: string | number;
  summary: string;
  target: string;
  requester_id: string | null;
  owner_id: string | null;
}

function accessOf(row: Facts): Pick<SimilarCandidate, 'summary' | 'target' | 'requesterId' | 'ownerId'> {
  return {
    summary: row.summary,
    target: row.target as Target,
    requesterId: row.requester_id ?? undefined,
    ownerId: row.owner_id ?? undefined,
  };
}

interface Lookup {
  /** Every word and error: what each candidate is checked for. */
  terms: Term[];
  /** The errors and the most telling words: what finds and ranks the candidates. */
  rankBy: Term[];
  openOnly: boolean;
  limit: number;
  excluded: number | undefined;
  sight: Sight | undefined;
}

// --- SQLite: FTS5 ----------------------------------------------------------------------

async function sqliteSimilar(
  db: Db,
  { terms, rankBy, openOnly, limit, excluded, sight }: Lookup,
): Promise<SimilarCandidate[]> {
  // The open escalations have an index of their own (see migrations/0004_search.ts).
  const index = sql.table(openOnly ? 'open_escalation_search' : 'escalation_search');
  const anyTerm = ftsAny(rankBy);
  // One connection throughout: the candidates' table below is this connection's own.
  return db.connection().execute(async (connection) => {
    // "order by rank" with a limit lets FTS5 keep only the best rows as it ranks (bm25 as
    // configured in the migration: the summary counts most); one extra for the excluded one.
    // What the viewer may not see never takes a place: only then is the index joined to the escalations.
    const ranked = await (sight?.hidden.length
      ? sql<{ id: number; rank: number }>`
          select s.rowid as id, s.rank from ${index} s join escalations e on e.id = s.rowid
          where ${index} match ${anyTerm} and ${visible(sight)}
          order by s.rank limit ${limit + 1}`
      : sql<{ id: number; rank: number }>`
          select rowid as id, rank from ${index} where ${index} match ${anyTerm}
          order by rank limit ${limit + 1}`
    ).execute(connection);
    const best = ranked.rows.filter((row) => row.id !== excluded).slice(0, limit);
    if (best.length === 0) return [];

    // Which words and errors each of the few best contains. Asking the big index once per term
    // reads each term's whole list of escalations; a scratch index of just these few, with the
    // same tokenizer, answers at once.
    const ids = sql.join(best.map((row) => row.id));
    await sql`
      create virtual table if not exists temp.similarity_candidates
      using fts5(summary, details, tokenize = 'porter unicode61 remove_diacritics 2')`.execute(connection);
    await sql`delete from temp.similarity_candidates`.execute(connection);
    await sql`
      insert into temp.similarity_candidates (rowid, summary, details)
      select id, summary, ${sql.raw(sqliteDetails('escalations'))} from escalations where id in (${ids})`.execute(
      connection,
    );
    const found = await sql<{ term: number; id: number }>`${sql.join(
      terms.map(
        (term, n) => sql`
          select ${n} as term, rowid as id from temp.similarity_candidates
          where similarity_candidates match ${ftsPhrase(term)}`,
      ),
      sql` union all `,
    )}`.execute(connection);
    await sql`delete from temp.similarity_candidates`.execute(connection);
    const facts = await sql<Facts>`
      select id, summary, target, requester_id, owner_id from escalations where id in (${ids})`.execute(connection);

    const factsOf = new Map(facts.rows.map((row) => [Number(row.id), row]));
    return best.flatMap((row) => {
      const stored = factsOf.get(Number(row.id));
      if (stored === undefined) return [];
      const its = found.rows.filter((hit) => Number(hit.id) === Number(row.id));
      return [
        {
          id: escalationId(Number(row.id)),
          ...accessOf(stored),
          // bm25 is lower for better matches; the port's rank is higher for closer ones.
          rank: -row.rank,
          matched: its.length,
          matchedErrors: its.filter((hit) => terms[hit.term]?.error).length,
        },
      ];
    });
  });
}

// --- PostgreSQL: tsvector, GIN, ts_rank -----------------------------------------------

/** How many of these terms the document contains. */
const countOf = (terms: Term[]): RawBuilder<number> =>
  terms.length === 0
    ? sql<number>`0`
    : sql<number>`(${sql.join(
        terms.map((term) => sql`(r.document @@ ${tsPhrase(term)})::int`),
        sql` + `,
      )})`;

async function postgresSimilar(
  db: Db,
  { terms, rankBy, openOnly, limit, excluded, sight }: Lookup,
): Promise<SimilarCandidate[]> {
  const anyTerm = tsAny(rankBy);
  // "where open" lets the planner use the index of open escalations only.
  const open = openOnly ? sql`and s.open` : sql``;
  const notExcluded = excluded === undefined ? sql`` : sql`and s.escalation_id <> ${excluded}`;
  // What the viewer may not see never takes a place.
  const seen = sight?.hidden.length ? sql`join escalations e on e.id = s.escalation_id and ${visible(sight)}` : sql``;
  const result = await sql<Facts & { rank: number; matched: number; errors: number }>`
    with lookup as (select ${anyTerm} as any_term),
    ranked as (
      select s.escalation_id, s.document,
        ts_rank(s.document, lookup.any_term, 1) as rank
      from escalation_search s ${seen}, lookup
      where s.document @@ lookup.any_term ${open} ${notExcluded}
      order by rank desc, s.escalation_id desc
      limit ${limit}
    )
    select r.escalation_id as id, e.summary, e.target, e.requester_id, e.owner_id, r.rank,
      ${countOf(terms)} as matched,
      ${countOf(terms.filter((term) => term.error))} as errors
    from ranked r join escalations e on e.id = r.escalation_id
    order by r.rank desc, r.escalation_id desc`.execute(db);
  return result.rows.map((row) => ({
    id: escalationId(Number(row.id)),
    ...accessOf(row),
    rank: Number(row.rank),
    matched: Number(row.matched),
    matchedErrors: Number(row.errors),
  }));
}
