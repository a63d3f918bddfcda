// The board's queries: its queue and its charts, computed by the database on both engines (the
// same SQL but for how each writes a week, a span of minutes and a time), so they stay quick at
// 100,000 escalations. Who may see what is the EscalationFilter's `hidden` part, as in lists.
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { BoardCharts, BoardFilter, BoardQueue } from '../app/ports';
import { escalationId, timelineKinds } from '../domain/escalation';
import { closedStatuses } from '../domain/lifecycle';
import { acknowledgingKinds } from '../domain/sla';
import type { Severity, Target } from '../domain/vocabulary';
import type { Engine } from './migrations';
import type { EscalationDeskTables, EscalationsTable } from './tables';

type Db = Kysely<EscalationDeskTables>;

const list = (items: readonly string[]) => sql.join(items.map((item) => sql.lit(item)));

/** Only what the viewer may see: `e` is the escalations table's alias. */
function visible(hidden: BoardFilter['hidden']): RawBuilder<unknown> {
  if (!hidden || hidden.targets.length === 0) return sql`1 = 1`;
  const viewer = hidden.unlessInvolving;
  return viewer
    ? sql`(e.target not in (${list(hidden.targets)}) or e.requester_id = ${viewer} or e.owner_id = ${viewer})`
    : sql`e.target not in (${list(hidden.targets)})`;
}

function conditions(filter: BoardFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [visible(filter.hidden)];
  parts.push(filter.status ? sql`e.status = ${filter.status}` : sql`e.status not in (${list(closedStatuses)})`);
  if (filter.target) parts.push(sql`e.target = ${filter.target}`);
  if (filter.severity) parts.push(sql`e.severity = ${filter.severity}`);
  if (filter.ownerId === null) parts.push(sql`e.owner_id is null`);
  else if (filter.ownerId) parts.push(sql`e.owner_id = ${filter.ownerId}`);
  // Not yet looked at by the SLA watcher: within its SLA.
  if (filter.sla) parts.push(sql`coalesce(e.sla_status, 'within') = ${filter.sla}`);
  if (filter.text) parts.push(sql`lower(e.summary) like ${`%${escapeLike(filter.text.toLowerCase())}%`} escape '\\'`);
  return sql.join(parts, sql` and `);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function boardQueue<T>(
  db: Db,
  filter: BoardFilter,
  limit: number,
  fromRow: (row: Selectable<EscalationsTable>) => T,
): Promise<Omit<BoardQueue, 'items'> & { items: T[] }> {
  const where = conditions(filter);
  const [page, byTier, bySla, bySeverity] = await Promise.all([
    sql<Selectable<EscalationsTable>>`
      select e.* from escalations e where ${where} order by e.sla_check_at, e.id limit ${limit}`.execute(db),
    sql<{ key: string; count: number | string }>`
      select e.target as key, count(*) as count from escalations e where ${where} group by e.target`.execute(db),
    sql<{ key: string; count: number | string }>`
      select coalesce(e.sla_status, 'within') as key, count(*) as count from escalations e where ${where}
      group by coalesce(e.sla_status, 'within')`.execute(db),
    sql<{ key: string; count: number | string }>`
      select e.severity as key, count(*) as count from escalations e where ${where} group by e.severity`.execute(db),
  ]);
  const counts = (rows: { key: string; count: number | string }[]) =>
    Object.fromEntries(rows.map((row) => [row.key, Number(row.count)]));
  return {
    items: page.rows.map(fromRow),
    total: byTier.rows.reduce((sum, row) => sum + Number(row.count), 0),
    byTier: counts(byTier.rows) as BoardQueue['byTier'],
    bySla: counts(bySla.rows) as BoardQueue['bySla'],
    bySeverity: counts(bySeverity.rows) as BoardQueue['bySeverity'],
  };
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

export async function boardCharts(
  db: Db,
  engine: Engine,
  filter: Pick<BoardFilter, 'target' | 'hidden'>,
  since: string,
  now: Date,
): Promise<BoardCharts> {
  const ago = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  const { week, minutes } = dialect(engine);
  const seen = visible(filter.hidden);
  const tier = filter.target ? sql`e.target = ${filter.target}` : sql`1 = 1`;
  const open = sql`e.status not in (${list(closedStatuses)})`;
  const firstAt = (kinds: readonly string[]) => sql`(
    select min(t.at) from timeline_entries t where t.escalation_id = e.id and t.kind in (${list(kinds)}))`;

  const [openBy, times, breaches, ages, patterns] = await Promise.all([
    sql<{ target: string; severity: string; count: number | string }>`
      select e.target, e.severity, count(*) as count from escalations e
      where ${open} and ${seen} and ${tier} group by e.target, e.severity`.execute(db),
    sql<{
      target: string;
      week: string;
      count: number | string;
      ack_median: number | null;
      ack_p90: number | null;
      resolve_median: number | null;
      resolve_p90: number | null;
    }>`
      with spans as (
        select e.target, ${week(sql`e.created_at`)} as week,
          ${minutes(firstAt(acknowledgingKinds), sql`e.created_at`)} as ack,
          ${minutes(firstAt([timelineKinds.resolved]), sql`e.created_at`)} as resolve
        from escalations e where e.created_at >= ${since} and ${seen} and ${tier}
      ),
      ranked as (
        select target, week, ack, resolve,
          count(*) over (partition by target, week) as total,
          count(ack) over (partition by target, week) as acks,
          count(resolve) over (partition by target, week) as resolves,
          row_number() over (partition by target, week order by case when ack is null then 1 else 0 end, ack) as ack_rank,
          row_number() over (partition by target, week order by case when resolve is null then 1 else 0 end, resolve) as resolve_rank
        from spans
      )
      select target, week, max(total) as count,
        min(case when ack is not null and ack_rank * 2 >= acks then ack end) as ack_median,
        min(case when ack is not null and ack_rank * 10 >= acks * 9 then ack end) as ack_p90,
        min(case when resolve is not null and resolve_rank * 2 >= resolves then resolve end) as resolve_median,
        min(case when resolve is not null and resolve_rank * 10 >= resolves * 9 then resolve end) as resolve_p90
      from ranked group by target, week order by week, target`.execute(db),
    sql<{ week: string; count: number | string }>`
      select ${week(sql`e.created_at`)} as week, count(*) as count from escalations e
      where e.sla_status = 'breached' and e.created_at >= ${since} and ${seen} and ${tier}
      group by ${week(sql`e.created_at`)} order by week`.execute(db),
    sql<{ bucket: string; count: number | string }>`
      select case
          when e.created_at >= ${ago(1)} then 'under a day'
          when e.created_at >= ${ago(3)} then '1 to 3 days'
          when e.created_at >= ${ago(7)} then '3 to 7 days'
          else 'over a week' end as bucket,
        count(*) as count
      from escalations e where ${open} and ${seen} and ${tier} group by 1`.execute(db),
    sql<{ id: number | string; summary: string; linked: number | string }>`
      select e.id, e.summary, count(*) as linked from escalation_links l
      join escalations e on e.id = l.escalation_id
      where ${open} and ${seen} and ${tier}
      group by e.id, e.summary order by linked desc, e.id desc limit 5`.execute(db),
  ]);
  const minutesOf = (value: number | string | null) => (value === null ? null : Math.round(Number(value)));
  return {
    openByTierAndSeverity: openBy.rows.map((row) => ({
      target: row.target as Target,
      severity: row.severity as Severity,
      count: Number(row.count),
    })),
    timeToAct: times.rows.map((row) => ({
      target: row.target as Target,
      week: row.week,
      count: Number(row.count),
      acknowledgeMedian: minutesOf(row.ack_median),
      acknowledgeP90: minutesOf(row.ack_p90),
      resolveMedian: minutesOf(row.resolve_median),
      resolveP90: minutesOf(row.resolve_p90),
    })),
    breachesPerWeek: breaches.rows.map((row) => ({ week: row.week, count: Number(row.count) })),
    ageOfOpen: ages.rows.map((row) => ({ bucket: row.bucket, count: Number(row.count) })),
    patterns: patterns.rows.map((row) => ({
      id: escalationId(Number(row.id)),
      summary: row.summary,
      linked: Number(row.linked),
    })),
  };
}
