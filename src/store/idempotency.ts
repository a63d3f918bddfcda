// Retries made harmless. A request key (an Idempotency-Key over HTTP, a form Teams submits
// again) makes one escalation; an action key (a card click Teams delivers again) makes one
// change. Both are unique columns, so two replicas racing with one key still store one row.
import type { Selectable } from 'kysely';
import type { IdempotencyStore, NewEscalation } from '../app/ports';
import type { Escalation, TimelineEntry } from '../domain/escalation';
import { entryFromRow, escalationFromRow } from './escalationRows';
import type { Db, EscalationsTable } from './tables';

/** What createEscalation answers. */
export interface Creation {
  escalation: Escalation;
  created: boolean;
  /** The key was used for another request. */
  conflict?: boolean;
}

interface KeyedEscalation {
  row: Selectable<EscalationsTable>;
  escalation: Escalation;
}

/**
 * The answer a request key already gave, if it still stands; a key used before
 * `requestKeyUsableAfter` has served its time and is freed for this request.
 */
export async function earlierRequest(db: Db, input: NewEscalation): Promise<Creation | undefined> {
  // A retried delivery usually arrives after the first one finished: answer it without
  // trying an insert (on PostgreSQL a failed insert still spends an id).
  const earlier = await byRequestKey(db, input.requestKey);
  if (!earlier) return undefined;
  if (input.requestKeyUsableAfter && earlier.row.created_at < input.requestKeyUsableAfter) {
    await db
      .updateTable('escalations')
      .set({ request_key: null })
      .where('id', '=', earlier.row.id)
      .where('request_key', '=', input.requestKey ?? '')
      .execute();
    return undefined;
  }
  return sameRequest(earlier, input);
}

/** After an insert failed: the same key delivered twice at once, and the other insert won the unique request_key. */
export async function requestThatWon(db: Db, input: NewEscalation): Promise<Creation | undefined> {
  const winner = await byRequestKey(db, input.requestKey);
  return winner && sameRequest(winner, input);
}

async function byRequestKey(db: Db, requestKey: string | undefined): Promise<KeyedEscalation | undefined> {
  if (requestKey === undefined) return undefined;
  const row = await db.selectFrom('escalations').selectAll().where('request_key', '=', requestKey).executeTakeFirst();
  return row && { row, escalation: escalationFromRow(row) };
}

/** The escalation a request key already made: the same request again, or another one (a conflict). */
function sameRequest(earlier: KeyedEscalation, input: NewEscalation): Creation {
  const conflict = input.requestHash !== undefined && earlier.row.request_hash !== input.requestHash;
  return { escalation: earlier.escalation, created: false, ...(conflict ? { conflict: true } : {}) };
}

function entryByActionKey(db: Db, actionKey: string) {
  return db.selectFrom('timeline_entries').selectAll().where('action_key', '=', actionKey).executeTakeFirst();
}

/** True when a save carrying this action key (if any) is already stored. */
export async function actionApplied(db: Db, actionKey: string | undefined): Promise<boolean> {
  return actionKey !== undefined && (await entryByActionKey(db, actionKey)) !== undefined;
}

export class Idempotency implements IdempotencyStore {
  constructor(private readonly db: Db) {}

  async appliedAction(actionKey: string): Promise<TimelineEntry | undefined> {
    const row = await entryByActionKey(this.db, actionKey);
    return row && entryFromRow(row);
  }
}
