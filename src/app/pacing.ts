// Where Teams counts a bot's sends, and how fast they may go there. Teams limits a bot "per
// thread", and a thread there is a conversation: a 1:1 chat, a group chat, or a channel with all
// its reply threads ("limit the number of messages it posts to an individual chat or channel
// conversation", https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit;
// "a thread is 1:1 conversation between bot and user, a group chat, or a channel",
// https://learn.microsoft.com/en-us/answers/questions/848444/about-teams-rate-limits). So every
// card thread of a channel, and every new thread posted there, spends that channel's budget; on
// top, every send to Teams spends the app's budget in the tenant. Emails spend the mailbox's.
import { channelOfConversation, type QueuedDelivery } from './ports';
import {
  perConversationLimits,
  perDeskLimits,
  perFeedLimits,
  perMailboxLimits,
  perTenantLimits,
  SendBudget,
  type SendLimit,
} from './sendBudget';

/** Where a send is counted: a channel or chat's id, the mailbox, or a tier's posts while its channel is unknown. */
export type Place = string;

export const mailbox: Place = 'mailbox';

/** A help desk's API: notes to its tickets are counted there, not in Teams. */
export const deskPlace = (system: string): Place => `desk ${system}`;
const isDesk = (place: Place) => place.startsWith('desk ');

/** The Teams activity feed through Graph: followers' notices when Graph sends them, counted together. */
export const activityFeed: Place = 'activity feed';

/** A person's 1:1 chat with the bot, before its conversation id is known (the send opens it). */
export const personalPlace = (teamsId: string): Place => `personal chat of ${teamsId}`;

export function placeOf(delivery: QueuedDelivery): Place {
  switch (delivery.kind) {
    case 'email':
      return mailbox;
    case 'ticketNote':
      return deskPlace(delivery.ticket.system);
    case 'personal':
    case 'notice':
      return personalPlace(delivery.person.teamsId);
    case 'post':
      // A tier bound from a thread keeps that thread's conversation id: its channel is the place.
      return delivery.channel ? channelOfConversation(delivery.channel) : `posts of ${delivery.tier ?? 'a tier'}`;
    default:
      return channelOfConversation(delivery.conversationId);
  }
}

export interface PaceLimits {
  /** Per chat or channel (default: Teams' per-thread limits). */
  place?: readonly SendLimit[];
  /** Per mailbox (default: Exchange's 30 a minute). */
  mailbox?: readonly SendLimit[];
  /** Per help desk (default: perDeskLimits). */
  desk?: readonly SendLimit[];
  /** Per app in the tenant, all of Teams together (default: 50 a second). */
  tenant?: readonly SendLimit[];
  /** Followers' notices go to the activity feed through Graph (its own limits), not to their chats. */
  noticesToFeed?: boolean;
}

/** Past this many places' budgets, the idle ones are forgotten. */
const budgetsKept = 1000;

export class Pacer {
  private readonly budgets = new Map<Place, SendBudget>();
  private readonly tenant: SendBudget;
  private readonly placeLimits: readonly SendLimit[];
  private readonly mailboxLimits: readonly SendLimit[];
  private readonly deskLimits: readonly SendLimit[];
  private readonly noticesToFeed: boolean;

  constructor(limits: PaceLimits = {}) {
    this.noticesToFeed = limits.noticesToFeed === true;
    this.placeLimits = limits.place ?? perConversationLimits;
    this.mailboxLimits = limits.mailbox ?? perMailboxLimits;
    this.deskLimits = limits.desk ?? perDeskLimits;
    this.tenant = new SendBudget(limits.tenant ?? perTenantLimits);
  }

  /** Where the delivery is counted (placeOf), the activity feed for notices when Graph sends them. */
  placeOf(delivery: QueuedDelivery): Place {
    return delivery.kind === 'notice' && this.noticesToFeed ? activityFeed : placeOf(delivery);
  }

  /** The earliest moment (performance.now() ms, at or after `now`) a send to `place` keeps within every limit. */
  nextAt(place: Place, now: number): number {
    const own = this.budgetOf(place).nextAt(now);
    return outsideTeams(place) ? own : Math.max(own, this.tenant.nextAt(now));
  }

  /** A send to `place` leaves now. */
  take(place: Place, now: number): void {
    this.budgetOf(place).spend(now);
    if (!outsideTeams(place)) this.tenant.spend(now);
    if (this.budgets.size > budgetsKept) this.forgetIdle(now);
  }

  private budgetOf(place: Place): SendBudget {
    let budget = this.budgets.get(place);
    if (!budget) {
      budget = new SendBudget(
        place === mailbox
          ? this.mailboxLimits
          : isDesk(place)
            ? this.deskLimits
            : place === activityFeed
              ? perFeedLimits
              : this.placeLimits,
      );
      this.budgets.set(place, budget);
    }
    return budget;
  }

  /** Budgets with nothing sent within their longest window go: Teams counts an hour back, no longer. */
  private forgetIdle(now: number): void {
    for (const [place, budget] of this.budgets) if (budget.idle(now)) this.budgets.delete(place);
  }
}

/** Sends the bot's Teams budget does not count: emails, notes to a desk, Graph's activity feed. */
function outsideTeams(place: Place): boolean {
  return place === mailbox || isDesk(place) || place === activityFeed;
}
