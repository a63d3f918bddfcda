// Each escalation's one swarm chat (app/swarmPorts.ts). Opening one is claimed first, so two
// people pressing Swarm at once make one chat: the row exists before the chat does.
import type { SwarmChat, SwarmStore } from '../app/swarmPorts';
import { escalationId, type Person } from '../domain/escalation';
import type { Target } from '../domain/tiers';
import { storedNumberOf } from './ids';
import type { Db, SwarmChatsTable } from './tables';

export class SwarmChats implements SwarmStore {
  constructor(private readonly db: Db) {}

  async swarmChat(id: string): Promise<SwarmChat | undefined> {
    const row = await this.db
      .selectFrom('swarm_chats')
      .selectAll()
      .where('escalation_id', '=', storedNumberOf(id, 'swarmChat'))
      .executeTakeFirst();
    return row && chatOf(row);
  }

  async swarmChatIn(chatId: string): Promise<SwarmChat | undefined> {
    const row = await this.db.selectFrom('swarm_chats').selectAll().where('chat_id', '=', chatId).executeTakeFirst();
    return row && chatOf(row);
  }

  async claimSwarmChat(id: string, at: string, staleBefore: string): Promise<boolean> {
    const n = storedNumberOf(id, 'claimSwarmChat');
    const inserted = await this.db
      .insertInto('swarm_chats')
      .values({ escalation_id: n, opened_at: at })
      .onConflict((c) => c.column('escalation_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return true;
    const retaken = await this.db
      .updateTable('swarm_chats')
      .set({ opened_at: at })
      .where('escalation_id', '=', n)
      .where('chat_id', 'is', null)
      .where('opened_at', '<', staleBefore)
      .executeTakeFirst();
    return Number(retaken.numUpdatedRows) > 0;
  }

  async releaseSwarmChat(id: string): Promise<void> {
    await this.db
      .deleteFrom('swarm_chats')
      .where('escalation_id', '=', storedNumberOf(id, 'releaseSwarmChat'))
      .where('chat_id', 'is', null)
      .execute();
  }

  async saveSwarmChat(chat: SwarmChat): Promise<void> {
    const row = {
      chat_id: chat.chatId,
      service_url: chat.serviceUrl,
      tier: chat.tier,
      members: JSON.stringify(chat.members),
      opened_by: JSON.stringify(chat.openedBy),
      opened_at: chat.openedAt,
    };
    await this.db
      .insertInto('swarm_chats')
      .values({ escalation_id: storedNumberOf(chat.escalationId, 'saveSwarmChat'), ...row })
      .onConflict((c) => c.column('escalation_id').doUpdateSet(row))
      .execute();
  }
}

/** A claim (no chat yet) reads as no chat. */
function chatOf(row: SwarmChatsTable): SwarmChat | undefined {
  if (row.chat_id === null) return undefined;
  return {
    escalationId: escalationId(Number(row.escalation_id)),
    chatId: row.chat_id,
    serviceUrl: row.service_url ?? '',
    tier: row.tier as Target,
    members: JSON.parse(row.members ?? '[]') as Person[],
    openedBy: JSON.parse(row.opened_by ?? '{}') as Person,
    openedAt: row.opened_at,
  };
}
