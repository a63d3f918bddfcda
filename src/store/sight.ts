// Who may see what, as SQL: a viewer's sight (domain/access.ts sightOf, the one rule) compiled
// into the one condition that lists, the board's queue and charts, and look-alikes all read.
import { type RawBuilder, sql } from 'kysely';
import type { Sight } from '../domain/access';

/** Values known to the code (tiers, statuses) as SQL literals, one list. */
export const literals = (items: readonly string[]) => sql.join(items.map((item) => sql.lit(item)));

/** Only what the viewer may see: `e` is the escalations table's alias. No sight: everything. */
export function visible(sight: Sight | undefined): RawBuilder<boolean> {
  if (!sight || sight.hidden.length === 0) return sql<boolean>`1 = 1`;
  const viewer = sight.unlessInvolving;
  return viewer
    ? sql<boolean>`(e.target not in (${literals(sight.hidden)}) or e.requester_id = ${viewer} or e.owner_id = ${viewer})`
    : sql<boolean>`e.target not in (${literals(sight.hidden)})`;
}
