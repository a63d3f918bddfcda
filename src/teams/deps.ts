// What the Teams edge needs from the rest of the app.
import type { AccessDeps } from '../app/access';
import type { ActDeps } from '../app/act';
import type { Counters } from '../app/counters';
import type { DeliveryWorker } from '../app/deliveryWorker';
import type { PostingDeps } from '../app/escalate';
import type { FillDeps } from '../app/fillFromTicket';
import type { Store } from '../app/ports';
import type { ChatMaker, PostInChat } from '../app/swarmPorts';

/** FillDeps: the connected help desks, read to fill the form from a ticket and to read its Ticket field. */
export interface TeamsDeps extends PostingDeps, ActDeps, AccessDeps, FillDeps {
  /** Each use case takes the parts it uses; the edge binds channels and records copies too. */
  store: Store;
  counters: Counters;
  /** Sends one copy of a card ahead of its lane, within `waitMs` of Teams' pace or not at all (app/deliveryWorker.ts). */
  sendCopyNow: DeliveryWorker['sendCopyNow'];
  /** A message sent in a turn waits for its chat or channel's pace, as the outbox's sends do. */
  paceTurnSend: DeliveryWorker['paceTurnSend'];
  /** The bot's app id; '' in local mode. */
  appId: string;
  /** Base URL for links on cards. */
  publicUrl: string;
  /** Signs "Brief as text" links (app/briefLinks.ts). */
  linkSecret: string;
  /** Actionable Email provider id put on cards, for Outlook. */
  originatorId?: string;
  /** Tenants whose activities are accepted; undefined: any (local mode without ALLOWED_TENANTS). */
  allowedTenants?: string[];
  /** Microsoft Graph's group chats, when configured (TEAMS_APP_ID): Swarm opens the chat; else it is a deep link. */
  chats?: ChatMaker;
  /** Posts an escalation's card in its swarm chat and keeps it current. */
  postInChat: PostInChat;
}
