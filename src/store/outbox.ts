// The delivery outbox: card posts, updates, replies and emails wait here, written in the same
// transaction as the change that calls for them, until a worker (any replica) claims and sends
// them. How a delivery is stored as a row, and read back, is outboxRows.ts.
import { type Selectable, sql, type Updateable } from 'kysely';
import { copyKeyOf } from '../app/deliveries';
import type {
  BindingReference,
  Delivery,
  DeliveryRecord,
  DeliveryState,
  OutboxStore,
  QueuedDelivery,
} from '../app/ports';
import { escalationId } from '../domain/escalation';
import { immediateTargets } from '../domain/tiers';
import type { Target } from '../domain/vocabulary';
import { runCompiledOnce } from './compiledOnce';
import { storedNumber, storedNumberOf } from './ids';
import {
  claimable,
  deliveryFromRow,
  deliveryKinds,
  enqueue,
  notHeldByAnother,
  pendingKeyOfRow,
  recordFromRow,
  stillClaimedBy,
} from './outboxRows';
import { literals } from './sight';
import type { Db, Engine, OutboxTable } from './tables';

/** 0 for a post to a tier that goes out at once (domain/tiers.ts immediateTargets), else 1. */
const immediatePostsFirst = sql<number>`case when outbox.kind = 'post' and coalesce(outbox.target, (select e.target from escalations e where e.id = outbox.escalation_id)) in (${literals(immediateTargets)}) then 0 else 1 end`;

/** The PostgreSQL advisory lock that makes claims one at a time across replicas (any fixed number). */
const claimLock = 7_243_001;

export class Outbox implements OutboxStore {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
  ) {}

  async enqueueDeliveries(deliveries: Delivery[], at: string): Promise<void> {
    for (const delivery of deliveries)
      if (delivery.escalationId) storedNumberOf(delivery.escalationId, 'enqueueDeliveries');
    await enqueue(this.db, deliveries, at);
  }

  async claimDeliveries(workerId: string, now: string, leaseUntil: string, limit: number): Promise<QueuedDelivery[]> {
    // One claim at a time across replicas, so a claim sees every conversation another worker
    // holds: two workers never send to one conversation at once, and its cards go out in order.
    // SQLite writes one statement at a time (the update checks again); PostgreSQL takes a lock.
    if (this.engine === 'sqlite') return claim(this.db, workerId, now, leaseUntil, limit);
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${claimLock})`.execute(trx);
      return claim(trx, workerId, now, leaseUntil, limit);
    });
  }

  async completeDelivery(id: number, at: string, workerId?: string): Promise<boolean> {
    const result = await this.db
      .updateTable('outbox')
      .set({ delivered_at: at, claimed_until: null, pending_key: null })
      .where('id', '=', id)
      .where((eb) => stillClaimedBy(eb, workerId))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async retryDelivery(id: number, nextAttemptAt: string, error: string, workerId?: string): Promise<boolean> {
    const row = await this.failedAttempt(id, error, workerId, { next_attempt_at: nextAttemptAt, claimed_by: null })
      .where('failed_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (row) await this.standForCopyAgain(row);
    return row !== undefined;
  }

  async failDelivery(id: number, at: string, error: string, workerId?: string): Promise<boolean> {
    const result = await this.failedAttempt(id, error, workerId, {
      failed_at: at,
      pending_key: null,
    }).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** A send that failed, counted on a row not yet sent (and still the worker's), with what it changes. */
  private failedAttempt(id: number, error: string, workerId: string | undefined, changes: Updateable<OutboxTable>) {
    return this.db
      .updateTable('outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), claimed_until: null, last_error: error, ...changes }))
      .where('id', '=', id)
      .where('delivered_at', 'is', null)
      .where((eb) => stillClaimedBy(eb, workerId));
  }

  async releaseDeliveries(ids: number[], nextAttemptAt?: string, workerId?: string): Promise<void> {
    if (ids.length === 0) return;
    const rows = await this.db
      .updateTable('outbox')
      .set({
        claimed_by: null,
        claimed_until: null,
        ...(nextAttemptAt !== undefined && { next_attempt_at: nextAttemptAt }),
      })
      .where('id', 'in', ids)
      .where('delivered_at', 'is', null)
      .where('failed_at', 'is', null)
      .where((eb) => stillClaimedBy(eb, workerId))
      .returningAll()
      .execute();
    for (const row of rows) await this.standForCopyAgain(row);
  }

  async databaseNow(): Promise<Date> {
    const query =
      this.engine === 'postgres'
        ? sql<{
            now: string;
          }>`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as now`
        : sql<{ now: string }>`select strftime('%Y-%m-%dT%H:%M:%fZ', 'now') as now`;
    const { rows } = await query.execute(this.db);
    return new Date(rows[0]?.now ?? Date.now());
  }

  async pendingDeliveries(): Promise<number> {
    const { count } = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('delivered_at', 'is', null)
      .where('failed_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  async oldestPendingDelivery(): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('created_at').as('oldest'))
      .where('delivered_at', 'is', null)
      .where('failed_at', 'is', null)
      .executeTakeFirst();
    return row?.oldest ?? undefined;
  }

  async failedDeliveries(): Promise<number> {
    const { count } = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('failed_at', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  async deliveries(filter: { escalationId?: string; state?: DeliveryState } = {}): Promise<DeliveryRecord[]> {
    let query = this.db.selectFrom('outbox').selectAll();
    if (filter.escalationId !== undefined) {
      const n = storedNumber(filter.escalationId);
      if (n === undefined) return [];
      query = query.where('escalation_id', '=', n);
    }
    if (filter.state === 'pending') query = query.where('delivered_at', 'is', null).where('failed_at', 'is', null);
    if (filter.state === 'delivered') query = query.where('delivered_at', 'is not', null);
    if (filter.state === 'failed') query = query.where('failed_at', 'is not', null);
    const rows = await query.where('kind', 'in', deliveryKinds).orderBy('id').execute();
    return rows.map(recordFromRow);
  }

  /**
   * A post or update given back unsent (to retry later) stands for its copy again, so the
   * changes made meanwhile coalesce into it. If a newer row already stands for the copy, both
   * stay: each renders the escalation as it is when sent, so the extra one only repeats it.
   */
  private async standForCopyAgain(row: Selectable<OutboxTable>): Promise<void> {
    const key = pendingKeyOfRow(row);
    if (key === null) return;
    try {
      await this.db
        .updateTable('outbox')
        .set({ pending_key: key })
        .where('id', '=', row.id)
        .where('claimed_until', 'is', null)
        .where('delivered_at', 'is', null)
        .where('failed_at', 'is', null)
        .where((eb) =>
          eb.not(
            eb.exists(eb.selectFrom('outbox as waiting').select('waiting.id').where('waiting.pending_key', '=', key)),
          ),
        )
        .execute();
    } catch {
      // A row queued for the copy at this very moment took the key: it carries the change.
    }
  }
}

/** Claims up to `limit` due deliveries for `workerId` (OutboxStore.claimDeliveries), one claim at a time. */
async function claim(db: Db, workerId: string, now: string, leaseUntil: string, limit: number) {
  const candidates = await db
    .selectFrom('outbox')
    .select('id')
    .where((eb) => claimable(eb, now))
    .where((eb) => notHeldByAnother(eb, workerId, now))
    // Posts of the tiers that go out at once (Security) before anything else, then oldest first.
    .orderBy(immediatePostsFirst)
    .orderBy('id')
    .limit(limit)
    .execute();
  if (candidates.length === 0) return [];
  const rows = await db
    .updateTable('outbox')
    // Claimed, it no longer stands for its copy: a change from now on queues a new row.
    .set({ claimed_by: workerId, claimed_until: leaseUntil, pending_key: null })
    .where(
      'id',
      'in',
      candidates.map((c) => c.id),
    )
    .where((eb) => claimable(eb, now))
    .where((eb) => notHeldByAnother(eb, workerId, now))
    .returningAll()
    .execute();
  const claimed = rows.sort((a, b) => Number(a.id) - Number(b.id)).map(deliveryFromRow);
  return withPostTiers(db, claimed);
}

/** Each claimed post with the tier whose channel it goes to, and that channel as bound now. */
async function withPostTiers(db: Db, claimed: QueuedDelivery[]): Promise<QueuedDelivery[]> {
  const posts = claimed.filter((d) => d.kind === 'post');
  if (posts.length === 0) return claimed;
  const own = posts.filter((d) => !d.target);
  const rows =
    own.length === 0
      ? []
      : await db
          .selectFrom('escalations')
          .select(['id', 'target'])
          .where(
            'id',
            'in',
            own.map((d) => storedNumberOf(d.escalationId, 'claim')),
          )
          .execute();
  const tierOf = new Map(rows.map((row) => [escalationId(Number(row.id)), row.target as Target]));
  const tiered = claimed.map((d) => (d.kind === 'post' ? { ...d, tier: d.target ?? tierOf.get(d.escalationId) } : d));
  const bindings = await db.selectFrom('channel_bindings').select(['target', 'conversation_reference']).execute();
  const channelOf = new Map(
    bindings.map((row) => [row.target, (JSON.parse(row.conversation_reference) as BindingReference).conversation.id]),
  );
  return tiered.map((d) => {
    const channel = d.kind === 'post' && d.tier ? channelOf.get(d.tier) : undefined;
    return channel ? { ...d, channel } : d;
  });
}

/** The update waiting (unclaimed) for one copy of a card is done unsent: the copy was sent ahead of it. */
export async function settleWaitingFor(
  db: Db,
  copy: { conversationId: string; activityId: string },
  at: string,
): Promise<void> {
  await runCompiledOnce(db, 'settle what waited for a copy', [at, null, copyKeyOf(copy)], (v) =>
    db
      .updateTable('outbox')
      .set({ delivered_at: v(0), pending_key: v(1) })
      .where('pending_key', '=', v(2))
      .where('delivered_at', 'is', null)
      .where('failed_at', 'is', null),
  );
}
