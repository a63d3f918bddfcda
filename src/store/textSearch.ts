// How a search's words become a full-text query on each engine, over the index of
// migrations/0004_search.ts: one way of writing them, shared by look-alikes (search.ts: any of the
// words, ranked) and Find an escalation (findEscalations.ts: every word, ranked). Every word and
// error is searched as a phrase, so the engine splits and stems it exactly as it did the stored
// text ("ERR_PDF_RENDER_TIMEOUT" is the four words "err pdf render timeout" in a row on both).
import { type Kysely, type RawBuilder, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: the search index is not among the typed tables; queries over it are raw SQL.
export type SearchDb = Kysely<any>;

/** A word or an error to search for; `partial`: still being typed, so any word it begins matches. */
export interface Term {
  text: string;
  error: boolean;
  partial?: boolean;
}

/** Only what the engines can search: a term with a letter or a digit in it. */
export const searchable = (terms: Term[]) => terms.filter((term) => /[\p{L}\p{N}]/u.test(term.text));

/** The dialect shows in how it writes a parameter: $1 on PostgreSQL, ? on SQLite. */
export function isPostgres(db: SearchDb): boolean {
  return sql`${0}`.compile(db).sql.includes('$1');
}

// --- SQLite: FTS5 ----------------------------------------------------------------------

/** An FTS5 string: a phrase of the words in it, whatever punctuation it holds; a partial word as a prefix. */
export const ftsPhrase = (term: Pick<Term, 'text' | 'partial'>) =>
  `"${term.text.replace(/"/g, '""')}"${term.partial ? '*' : ''}`;

/** FTS5: a row with any of the terms. */
export const ftsAny = (terms: Term[]) => terms.map(ftsPhrase).join(' OR ');

/** FTS5: a row with every one of the terms (phrases side by side are all required). */
export const ftsAll = (terms: Term[]) => terms.map(ftsPhrase).join(' ');

// --- PostgreSQL: tsvector, tsquery -----------------------------------------------------

/** A tsquery of the term: its words in a row, stemmed as the index was; a partial word as a prefix. */
export function tsPhrase(term: Pick<Term, 'text' | 'partial'>): RawBuilder<unknown> {
  if (!term.partial) return sql`phraseto_tsquery('english', ${term.text})`;
  // A quoted lexeme in tsquery syntax: a quote or a backslash inside is escaped by doubling it.
  const quoted = `'${term.text.replace(/['\\]/g, (c) => c + c)}'`;
  return sql`to_tsquery('english', ${`${quoted}:*`})`;
}

/** tsquery: a document with any of the terms. */
export const tsAny = (terms: Term[]) =>
  sql.join(
    terms.map((term) => tsPhrase(term)),
    sql` || `,
  );

/** tsquery: a document with every one of the terms. */
export const tsAll = (terms: Term[]) =>
  sql.join(
    terms.map((term) => tsPhrase(term)),
    sql` && `,
  );
