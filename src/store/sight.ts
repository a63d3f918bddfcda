// Who may see what, as SQL: the `hidden` part of a list's or the board's filter, which
// app/access.ts listFilterFor derives from the access policy (domain/access.ts). Lists and
// the board's queue and charts all read escalations through this one condition.
import { type RawBuilder, sql } from 'kysely';
import type { EscalationFilter } from '../app/ports';

/** Values known to the code (tiers, statuses) as SQL literals, one list. */
export const literals = (items: readonly string[]) => sql.join(items.map((item) => sql.lit(item)));

/** Only what the viewer may see: `e` is the escalations table's alias. */
export function visible(hidden: EscalationFilter['hidden']): RawBuilder<boolean> {
  if (!hidden || hidden.targets.length === 0) return sql<boolean>`1 = 1`;
  const viewer = hidden.unlessInvolving;
  return viewer
    ? sql<boolean>`(e.target not in (${literals(hidden.targets)}) or e.requester_id = ${viewer} or e.owner_id = ${viewer})`
    : sql<boolean>`e.target not in (${literals(hidden.targets)})`;
}
