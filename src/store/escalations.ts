// Escalations: made, read, listed and changed. A change is saved with its timeline entry and
// the deliveries it calls for in one transaction, guarded by the version the person saw.
// Look-alikes (search.ts), the board (boardQueries.ts), timelines (timelines.ts), the SLA
// watcher's bookkeeping (slaBookkeeping.ts) and links (links.ts) are the rest of this aggregate.

import { updatesOf } from '../app/deliveries';
import { type PersonalCopyDelivery, personalCopyKey } from '../app/followPorts';
import type {
  BoardCharts,
  BoardFilter,
  BoardQueue,
  Delivery,
  EscalationFilter,
  EscalationStore,
  NewEscalation,
  PostedCard,
  SaveEffect,
  SaveResult,
  SimilarCandidate,
  SimilarityOptions,
} from '../app/ports';
import { type Escalation, escalationId, type Person, type TimelineEntry } from '../domain/escalation';
import { closedStatuses } from '../domain/lifecycle';
import type { SearchTerms } from '../domain/similarity';
import { slaNever } from '../domain/sla';
import type { Target } from '../domain/vocabulary';
import { boardCharts, boardQueue, recentPeople } from './boardQueries';
import { postedCopies } from './channels';
import { runCompiledOnce } from './compiledOnce';
import { briefColumns, briefFromText, escalationFromRow, stored } from './escalationRows';
import { involving } from './followers';
import { actionApplied, type Creation, earlierRequest, requestThatWon } from './idempotency';
import { storedNumber, storedNumberOf } from './ids';
import { storeLink } from './links';
import { settleWaitingFor } from './outbox';
import { enqueue } from './outboxRows';
import { findSimilarEscalations } from './search';
import { visible } from './sight';
import type { Db, Engine } from './tables';
import { writeEntry } from './timelines';

export class Escalations implements Partial<EscalationStore> {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
    /** Told of each entry saved (the timelines read lately take it without reading it back). */
    private readonly saved: (n: number, entry: TimelineEntry) => void = () => undefined,
  ) {}

  async createEscalation(input: NewEscalation): Promise<Creation> {
    const earlier = await earlierRequest(this.db, input);
    if (earlier) return earlier;
    try {
      const escalation = await this.db.transaction().execute((trx) => insertEscalation(trx, input));
      return { escalation, created: true };
    } catch (error) {
      const winner = await requestThatWon(this.db, input);
      if (winner) return winner;
      throw error;
    }
  }

  async getEscalation(id: string): Promise<Escalation | undefined> {
    const n = storedNumber(id);
    if (n === undefined) return undefined;
    const { rows } = await runCompiledOnce(this.db, 'read an escalation', [n], (v) =>
      this.db.selectFrom('escalations').selectAll().where('id', '=', v(0)),
    );
    return rows[0] && escalationFromRow(rows[0]);
  }

  async listEscalations(filter: EscalationFilter = {}): Promise<Escalation[]> {
    let query = this.db.selectFrom('escalations as e').selectAll();
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.target) query = query.where('target', '=', filter.target);
    if (filter.severity) query = query.where('severity', '=', filter.severity);
    const person = filter.involving;
    if (person) query = query.where(involving(person));
    if (filter.open) query = query.where('status', 'not in', closedStatuses);
    const before = filter.before === undefined ? undefined : storedNumber(filter.before);
    if (filter.before !== undefined) query = query.where('id', '<', before ?? 0);
    if (filter.sight) query = query.where(visible(filter.sight));
    let ordered = query.orderBy('id', 'desc');
    if (filter.limit !== undefined) ordered = ordered.limit(filter.limit);
    const rows = await ordered.execute();
    return rows.map(escalationFromRow);
  }

  /**
   * Writes `next` and its timeline entry only if the stored version is still `expectedVersion`,
   * with the deliveries it calls for, in one transaction (EscalationStore.saveEscalation).
   */
  async saveEscalation(
    next: Escalation,
    expectedVersion: number,
    entry: Omit<TimelineEntry, 'escalationId' | 'version'>,
    effects: SaveEffect[] = [],
  ): Promise<SaveResult> {
    if (next.version !== expectedVersion + 1) {
      throw new Error(
        `saveEscalation: ${next.id} version ${next.version} must be expectedVersion + 1 (${expectedVersion + 1})`,
      );
    }
    const n = storedNumber(next.id);
    if (n === undefined) throw new Error(`saveEscalation: "${next.id}" is not an escalation id like ESC-12`);
    const deliveries = effects.filter(
      (effect): effect is Delivery => effect.kind !== 'link' && effect.kind !== 'clicked',
    );
    const clicked = effects.find((effect) => effect.kind === 'clicked');
    for (const delivery of deliveries)
      if (delivery.escalationId) storedNumberOf(delivery.escalationId, 'saveEscalation');
    const links = effects.flatMap((effect) => (effect.kind === 'link' ? [storedNumberOf(effect.otherId, 'link')] : []));

    // As it will read back: JSON drops undefined fields; the brief is the one a read of it gives.
    const briefText = JSON.stringify(next.brief);
    const escalation: Escalation = { ...stored({ ...next, brief: undefined }), brief: briefFromText(briefText) };
    const save = this.db.transaction().execute(async (trx): Promise<PostedCard[] | undefined> => {
      // The version check is the lock: of two people acting on the same card, one wins,
      // the other is shown the escalation as it is now.
      const { severity, target, summary } = briefColumns(escalation.brief);
      const owner = escalation.owner;
      // A change may move a clock: the watcher looks again at once.
      const slaCheckAt = closedStatuses.includes(escalation.status) ? slaNever : entry.at;
      const update = await runCompiledOnce(
        trx,
        'save an escalation',
        [
          ...[escalation.status, severity, target, summary, briefText, owner ? JSON.stringify(owner) : null],
          ...[owner?.id ?? null, escalation.version, escalation.updatedAt, slaCheckAt, n, expectedVersion],
        ],
        (v) =>
          trx
            .updateTable('escalations')
            .set({
              status: v(0),
              severity: v(1),
              target: v(2),
              summary: v(3),
              brief: v(4),
              owner: v(5),
              owner_id: v(6),
              version: v(7),
              updated_at: v(8),
              sla_check_at: v(9),
            })
            .where('id', '=', v(10))
            .where('version', '=', v(11)),
      );
      if (update.numAffectedRows === 0n) return undefined;
      await writeEntry(trx, n, escalation.version, escalation.status, entry);
      // Only a save that happened queues the card updates and sends it calls for, and stores its links.
      const copies = await postedCopies(trx, n);
      const sentAhead = clicked && copies.find((copy) => sameCopy(copy, clicked));
      if (sentAhead) await settleWaitingFor(trx, sentAhead, entry.at);
      const updated = sentAhead ? copies.filter((copy) => copy !== sentAhead) : copies;
      await enqueue(trx, [...updatesOf(updated), ...deliveries], entry.at);
      for (const other of links) await storeLink(trx, n, other, entry.at);
      return copies;
    });
    const copies = await save.catch(async (error: unknown) => {
      // A retried invoke of a click already applied changes nothing, whatever version it carries:
      // its entry's action key is taken (unique), and the whole save is undone.
      if (await actionApplied(this.db, entry.actionKey)) return undefined;
      throw error;
    });
    if (!copies) return { saved: false, current: await this.getEscalation(next.id) };
    this.saved(n, savedEntry(next, entry));
    return { saved: true, escalation, copies };
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

  findSimilar(query: SearchTerms, options: SimilarityOptions): Promise<SimilarCandidate[]> {
    return findSimilarEscalations(this.db, query, options);
  }

  boardQueue(filter: BoardFilter, limit: number): Promise<BoardQueue> {
    return boardQueue(this.db, filter, limit, escalationFromRow);
  }

  boardCharts(filter: Pick<BoardFilter, 'target' | 'sight'>, since: string, now: Date): Promise<BoardCharts> {
    return boardCharts(this.db, this.engine, filter, since, now);
  }

  recentPeople(limit: number): Promise<Person[]> {
    return recentPeople(this.db, limit);
  }
}

/** A new escalation as ESC-n, version 1, status new, with its "created" entry and the deliveries it asks for. */
async function insertEscalation(db: Db, input: NewEscalation): Promise<Escalation> {
  const brief = stored(input.brief);
  const requester = stored(input.requester);
  const { id } = await db
    .insertInto('escalations')
    .values({
      request_key: input.requestKey ?? null,
      request_hash: input.requestHash ?? null,
      status: 'new',
      ...briefColumns(brief),
      ticket_system: brief.ticket?.system ?? null,
      ticket_id: brief.ticket?.id ?? null,
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
  await writeEntry(db, id, 1, 'new', {
    at: input.at,
    actor: requester,
    kind: 'created',
    text: `Escalated by ${requester.name}`,
  });
  // Queued with the escalation, so a crash between saving and posting loses no post.
  const made = escalationId(Number(id));
  if (input.post) await enqueue(db, [{ kind: 'post', escalationId: made }], input.at);
  if (input.email && input.email.length > 0) {
    const email: Delivery = {
      kind: 'email',
      escalationId: made,
      to: input.email,
      reason: 'escalated',
      key: `email:${made}:escalated`,
    };
    await enqueue(db, [email], input.at);
  }
  const personal = personalCopyOf(input, made);
  if (personal) await enqueue(db, [personal], input.at);
  return { id: made, brief, status: 'new', requester, version: 1, createdAt: input.at, updatedAt: input.at };
}

function sameCopy(
  a: { conversationId: string; activityId: string },
  b: { conversationId: string; activityId: string },
) {
  return a.conversationId === b.conversationId && a.activityId === b.activityId;
}

/** The entry as it reads back from the database. */
function savedEntry(next: Escalation, entry: Omit<TimelineEntry, 'escalationId' | 'version'>): TimelineEntry {
  const { at, actor, kind, text, actionKey, link } = entry;
  return {
    escalationId: next.id,
    version: next.version,
    at,
    actor,
    kind,
    text,
    status: next.status,
    ...(actionKey ? { actionKey } : {}),
    ...(link ? { link } : {}),
  };
}

/** The requester's own copy of the card, when they escalated from Teams (a Teams id to open a chat with). */
function personalCopyOf(input: NewEscalation, made: string): PersonalCopyDelivery | undefined {
  const { id, teamsId } = input.requester;
  if (!input.personalCopy || !id || !teamsId) return undefined;
  return {
    kind: 'personal',
    escalationId: made,
    person: { id, teamsId },
    ...input.personalCopy,
    key: personalCopyKey(made, id),
  };
}
