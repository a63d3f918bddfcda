// The board's queries: its queue and its charts, computed by the database on both engines (the
// same SQL but for how each writes a week and a span of minutes), so they stay quick at 100,000
// escalations: open ones are found by the status index, the charts' window by created_at, and
// each answer takes one pass over the rows it counts. Who may see what is sight.ts's `visible`,
// as in lists.
import { type RawBuilder, type Selectable, sql } from 'kysely';
import type { BoardCharts, BoardFilter, BoardQueue } from '../app/ports';
import { escalationId, type Person, timelineKinds } from '../domain/escalation';
import { openStatuses } from '../domain/lifecycle';
import { acknowledgingKinds } from '../domain/sla';
import type { Severity, SlaStatus, Target } from '../domain/vocabulary';
import { involving } from './followers';
import { literals as list, visible } from './sight';
import type { Db, Engine, EscalationsTable } from './tables';

const openOnes = sql`e.status in (${list(openStatuses)})`;
/** Not yet looked at by the SLA watcher: within its SLA. */
const slaOf = sql`coalesce(e.sla_status, 'within')`;

function conditions(filter: BoardFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [visible(filter.sight)];
  parts.push(filter.status ? sql`e.status = ${filter.status}` : openOnes);
  if (filter.target) parts.push(sql`e.target = ${filter.target}`);
  if (filter.severity) parts.push(sql`e.severity = ${filter.severity}`);
  if (filter.ownerId === null) parts.push(sql`e.owner_id is null`);
  else if (filter.ownerId) parts.push(sql`e.owner_id = ${filter.ownerId}`);
  if (filter.involving !== undefined) parts.push(involving(filter.involving));
  if (filter.sla) parts.push(sql`${slaOf} = ${filter.sla}`);
  if (filter.text) parts.push(sql`lower(e.summary) like ${`%${escapeLike(filter.text.toLowerCase())}%`} escape '\\'`);
  return sql.join(parts, sql` and `);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const count = (value: number | string) => Number(value);

/** Adds `n` to `totals[key]`. */
function add<K extends string>(totals: Partial<Record<K, number>>, key: K, n: number): void {
  totals[key] = (totals[key] ?? 0) + n;
}

export async function boardQueue<T>(
  db: Db,
  filter: BoardFilter,
  limit: number,
  fromRow: (row: Selectable<EscalationsTable>) => T,
): Promise<Omit<BoardQueue, 'items'> & { items: T[] }> {
  const where = conditions(filter);
  const [page, groups] = await Promise.all([
    // The page's ids first (from the index), then only their rows: never 20,000 briefs sorted.
    sql<Selectable<EscalationsTable>>`
      select e.* from escalations e where e.id in (
        select e.id from escalations e where ${where} order by e.sla_check_at, e.id limit ${limit})
      order by e.sla_check_at, e.id`.execute(db),
    // Every count in one pass: at most 5 tiers x 3 SLA states x 3 severities rows.
    sql<{ target: Target; sla: SlaStatus; severity: Severity; count: number | string }>`
      select e.target, ${slaOf} as sla, e.severity, count(*) as count from escalations e where ${where}
      group by e.target, ${slaOf}, e.severity`.execute(db),
  ]);
  const queue: Omit<BoardQueue, 'items'> = { total: 0, byTier: {}, bySla: {}, bySeverity: {} };
  for (const row of groups.rows) {
    const n = count(row.count);
    queue.total += n;
    add(queue.byTier, row.target, n);
    add(queue.bySla, row.sla, n);
    add(queue.bySeverity, row.severity, n);
  }
  return { ...queue, items: page.rows.map(fromRow) };
}

/** How each engine writes the Monday of a time's week, and the minutes between two times. */
function dialect(engine: Engine) {
  return engine === 'postgres'
    ? {
        week: (column: RawBuilder<unknown>) =>
          sql`to_char(date_trunc('week', (${column})::timestamptz at time zone 'UTC'), 'YYYY-MM-DD')`,
        minutes: (later: RawBuilder<unknown>, earlier: RawBuilder<unknown>) =>
          sql`extract(epoch from ((${later})::timestamptz - (${earlier})::timestamptz)) / 60.0`,
      }
    : {
        week: (column: RawBuilder<unknown>) => sql`date(${column}, '-6 days', 'weekday 1')`,
        minutes: (later: RawBuilder<unknown>, earlier: RawBuilder<unknown>) =>
          sql`(julianday(${later}) - julianday(${earlier})) * 1440.0`,
      };
}

/** Ages of open escalations, youngest first, as the chart shows them. */
const ageBuckets = ['under a day', '1 to 3 days', '3 to 7 days', 'over a week'] as const;

export async function boardCharts(
  db: Db,
  engine: Engine,
  filter: Pick<BoardFilter, 'target' | 'sight'>,
  since: string,
  now: Date,
): Promise<BoardCharts> {
  const seen = sql`${visible(filter.sight)} and ${filter.target ? sql`e.target = ${filter.target}` : sql`1 = 1`}`;
  const [open, weeks, patterns] = await Promise.all([
    openCharts(db, seen, now),
    weeksRaised(db, engine, seen, since),
    sql<{ id: number | string; summary: string; linked: number | string }>`
      select e.id, e.summary, count(*) as linked from escalation_links l
      join escalations e on e.id = l.escalation_id
      where ${openOnes} and ${seen}
      group by e.id, e.summary order by linked desc, e.id desc limit 5`.execute(db),
  ]);
  return {
    openByTierAndSeverity: open.openByTierAndSeverity,
    timeToAct: weeks.timeToAct,
    breachesPerWeek: weeks.breachesPerWeek,
    ageOfOpen: open.ageOfOpen,
    patterns: patterns.rows.map((row) => ({
      id: escalationId(Number(row.id)),
      summary: row.summary,
      linked: count(row.linked),
    })),
  };
}

/** Open ones by tier and severity, and by age, counted in one pass. */
async function openCharts(
  db: Db,
  seen: RawBuilder<unknown>,
  now: Date,
): Promise<Pick<BoardCharts, 'openByTierAndSeverity' | 'ageOfOpen'>> {
  const ago = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  const { rows } = await sql<{ target: Target; severity: Severity; age: number | string; count: number | string }>`
    select e.target, e.severity,
      case when e.created_at >= ${ago(1)} then 0 when e.created_at >= ${ago(3)} then 1
        when e.created_at >= ${ago(7)} then 2 else 3 end as age,
      count(*) as count
    from escalations e where ${openOnes} and ${seen} group by e.target, e.severity, 3`.execute(db);
  const openByTierAndSeverity = new Map<string, BoardCharts['openByTierAndSeverity'][number]>();
  const ages = new Map<number, number>();
  for (const row of rows) {
    const key = `${row.target} ${row.severity}`;
    const entry = openByTierAndSeverity.get(key) ?? { target: row.target, severity: row.severity, count: 0 };
    entry.count += count(row.count);
    openByTierAndSeverity.set(key, entry);
    ages.set(count(row.age), (ages.get(count(row.age)) ?? 0) + count(row.count));
  }
  return {
    openByTierAndSeverity: [...openByTierAndSeverity.values()],
    ageOfOpen: ageBuckets.flatMap((bucket, n) => (ages.has(n) ? [{ bucket, count: ages.get(n) ?? 0 }] : [])),
  };
}

/**
 * Raised in the window, per tier and week: how many, breached, and the median and 90th
 * percentile of the minutes to the first acknowledgement and to resolution (the value at
 * rank ceil(n/2) and ceil(9n/10) of those that have one).
 */
async function weeksRaised(
  db: Db,
  engine: Engine,
  seen: RawBuilder<unknown>,
  since: string,
): Promise<Pick<BoardCharts, 'timeToAct' | 'breachesPerWeek'>> {
  const { week, minutes } = dialect(engine);
  const { rows } = await sql<{
    target: Target;
    week: string;
    count: number | string;
    breached: number | string;
    ack_median: number | null;
    ack_p90: number | null;
    resolve_median: number | null;
    resolve_p90: number | null;
  }>`
    with firsts as materialized (
      select e.target, e.created_at, e.sla_status,
        (select min(t.at) from timeline_entries t
          where t.escalation_id = e.id and t.kind in (${list(acknowledgingKinds)})) as ack_at,
        (select min(t.at) from timeline_entries t
          where t.escalation_id = e.id and t.kind = ${timelineKinds.resolved}) as resolved_at
      from escalations e where e.created_at >= ${since} and ${seen}
    ),
    spans as (
      select target, ${week(sql`created_at`)} as week, sla_status,
        ${minutes(sql`ack_at`, sql`created_at`)} as ack,
        ${minutes(sql`resolved_at`, sql`created_at`)} as resolve
      from firsts
    ),
    ranked as (
      select target, week, sla_status, ack, resolve,
        count(ack) over (partition by target, week) as acks,
        count(resolve) over (partition by target, week) as resolves,
        row_number() over (partition by target, week order by case when ack is null then 1 else 0 end, ack) as ack_rank,
        row_number() over (partition by target, week order by case when resolve is null then 1 else 0 end, resolve) as resolve_rank
      from spans
    )
    select target, week, count(*) as count,
      sum(case when sla_status = 'breached' then 1 else 0 end) as breached,
      min(case when ack is not null and ack_rank * 2 >= acks then ack end) as ack_median,
      min(case when ack is not null and ack_rank * 10 >= acks * 9 then ack end) as ack_p90,
      min(case when resolve is not null and resolve_rank * 2 >= resolves then resolve end) as resolve_median,
      min(case when resolve is not null and resolve_rank * 10 >= resolves * 9 then resolve end) as resolve_p90
    from ranked group by target, week order by week, target`.execute(db);
  const breaches = new Map<string, number>();
  for (const row of rows) {
    if (count(row.breached) > 0) breaches.set(row.week, (breaches.get(row.week) ?? 0) + count(row.breached));
  }
  const minutesOf = (value: number | string | null) => (value === null ? null : Math.round(Number(value)));
  return {
    timeToAct: rows.map((row) => ({
      target: row.target,
      week: row.week,
      count: count(row.count),
      acknowledgeMedian: minutesOf(row.ack_median),
      acknowledgeP90: minutesOf(row.ack_p90),
      resolveMedian: minutesOf(row.resolve_median),
      resolveP90: minutesOf(row.resolve_p90),
    })),
    breachesPerWeek: [...breaches].map(([week, n]) => ({ week, count: n })),
  };
}

/** People who raised or own the latest escalations, once each: whom the local board offers to act as. */
export async function recentPeople(db: Db, limit: number): Promise<Person[]> {
  const rows = await db
    .selectFrom('escalations')
    .select(['requester', 'owner'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const people = new Map<string, Person>();
  for (const row of rows) {
    for (const json of [row.requester, row.owner]) {
      const person = json ? (JSON.parse(json) as Person) : undefined;
      if (person?.id && !people.has(person.id)) people.set(person.id, { id: person.id, name: person.name });
    }
  }
  return [...people.values()];
}
