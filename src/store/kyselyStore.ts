// The one query code base behind the Store port: the same Kysely queries run on
// SQLite and PostgreSQL, so both engines keep the same promises.

import { type Kysely, type Selectable, sql } from 'kysely';
import type {
  BindingReference,
  BoardCharts,
  BoardFilter,
  BoardQueue,
  CardPlace,
  ChannelBinding,
  ChannelMove,
  ChannelPlace,
  Delivery,
  DeliveryRecord,
  DeliveryState,
  EscalationFilter,
  NewEscalation,
  PostedCard,
  QueuedDelivery,
  SaveResult,
  Store,
} from '../app/ports';
import type { Brief } from '../domain/brief';
import { type Escalation, escalationId, type Person, type TimelineEntry } from '../domain/escalation';
import { closedStatuses } from '../domain/lifecycle';
import { slaNever } from '../domain/sla';
import { immediateTargets } from '../domain/tiers';
import type { SlaStatus, Status, Target } from '../domain/vocabulary';
import { boardCharts, boardQueue } from './boardQueries';
import { storedNumber, storedNumberOf } from './ids';
import type { Engine } from './migrations';
import {
  claimable,
  deliveryFromRow,
  deliveryKinds,
  enqueue,
  enqueueChunk,
  notHeldByAnother,
  pendingKeyOfRow,
  recordFromRow,
  stillClaimedBy,
} from './outboxRows';
import { findSimilarEscalations } from './search';
import type { EscalationDeskTables, EscalationsTable, OutboxTable, StoredNumber, TimelineEntriesTable } from './tables';

type Db = Kysely<EscalationDeskTables>;

/** 0 for a post to a tier that goes out at once (triage's immediateTargets), else 1. */
const immediatePostsFirst = sql<number>`case when outbox.kind = 'post' and coalesce(outbox.target, (select e.target from escalations e where e.id = outbox.escalation_id)) in (${sql.join(immediateTargets.map((t) => sql.lit(t)))}) then 0 else 1 end`;

/** Each claimed post with the tier whose channel it goes to. */
async function withPostTiers(db: Db, claimed: QueuedDelivery[]): Promise<QueuedDelivery[]> {
  const own = claimed.filter((d) => d.kind === 'post' && !d.target);
  if (own.length === 0) {
    return claimed.map((d) => (d.kind === 'post' && d.target ? { ...d, tier: d.target } : d));
  }
  const rows = await db
    .selectFrom('escalations')
    .select(['id', 'target'])
    .where(
      'id',
      'in',
      own.map((d) => storedNumberOf(d.escalationId, 'claim')),
    )
    .execute();
  const tierOf = new Map(rows.map((row) => [escalationId(Number(row.id)), row.target as Target]));
  return claimed.map((d) => (d.kind === 'post' ? { ...d, tier: d.target ?? tierOf.get(d.escalationId) } : d));
}

/** The PostgreSQL advisory lock that makes claims one at a time across replicas (any fixed number). */
const claimLock = 7_243_001;

/** Escalations whose timelines are kept in memory: the ones being worked. */
const timelinesKept = 2000;

export class KyselyStore implements Store {
  /** Timelines read lately, by escalation number, most recently used last. */
  private readonly timelinesRead = new Map<number, TimelineEntry[]>();

  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
  ) {}

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  async createEscalation(
    input: NewEscalation,
  ): Promise<{ escalation: Escalation; created: boolean; conflict?: boolean }> {
    // A retried delivery usually arrives after the first one finished: answer it without
    // trying an insert (on PostgreSQL a failed insert still spends an id).
    const earlier = await this.byRequestKey(input.requestKey);
    if (earlier && input.requestKeyUsableAfter && earlier.row.created_at < input.requestKeyUsableAfter) {
      // Its key has served its time: free it for this request.
      await this.db
        .updateTable('escalations')
        .set({ request_key: null })
        .where('id', '=', earlier.row.id)
        .where('request_key', '=', input.requestKey ?? '')
        .execute();
    } else if (earlier) {
      return sameRequest(earlier, input);
    }

    const brief = stored(input.brief);
    const requester = stored(input.requester);
    try {
      const escalation = await this.db.transaction().execute(async (trx) => {
        const { id } = await trx
          .insertInto('escalations')
          .values({
            request_key: input.requestKey ?? null,
            request_hash: input.requestHash ?? null,
            status: 'new',
            ...filterColumns(brief),
            brief: JSON.stringify(brief),
            requester: JSON.stringify(requester),
            requester_id: requester.id ?? null,
            owner: null,
            owner_id: null,
            version: 1,
            created_at: input.at,
            updated_at: input.at,
            sla_check_at: input.at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('timeline_entries')
          .values({
            escalation_id: id,
            version: 1,
            at: input.at,
            actor: JSON.stringify(requester),
            kind: 'created',
            text: `Escalated by ${requester.name}`,
            status: 'new',
          })
          .execute();
        // Queued with the escalation, so a crash between saving and posting loses no post.
        const made = escalationId(Number(id));
        if (input.post) await enqueue(trx, [{ kind: 'post', escalationId: made }], input.at);
        if (input.email && input.email.length > 0) {
          await enqueue(
            trx,
            [
              {
                kind: 'email',
                escalationId: made,
                to: input.email,
                reason: 'escalated',
                key: `email:${made}:escalated`,
              },
            ],
            input.at,
          );
        }
        const created: Escalation = {
          id: escalationId(Number(id)),
          brief,
          status: 'new',
          requester,
          version: 1,
          createdAt: input.at,
          updatedAt: input.at,
        };
        return created;
      });
      return { escalation, created: true };
    } catch (error) {
      // The same key delivered twice at once: the other insert won the unique request_key.
      const winner = await this.byRequestKey(input.requestKey);
      if (winner) return sameRequest(winner, input);
      throw error;
    }
  }

  async getEscalation(id: string): Promise<Escalation | undefined> {
    const n = storedNumber(id);
    if (n === undefined) return undefined;
    const row = await this.db.selectFrom('escalations').selectAll().where('id', '=', n).executeTakeFirst();
    return row && escalationFromRow(row);
  }

  async listEscalations(filter: EscalationFilter = {}): Promise<Escalation[]> {
    let query = this.db.selectFrom('escalations').selectAll();
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.target) query = query.where('target', '=', filter.target);
    if (filter.severity) query = query.where('severity', '=', filter.severity);
    const person = filter.involving;
    if (person) query = query.where((eb) => eb.or([eb('requester_id', '=', person), eb('owner_id', '=', person)]));
    if (filter.open) query = query.where('status', 'not in', closedStatuses);
    const before = filter.before === undefined ? undefined : storedNumber(filter.before);
    if (filter.before !== undefined) query = query.where('id', '<', before ?? 0);
    const hidden = filter.hidden;
    if (hidden && hidden.targets.length > 0) {
      const viewer = hidden.unlessInvolving;
      query = query.where((eb) =>
        eb.or([
          eb('target', 'not in', hidden.targets),
          ...(viewer ? [eb('requester_id', '=', viewer), eb('owner_id', '=', viewer)] : []),
        ]),
      );
    }
    let ordered = query.orderBy('id', 'desc');
    if (filter.limit !== undefined) ordered = ordered.limit(filter.limit);
    const rows = await ordered.execute();
    return rows.map(escalationFromRow);
  }

  findSimilar(...[query, options]: Parameters<Store['findSimilar']>): ReturnType<Store['findSimilar']> {
    return findSimilarEscalations(this.db, query, options);
  }

  boardQueue(filter: BoardFilter, limit: number): Promise<BoardQueue> {
    return boardQueue(this.db, filter, limit, escalationFromRow);
  }

  boardCharts(filter: Pick<BoardFilter, 'target' | 'hidden'>, since: string, now: Date): Promise<BoardCharts> {
    return boardCharts(this.db, this.engine, filter, since, now);
  }

  async recentPeople(limit: number): Promise<Person[]> {
    const rows = await this.db
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

  async unpostedEscalations(target: Target): Promise<Escalation[]> {
    const rows = await this.db
      .selectFrom('escalations')
      .selectAll()
      .where('target', '=', target)
      .where('status', 'not in', closedStatuses)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('posted_cards')
              .select('posted_cards.escalation_id')
              .whereRef('posted_cards.escalation_id', '=', 'escalations.id')
              .where('posted_cards.place', '=', 'channel'),
          ),
        ),
      )
      .orderBy('id', 'asc')
      .execute();
    return rows.map(escalationFromRow);
  }

  async saveEscalation(
    next: Escalation,
    expectedVersion: number,
    entry: Omit<TimelineEntry, 'escalationId' | 'version'>,
    deliveries: Delivery[] = [],
  ): Promise<SaveResult> {
    if (next.version !== expectedVersion + 1) {
      throw new Error(
        `saveEscalation: ${next.id} version ${next.version} must be expectedVersion + 1 (${expectedVersion + 1})`,
      );
    }
    const n = storedNumber(next.id);
    if (n === undefined) throw new Error(`saveEscalation: "${next.id}" is not an escalation id like ESC-12`);

    for (const delivery of deliveries) storedNumberOf(delivery.escalationId, 'saveEscalation');

    const escalation = stored(next);
    const actionKey = entry.actionKey;
    const save = this.db.transaction().execute(async (trx) => {
      // A retried invoke of a click already applied changes nothing, whatever version it carries.
      if (actionKey !== undefined && (await entryByActionKey(trx, actionKey))) return false;
      // The version check is the lock: of two people acting on the same card, one wins,
      // the other is shown the escalation as it is now.
      const update = await trx
        .updateTable('escalations')
        .set({
          status: escalation.status,
          ...filterColumns(escalation.brief),
          brief: JSON.stringify(escalation.brief),
          owner: escalation.owner ? JSON.stringify(escalation.owner) : null,
          owner_id: escalation.owner?.id ?? null,
          version: escalation.version,
          updated_at: escalation.updatedAt,
          // A change may move a clock: the watcher looks again at once.
          sla_check_at: closedStatuses.includes(escalation.status) ? slaNever : entry.at,
        })
        .where('id', '=', n)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (update.numUpdatedRows === 0n) return false;
      await trx
        .insertInto('timeline_entries')
        .values({
          escalation_id: n,
          version: escalation.version,
          at: entry.at,
          actor: JSON.stringify(entry.actor),
          kind: entry.kind,
          text: entry.text,
          status: escalation.status,
          action_key: actionKey ?? null,
        })
        .execute();
      // Only a save that happened queues the card updates it calls for.
      await enqueue(trx, deliveries, entry.at);
      return true;
    });
    const saved = await save.catch(async (error: unknown) => {
      // The same click saved at once by two replicas: the other one's entry won the unique action key.
      if (actionKey !== undefined && (await this.appliedAction(actionKey))) return false;
      throw error;
    });
    return saved ? { saved: true, escalation } : { saved: false, current: await this.getEscalation(next.id) };
  }

  async timeline(id: string): Promise<TimelineEntry[]> {
    const n = storedNumber(id);
    if (n === undefined) return [];
    // A timeline only grows, one version at a time, each visible once its save committed:
    // read just the entries newer than those already read (also those other replicas wrote).
    const known = this.timelinesRead.get(n) ?? [];
    const rows = await this.db
      .selectFrom('timeline_entries')
      .selectAll()
      .where('escalation_id', '=', n)
      .where('version', '>', known.at(-1)?.version ?? 0)
      .orderBy('version')
      .orderBy('id')
      .execute();
    const entries = rows.length > 0 ? [...known, ...rows.map(entryFromRow)] : known;
    this.timelinesRead.delete(n);
    if (entries.length > 0) this.timelinesRead.set(n, entries);
    if (this.timelinesRead.size > timelinesKept)
      this.timelinesRead.delete(this.timelinesRead.keys().next().value as number);
    return [...entries];
  }

  async timelines(ids: string[]): Promise<Map<string, TimelineEntry[]>> {
    const numbers = ids.map(storedNumber).filter((n): n is number => n !== undefined);
    const byEscalation = new Map<string, TimelineEntry[]>(ids.map((id) => [id, []]));
    for (let start = 0; start < numbers.length; start += enqueueChunk) {
      const rows = await this.db
        .selectFrom('timeline_entries')
        .selectAll()
        .where('escalation_id', 'in', numbers.slice(start, start + enqueueChunk))
        .orderBy('escalation_id')
        .orderBy('version')
        .orderBy('id')
        .execute();
      for (const row of rows) {
        const entry = entryFromRow(row);
        byEscalation.get(entry.escalationId)?.push(entry);
      }
    }
    return byEscalation;
  }

  async dueForSlaCheck(now: string, limit: number): Promise<Escalation[]> {
    const rows = await this.db
      .selectFrom('escalations')
      .selectAll()
      .where('sla_check_at', '<=', now)
      .where('status', 'not in', closedStatuses)
      .orderBy('sla_check_at')
      .limit(limit)
      .execute();
    return rows.map(escalationFromRow);
  }

  async recordSla(records: { escalationId: string; status: SlaStatus; nextCheckAt: string }[]): Promise<Set<string>> {
    const changed = new Set<string>();
    if (records.length === 0) return changed;
    await this.db.transaction().execute(async (trx) => {
      for (let start = 0; start < records.length; start += enqueueChunk) {
        // Two statements a chunk on both engines: WITH v AS (VALUES ...) UPDATE ... FROM v (SQLite 3.33+).
        const values = sql.join(
          records
            .slice(start, start + enqueueChunk)
            .map((r) => sql`(${storedNumberOf(r.escalationId, 'recordSla')}, ${r.status}, ${r.nextCheckAt})`),
        );
        // Never looked at is "within" (as the board reads it): becoming "within" redraws no card.
        await sql`
          with v(id, status, next_check_at) as (values ${values})
          update escalations set sla_status = v.status
          from v
          where escalations.id = cast(v.id as bigint) and escalations.sla_status is null and v.status = 'within'`.execute(
          trx,
        );
        const statusChanged = await sql<{ id: StoredNumber }>`
          with v(id, status, next_check_at) as (values ${values})
          update escalations set sla_status = v.status
          from v
          where escalations.id = cast(v.id as bigint)
            and (escalations.sla_status is null or escalations.sla_status <> v.status)
          returning escalations.id`.execute(trx);
        for (const row of statusChanged.rows) changed.add(escalationId(Number(row.id)));
        await sql`
          with v(id, status, next_check_at) as (values ${values})
          update escalations set sla_check_at = v.next_check_at
          from v
          where escalations.id = cast(v.id as bigint)`.execute(trx);
      }
    });
    return changed;
  }

  async linkEscalations(a: string, b: string, at: string): Promise<void> {
    const [x, y] = [storedNumberOf(a, 'linkEscalations'), storedNumberOf(b, 'linkEscalations')];
    await this.db
      .insertInto('escalation_links')
      .values([
        { escalation_id: x, linked_id: y, linked_at: at },
        { escalation_id: y, linked_id: x, linked_at: at },
      ])
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }

  async linkedGroup(id: string): Promise<string[]> {
    const start = storedNumber(id);
    if (start === undefined) return [];
    // Groups are a handful of escalations: walk the links a step at a time.
    const seen = new Set<number>([start]);
    let frontier = [start];
    while (frontier.length > 0) {
      const rows = await this.db
        .selectFrom('escalation_links')
        .select('linked_id')
        .where('escalation_id', 'in', frontier)
        .execute();
      frontier = rows.map((r) => Number(r.linked_id)).filter((n) => !seen.has(n));
      for (const n of frontier) seen.add(n);
    }
    return [...seen].sort((p, q) => p - q).map(escalationId);
  }

  async appliedAction(actionKey: string): Promise<TimelineEntry | undefined> {
    const row = await entryByActionKey(this.db, actionKey);
    return row && entryFromRow(row);
  }

  async bindChannel(binding: ChannelBinding, move?: ChannelMove): Promise<void> {
    const values = {
      conversation_reference: JSON.stringify(binding.conversationReference),
      bound_by: JSON.stringify(binding.boundBy),
      bound_at: binding.boundAt,
    };
    await this.db.transaction().execute(async (trx) => {
      // One channel per tier: binding another channel moves the tier there.
      await trx
        .insertInto('channel_bindings')
        .values({ target: binding.target, ...values })
        .onConflict((conflict) => conflict.column('target').doUpdateSet(values))
        .execute();
      if (move) await trx.insertInto('channel_moves').values(moveRow(move)).execute();
    });
  }

  async channelFor(target: Target): Promise<ChannelBinding | undefined> {
    const row = await this.db
      .selectFrom('channel_bindings')
      .selectAll()
      .where('target', '=', target)
      .executeTakeFirst();
    return row && bindingFromRow(row);
  }

  async listChannels(): Promise<ChannelBinding[]> {
    const rows = await this.db.selectFrom('channel_bindings').selectAll().orderBy('target').execute();
    return rows.map(bindingFromRow);
  }

  async unbindChannel(target: Target, move: ChannelMove): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('channel_bindings').where('target', '=', target).executeTakeFirst();
      if (result.numDeletedRows === 0n) return false;
      await trx.insertInto('channel_moves').values(moveRow(move)).execute();
      return true;
    });
  }

  async setEmailList(target: Target, addresses: string[], by: Person, at: string): Promise<void> {
    if (addresses.length === 0) {
      await this.db.deleteFrom('tier_emails').where('target', '=', target).execute();
      return;
    }
    const values = { addresses: JSON.stringify(addresses), set_by: JSON.stringify(by), set_at: at };
    await this.db
      .insertInto('tier_emails')
      .values({ target, ...values })
      .onConflict((conflict) => conflict.column('target').doUpdateSet(values))
      .execute();
  }

  async emailLists(): Promise<Map<Target, string[]>> {
    const rows = await this.db.selectFrom('tier_emails').select(['target', 'addresses']).execute();
    return new Map(rows.map((row) => [row.target as Target, JSON.parse(row.addresses) as string[]]));
  }

  async channelMoves(limit: number, order: 'newest' | 'oldest' = 'newest'): Promise<ChannelMove[]> {
    const rows = await this.db
      .selectFrom('channel_moves')
      .selectAll()
      .orderBy('id', order === 'newest' ? 'desc' : 'asc')
      .limit(limit)
      .execute();
    return rows.map((row) => {
      const move: ChannelMove = {
        target: row.target as Target,
        by: JSON.parse(row.moved_by) as Person,
        at: row.moved_at,
      };
      if (row.from_channel) move.from = JSON.parse(row.from_channel) as ChannelPlace;
      if (row.to_channel) move.to = JSON.parse(row.to_channel) as ChannelPlace;
      return move;
    });
  }

  async recordPostedCard(card: PostedCard): Promise<void> {
    const n = storedNumber(card.escalationId);
    if (n === undefined)
      throw new Error(`recordPostedCard: "${card.escalationId}" is not an escalation id like ESC-12`);
    await this.db.transaction().execute(async (trx) => {
      // One copy a chat (a personal chat is one person's): the newest is the one kept current.
      if (card.place !== 'channel') {
        await trx
          .deleteFrom('posted_cards')
          .where('escalation_id', '=', n)
          .where('conversation_id', '=', card.conversationId)
          .where('place', '!=', 'channel')
          .where('activity_id', '!=', card.activityId)
          .execute();
      }
      await trx
        .insertInto('posted_cards')
        .values({
          conversation_id: card.conversationId,
          activity_id: card.activityId,
          escalation_id: n,
          service_url: card.serviceUrl,
          posted_at: card.postedAt,
          place: card.place,
          viewer_id: card.viewerId ?? null,
        })
        .onConflict((conflict) => conflict.columns(['conversation_id', 'activity_id']).doNothing())
        .execute();
    });
  }

  async postedCards(id: string): Promise<PostedCard[]> {
    const n = storedNumber(id);
    if (n === undefined) return [];
    const rows = await this.db
      .selectFrom('posted_cards')
      .selectAll()
      .where('escalation_id', '=', n)
      .orderBy('posted_at')
      .orderBy('conversation_id')
      .orderBy('activity_id')
      .execute();
    return rows.map((row) => {
      const card: PostedCard = {
        escalationId: escalationId(Number(row.escalation_id)),
        conversationId: row.conversation_id,
        activityId: row.activity_id,
        serviceUrl: row.service_url,
        postedAt: row.posted_at,
        place: row.place as CardPlace,
      };
      if (row.viewer_id !== null) card.viewerId = row.viewer_id;
      return card;
    });
  }

  async forgetPostedCard(conversationId: string, activityId: string): Promise<void> {
    await this.db
      .deleteFrom('posted_cards')
      .where('conversation_id', '=', conversationId)
      .where('activity_id', '=', activityId)
      .execute();
  }

  async enqueueDeliveries(deliveries: Delivery[], at: string): Promise<void> {
    for (const delivery of deliveries) storedNumberOf(delivery.escalationId, 'enqueueDeliveries');
    await enqueue(this.db, deliveries, at);
  }

  async claimDeliveries(workerId: string, now: string, leaseUntil: string, limit: number): Promise<QueuedDelivery[]> {
    const claim = async (db: Db) => {
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
    };
    // One claim at a time across replicas, so a claim sees every conversation another worker
    // holds: two workers never send to one conversation at once, and its cards go out in order.
    // SQLite writes one statement at a time (the update checks again); PostgreSQL takes a lock.
    if (this.engine === 'sqlite') return claim(this.db);
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${claimLock})`.execute(trx);
      return claim(trx);
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
    const row = await this.db
      .updateTable('outbox')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        next_attempt_at: nextAttemptAt,
        claimed_by: null,
        claimed_until: null,
        last_error: error,
      }))
      .where('id', '=', id)
      .where('delivered_at', 'is', null)
      .where('failed_at', 'is', null)
      .where((eb) => stillClaimedBy(eb, workerId))
      .returningAll()
      .executeTakeFirst();
    if (row) await this.standForCopyAgain(row);
    return row !== undefined;
  }

  async failDelivery(id: number, at: string, error: string, workerId?: string): Promise<boolean> {
    const result = await this.db
      .updateTable('outbox')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        failed_at: at,
        claimed_until: null,
        pending_key: null,
        last_error: error,
      }))
      .where('id', '=', id)
      .where('delivered_at', 'is', null)
      .where((eb) => stillClaimedBy(eb, workerId))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
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

  async close(): Promise<void> {
    await this.db.destroy();
  }

  private async byRequestKey(requestKey: string | undefined): Promise<KeyedEscalation | undefined> {
    if (requestKey === undefined) return undefined;
    const row = await this.db
      .selectFrom('escalations')
      .selectAll()
      .where('request_key', '=', requestKey)
      .executeTakeFirst();
    return row && { row, escalation: escalationFromRow(row) };
  }
}

function entryByActionKey(db: Db, actionKey: string) {
  return db.selectFrom('timeline_entries').selectAll().where('action_key', '=', actionKey).executeTakeFirst();
}

function entryFromRow(row: Selectable<TimelineEntriesTable>): TimelineEntry {
  const entry: TimelineEntry = {
    escalationId: escalationId(Number(row.escalation_id)),
    version: row.version,
    at: row.at,
    actor: JSON.parse(row.actor) as Person,
    kind: row.kind,
    text: row.text,
  };
  if (row.action_key !== null) entry.actionKey = row.action_key;
  if (row.status !== null) entry.status = row.status as Status;
  return entry;
}

/** Out of every queue: nothing more is expected of anyone. */

/** What the row will read back as: JSON drops undefined fields, so callers compare like with like. */
function stored<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

interface KeyedEscalation {
  row: Selectable<EscalationsTable>;
  escalation: Escalation;
}

/** The escalation a request key already made: the same request again, or another one (a conflict). */
function sameRequest(earlier: KeyedEscalation, input: NewEscalation) {
  const conflict = input.requestHash !== undefined && earlier.row.request_hash !== input.requestHash;
  return { escalation: earlier.escalation, created: false, ...(conflict ? { conflict: true } : {}) };
}

function filterColumns(brief: Brief) {
  return { severity: brief.severity, target: brief.target, summary: brief.summary };
}

function escalationFromRow(row: Selectable<EscalationsTable>): Escalation {
  const escalation: Escalation = {
    id: escalationId(Number(row.id)),
    brief: JSON.parse(row.brief) as Brief,
    status: row.status as Status,
    requester: JSON.parse(row.requester) as Person,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.owner !== null) escalation.owner = JSON.parse(row.owner) as Person;
  if (row.sla_status !== null) escalation.cardSla = row.sla_status as SlaStatus;
  return escalation;
}

function moveRow(move: ChannelMove) {
  return {
    target: move.target,
    from_channel: move.from ? JSON.stringify(move.from) : null,
    to_channel: move.to ? JSON.stringify(move.to) : null,
    moved_by: JSON.stringify(move.by),
    moved_at: move.at,
  };
}

function bindingFromRow(row: Selectable<EscalationDeskTables['channel_bindings']>): ChannelBinding {
  return {
    target: row.target as Target,
    conversationReference: JSON.parse(row.conversation_reference) as BindingReference,
    boundBy: JSON.parse(row.bound_by) as Person,
    boundAt: row.bound_at,
  };
}
