// What swarming needs from outside (app/swarm.ts): the escalation's group chat as the store keeps
// it, Microsoft Graph's chats, and the Teams edge that posts the card into a chat.
import type { Escalation, Person } from '../domain/escalation';
import type { Target } from '../domain/tiers';

/** An escalation's one group chat: where it is, who was put in it, and the tier it was made for. */
export interface SwarmChat {
  escalationId: string;
  /** Teams' chat id ("19:...@thread.v2"): the bot's conversation id there too. */
  chatId: string;
  serviceUrl: string;
  /** The escalation's tier when the chat was made: its card shows there as to that tier's readers while it stays. */
  tier: Target;
  members: Person[];
  openedBy: Person;
  openedAt: string;
}

export interface SwarmStore {
  swarmChat(escalationId: string): Promise<SwarmChat | undefined>;
  /** The escalation whose chat this conversation is, if any. */
  swarmChatIn(chatId: string): Promise<SwarmChat | undefined>;
  /**
   * Takes the right to open the escalation's chat (false: another is opening it, or it is open).
   * A claim older than `staleBefore` (a process that stopped midway) may be taken again.
   */
  claimSwarmChat(escalationId: string, at: string, staleBefore: string): Promise<boolean>;
  /** Gives a claim back: the chat could not be opened. */
  releaseSwarmChat(escalationId: string): Promise<void>;
  /** The chat as opened or grown (its claim becomes the chat). */
  saveSwarmChat(chat: SwarmChat): Promise<void>;
}

/** Microsoft Graph's group chats, as the app (application permissions) makes them. */
export interface ChatMaker {
  /** A group chat with these people (Entra object ids); its id. */
  createGroupChat(topic: string, memberIds: string[]): Promise<string>;
  /** The Teams app installed in the chat, so the bot may post there. */
  installApp(chatId: string): Promise<void>;
  addMember(chatId: string, memberId: string): Promise<void>;
}

/** Posts the escalation's card in a chat the bot is in and keeps it current (a recorded copy). */
export type PostInChat = (
  escalation: Escalation,
  chat: { chatId: string; serviceUrl: string; tenantId?: string },
) => Promise<void>;
