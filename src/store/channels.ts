// Where cards go: the channel bound to each tier and the log of its moves, each tier's email
// list, and every posted copy of a card (kept current in place).
import { performance } from 'node:perf_hooks';
import type { Selectable } from 'kysely';
import type {
  BindingReference,
  CardPlace,
  ChannelBinding,
  ChannelMove,
  ChannelPlace,
  ChannelStore,
  PostedCard,
} from '../app/ports';
import { escalationId, type Person } from '../domain/escalation';
import type { Target } from '../domain/vocabulary';
import { runCompiledOnce } from './compiledOnce';
import { storedNumber } from './ids';
import type { ChannelBindingsTable, ChannelMovesTable, Db, PostedCardsTable } from './tables';

/**
 * How long the bindings read stay this process's answer. They change when a tier is routed, and
 * every click asks for them; a change made here is seen at once, one made by another replica
 * within this time.
 */
const bindingsFreshMs = 1000;

export class Channels implements ChannelStore {
  private bindings: { readAt: number; rows: Promise<ChannelBinding[]> } | undefined;

  constructor(private readonly db: Db) {}

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
    this.bindings = undefined;
  }

  async channelFor(target: Target): Promise<ChannelBinding | undefined> {
    return (await this.listChannels()).find((binding) => binding.target === target);
  }

  async listChannels(): Promise<ChannelBinding[]> {
    const now = performance.now();
    if (!this.bindings || now - this.bindings.readAt > bindingsFreshMs) {
      const rows = this.db.selectFrom('channel_bindings').selectAll().orderBy('target').execute();
      this.bindings = { readAt: now, rows: rows.then((read) => read.map(bindingFromRow)) };
      // A failed read is not kept.
      this.bindings.rows.catch(() => {
        this.bindings = undefined;
      });
    }
    return [...(await this.bindings.rows)];
  }

  async unbindChannel(target: Target, move: ChannelMove): Promise<boolean> {
    const unbound = await this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('channel_bindings').where('target', '=', target).executeTakeFirst();
      if (result.numDeletedRows === 0n) return false;
      await trx.insertInto('channel_moves').values(moveRow(move)).execute();
      return true;
    });
    this.bindings = undefined;
    return unbound;
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
    return rows.map(moveFromRow);
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
    return n === undefined ? [] : postedCopies(this.db, n);
  }

  async forgetPostedCard(conversationId: string, activityId: string): Promise<void> {
    await this.db
      .deleteFrom('posted_cards')
      .where('conversation_id', '=', conversationId)
      .where('activity_id', '=', activityId)
      .execute();
  }
}

/** Every posted copy of an escalation's card (by number), oldest first. */
export async function postedCopies(db: Db, n: number): Promise<PostedCard[]> {
  const { rows } = await runCompiledOnce(db, 'read posted copies', [n], (v) =>
    db
      .selectFrom('posted_cards')
      .selectAll()
      .where('escalation_id', '=', v(0))
      .orderBy('posted_at')
      .orderBy('conversation_id')
      .orderBy('activity_id'),
  );
  return rows.map(postedCardFromRow);
}

function bindingFromRow(row: Selectable<ChannelBindingsTable>): ChannelBinding {
  return {
    target: row.target as Target,
    conversationReference: JSON.parse(row.conversation_reference) as BindingReference,
    boundBy: JSON.parse(row.bound_by) as Person,
    boundAt: row.bound_at,
  };
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

function moveFromRow(row: Selectable<ChannelMovesTable>): ChannelMove {
  const move: ChannelMove = {
    target: row.target as Target,
    by: JSON.parse(row.moved_by) as Person,
    at: row.moved_at,
  };
  if (row.from_channel) move.from = JSON.parse(row.from_channel) as ChannelPlace;
  if (row.to_channel) move.to = JSON.parse(row.to_channel) as ChannelPlace;
  return move;
}

function postedCardFromRow(row: Selectable<PostedCardsTable>): PostedCard {
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
}
