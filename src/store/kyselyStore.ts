// The one query code base behind the Store port: the same Kysely queries run on
// SQLite and PostgreSQL, so both engines keep the same promises.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { ChannelBinding, EscalationFilter, NewEscalation, PostedCard, SaveResult, Store } from '../app/ports';
import type { Brief } from '../domain/brief';
import { type Escalation, escalationId, escalationNumber, type Person, type TimelineEntry } from '../domain/escalation';
import type { Status, Target } from '../domain/vocabulary';
import type { EscalationDeskTables, EscalationsTable } from './tables';

type Db = Kysely<EscalationDeskTables>;

export class KyselyStore implements Store {
  constructor(private readonly db: Db) {}

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  async createEscalation(input: NewEscalation): Promise<{ escalation: Escalation; created: boolean }> {
    // A retried delivery usually arrives after the first one finished: answer it without
    // trying an insert (on PostgreSQL a failed insert still spends an id).
    const earlier = await this.byRequestKey(input.requestKey);
    if (earlier) return { escalation: earlier, created: false };

    const brief = stored(input.brief);
    const requester = stored(input.requester);
    try {
      const escalation = await this.db.transaction().execute(async (trx) => {
        const { id } = await trx
          .insertInto('escalations')
          .values({
            request_key: input.requestKey ?? null,
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
          })
          .execute();
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
      if (winner) return { escalation: winner, created: false };
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
    let ordered = query.orderBy('id', 'desc');
    if (filter.limit !== undefined) ordered = ordered.limit(filter.limit);
    const rows = await ordered.execute();
    return rows.map(escalationFromRow);
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
              .whereRef('posted_cards.escalation_id', '=', 'escalations.id'),
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
  ): Promise<SaveResult> {
    if (next.version !== expectedVersion + 1) {
      throw new Error(
        `saveEscalation: ${next.id} version ${next.version} must be expectedVersion + 1 (${expectedVersion + 1})`,
      );
    }
    const n = storedNumber(next.id);
    if (n === undefined) throw new Error(`saveEscalation: "${next.id}" is not an escalation id like ESC-12`);

    const escalation = stored(next);
    const saved = await this.db.transaction().execute(async (trx) => {
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
        })
        .execute();
      return true;
    });
    return saved ? { saved: true, escalation } : { saved: false, current: await this.getEscalation(next.id) };
  }

  async timeline(id: string): Promise<TimelineEntry[]> {
    const n = storedNumber(id);
    if (n === undefined) return [];
    const rows = await this.db
      .selectFrom('timeline_entries')
      .selectAll()
      .where('escalation_id', '=', n)
      .orderBy('version')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      escalationId: escalationId(Number(row.escalation_id)),
      version: row.version,
      at: row.at,
      actor: JSON.parse(row.actor) as Person,
      kind: row.kind,
      text: row.text,
    }));
  }

  async bindChannel(binding: ChannelBinding): Promise<void> {
    const values = {
      conversation_reference: JSON.stringify(binding.conversationReference),
      bound_by: JSON.stringify(binding.boundBy),
      bound_at: binding.boundAt,
    };
    // One channel per tier: binding another channel moves the tier there.
    await this.db
      .insertInto('channel_bindings')
      .values({ target: binding.target, ...values })
      .onConflict((conflict) => conflict.column('target').doUpdateSet(values))
      .execute();
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

  async unbindChannel(target: Target): Promise<boolean> {
    const result = await this.db.deleteFrom('channel_bindings').where('target', '=', target).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async recordPostedCard(card: PostedCard): Promise<void> {
    const n = storedNumber(card.escalationId);
    if (n === undefined)
      throw new Error(`recordPostedCard: "${card.escalationId}" is not an escalation id like ESC-12`);
    await this.db
      .insertInto('posted_cards')
      .values({
        conversation_id: card.conversationId,
        activity_id: card.activityId,
        escalation_id: n,
        service_url: card.serviceUrl,
        posted_at: card.postedAt,
      })
      .onConflict((conflict) => conflict.columns(['conversation_id', 'activity_id']).doNothing())
      .execute();
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
    return rows.map((row) => ({
      escalationId: escalationId(Number(row.escalation_id)),
      conversationId: row.conversation_id,
      activityId: row.activity_id,
      serviceUrl: row.service_url,
      postedAt: row.posted_at,
    }));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  private async byRequestKey(requestKey: string | undefined): Promise<Escalation | undefined> {
    if (requestKey === undefined) return undefined;
    const row = await this.db
      .selectFrom('escalations')
      .selectAll()
      .where('request_key', '=', requestKey)
      .executeTakeFirst();
    return row && escalationFromRow(row);
  }
}

/** Out of every queue: nothing more is expected of anyone. */
const closedStatuses: Status[] = ['resolved', 'closed'];

/** ESC-n -> n, or undefined for an id no row can have (malformed, or beyond exact JS numbers). */
function storedNumber(id: string): number | undefined {
  const n = escalationNumber(id);
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

/** What the row will read back as: JSON drops undefined fields, so callers compare like with like. */
function stored<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
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
  return escalation;
}

function bindingFromRow(row: Selectable<EscalationDeskTables['channel_bindings']>): ChannelBinding {
  return {
    target: row.target as Target,
    conversationReference: JSON.parse(row.conversation_reference) as Record<string, unknown>,
    boundBy: JSON.parse(row.bound_by) as Person,
    boundAt: row.bound_at,
  };
}
