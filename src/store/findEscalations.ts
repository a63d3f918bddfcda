// Store.findEscalations, "Find an escalation" from the message box: by id, by customer, by words,
// by tier, status and severity, only what the person may see (sight.ts, as lists and the board),
// a page at a time. Words are found with the look-alike search's full-text index and its way of
// writing a query (textSearch.ts), every word required and the engine's rank first; customers with
// the index of their names (migrations/0016_customer_search.ts); without words the person's own open
// escalations ("mine": followers.ts involving) come first, then soonest due, as the board orders its
// queue. Each search finds its page's ids first and only then reads their rows: never thousands of
// briefs sorted.
import { type RawBuilder, type Selectable, sql } from 'kysely';
import { type EscalationSearch, type FindFilter, mostFoundAtOnce } from '../app/searchPorts';
import type { Escalation } from '../domain/escalation';
import { openStatuses } from '../domain/lifecycle';
import { escalationFromRow } from './escalationRows';
import { involving } from './followers';
import { storedNumber } from './ids';
import { literals, visible } from './sight';
import type { Db, Engine, EscalationsTable } from './tables';
import { ftsAll, type SearchDb, searchable, type Term, tsAll } from './textSearch';

type Row = Selectable<EscalationsTable>;
/** A page: which escalations, in order. */
type PageQuery = RawBuilder<{ id: number | string }>;

export class EscalationFinder implements EscalationSearch {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
  ) {}

  async findEscalations(filter: FindFilter): Promise<Escalation[]> {
    const count = Math.min(mostFoundAtOnce, Math.floor(filter.count));
    const skip = Math.max(0, Math.floor(filter.skip));
    if (!(count > 0) || !Number.isSafeInteger(skip)) return [];
    const where = conditions(filter);
    if (!where) return [];
    const page = { count, skip };
    const words = termsOf(filter);
    if (words && words.length === 0) return [];
    const ids = words
      ? this.engine === 'postgres'
        ? postgresByWords(words, where, page)
        : sqliteByWords(words, where, page)
      : soonestDue(filter.personId, where, page);
    return this.rowsOf(ids);
  }

  /** The page's rows, in the page's order. */
  private async rowsOf(page: PageQuery): Promise<Escalation[]> {
    const ids = (await page.execute(this.db as SearchDb)).rows.map((row) => Number(row.id));
    if (ids.length === 0) return [];
    const { rows } = await sql<Row>`select e.* from escalations e where e.id in (${sql.join(ids)})`.execute(this.db);
    const byId = new Map(rows.map((row) => [Number(row.id), row]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [escalationFromRow(row)] : [];
    });
  }
}

/** Every part of the filter but the words, as one condition over `e`; undefined when nothing can match. */
function conditions(filter: FindFilter): RawBuilder<boolean> | undefined {
  const parts: RawBuilder<unknown>[] = [visible(filter.sight)];
  if (filter.id !== undefined) {
    const n = storedNumber(filter.id);
    if (n === undefined) return undefined;
    parts.push(sql`e.id = ${n}`);
  }
  if (filter.target) parts.push(sql`e.target = ${filter.target}`);
  if (filter.status) parts.push(sql`e.status = ${filter.status}`);
  if (filter.open) parts.push(sql`e.status in (${literals(openStatuses)})`);
  if (filter.severity) parts.push(sql`e.severity = ${filter.severity}`);
  const customer = filter.customer?.trim();
  if (customer) parts.push(namesCustomer(customer));
  return sql<boolean>`${sql.join(parts, sql` and `)}`;
}

/** Above every character: what starts with a text sorts between it and it followed by this. */
const lastCharacter = String.fromCodePoint(0x10ffff);

/**
 * A customer named in the brief whose name begins with `customer`, in any case: a range of the index
 * of names, lowered by the engine's lower() as the index lowered them.
 */
function namesCustomer(customer: string): RawBuilder<unknown> {
  return sql`e.id in (select c.escalation_id from escalation_customers c
    where c.name >= lower(${customer}) and c.name < lower(${customer}) || ${lastCharacter})`;
}

/** The words and errors to find, as terms; undefined when the search has no words. */
function termsOf(filter: FindFilter): Term[] | undefined {
  const words = filter.words;
  if (!words) return undefined;
  return searchable([
    ...words.errors.map((text) => ({ text, error: true })),
    ...words.words.map((text) => ({ text, error: false, partial: text === words.partial })),
  ]);
}

/** Soonest due first, then newest (closed ones are never due): the order of the sla_check_at index. */
const dueOrder = sql`order by e.sla_check_at, e.id desc`;

/**
 * Without words: the person's own open ones first, then the rest, each soonest due. Two parts, each
 * read in the index's order and cut at the page's end, rather than one order over every row.
 */
function soonestDue(personId: string | undefined, where: RawBuilder<boolean>, page: Page): PageQuery {
  if (!personId) {
    return sql`select e.id from escalations e where ${where} ${dueOrder} limit ${page.count} offset ${page.skip}`;
  }
  // Never unknown (a missing owner compares as null): each escalation is in exactly one part.
  const theirsOpen = sql`coalesce(e.status in (${literals(openStatuses)}) and ${involving(personId)}, false)`;
  const upTo = page.skip + page.count;
  return sql`
    select id from (
      select * from (select 0 as part, e.sla_check_at, e.id from escalations e
        where ${where} and ${theirsOpen} ${dueOrder} limit ${upTo}) theirs
      union all
      select * from (select 1 as part, e.sla_check_at, e.id from escalations e
        where ${where} and not (${theirsOpen}) ${dueOrder} limit ${upTo}) others
    ) page order by part, sla_check_at, id desc limit ${page.count} offset ${page.skip}`;
}

interface Page {
  count: number;
  skip: number;
}

/** SQLite: FTS5 over every escalation, bm25 as the migration configured it (lower is better). */
function sqliteByWords(terms: Term[], where: RawBuilder<boolean>, page: Page): PageQuery {
  return sql`
    select s.rowid as id from escalation_search s join escalations e on e.id = s.rowid
    where escalation_search match ${ftsAll(terms)} and ${where}
    order by s.rank, s.rowid desc limit ${page.count} offset ${page.skip}`;
}

/** PostgreSQL: the tsvector side table and its GIN index, ranked by ts_rank (higher is better). */
function postgresByWords(terms: Term[], where: RawBuilder<boolean>, page: Page): PageQuery {
  return sql`
    select s.escalation_id as id
    from (select ${tsAll(terms)} as q) lookup, escalation_search s join escalations e on e.id = s.escalation_id
    where s.document @@ lookup.q and ${where}
    order by ts_rank(s.document, lookup.q, 1) desc, s.escalation_id desc limit ${page.count} offset ${page.skip}`;
}
