// What following an escalation needs beside ports.ts: the people who follow it, and the
// requester's own live copy of its card, sent to their personal chat with the bot by the delivery
// worker (src/teams/publisher.ts).
import type { Person } from '../domain/escalation';
import type { ClockNotice, FeedNotice } from '../domain/notifications';

/**
 * The people who asked to follow an escalation. Its requester and owner follow it by being them
 * (app/following.ts): they are never stored here, so a change of owner needs no bookkeeping.
 */
export interface FollowerStore {
  /** Adds the person (who has an id); following twice is following once. */
  follow(escalationId: string, person: Person & { id: string }, at: string): Promise<void>;
  /** Removes the person; one who did not follow stays so. */
  unfollow(escalationId: string, personId: string): Promise<void>;
  /** The people who asked to follow it, first follower first. */
  followers(escalationId: string): Promise<Person[]>;
  /**
   * The bot gave up on a personal copy or notice to the person (not installed for them: 403/404):
   * recorded once by that failed delivery, so their later notices are not tried for every change.
   */
  unreachable(person: { id: string; teamsId: string }): Promise<boolean>;
}

/**
 * The brief's card in a person's 1:1 chat with the bot, which the bot opens itself (the form may
 * have been sent from anywhere); `key` makes it once-only, so one person gets one copy.
 */
export interface PersonalCopyDelivery {
  kind: 'personal';
  escalationId: string;
  /** The person: their Entra object id (who reads the copy) and Teams user id (whom the chat is with). */
  person: { id: string; teamsId: string };
  /** The Bot Connector and tenant the person's Teams speaks through. */
  serviceUrl: string;
  tenantId?: string;
  key: string;
}

/** Where the bot can reach a person who escalated from Teams: their Teams and tenant. */
export interface PersonalChatReach {
  serviceUrl: string;
  tenantId?: string;
}

/** The once-only key of a person's own copy of an escalation's card. */
export const personalCopyKey = (escalationId: string, personId: string) => `personal:${escalationId}:${personId}`;

/**
 * A notice to one follower of the changes to an escalation since the first one it was queued for
 * (domain/notifications.ts): a short alerting message in their 1:1 chat with the bot. One waits a
 * person and escalation (its copy key), due `notBefore` (a minute after the first change), so the
 * changes of that minute make one notice; its text is drawn when sent from the timeline since.
 */
export interface NoticeDelivery {
  kind: 'notice';
  escalationId: string;
  /** The follower: Entra object id (what they may see) and Teams user id (whom the chat is with). */
  person: { id: string; teamsId: string };
  notBefore: string;
  /**
   * An SLA clock coming due or breached (app/watchClocks.ts) rather than changes: sent once (its
   * key, clockNoticeKey), and only while the clock still says so.
   */
  clock?: ClockNotice;
}

/** What saving a change reads to queue its notices: who follows, and how long changes gather. */
export interface NoticeSource {
  followers(escalationId: string): Promise<Person[]>;
  /** Changes to one escalation within this long make one notice. */
  noticeWindowMs(): number;
}

/** A minute, as people count "changes at once". */
export const defaultNoticeWindowMs = 60_000;

/** The key a follower's waiting notice of an escalation is known by: one waits at a time. */
export const noticeKey = (escalationId: string, personId: string) => JSON.stringify(['notice', escalationId, personId]);

/** The once-only key of a follower's notice of one SLA clock's state (a restarted clock is another). */
export const clockNoticeKey = (escalationId: string, personId: string, clock: ClockNotice) =>
  `sla-notice:${escalationId}:${personId}:${clock.clock}:${clock.status}:${clock.dueAt}`;

/** Sends a notice to a person's Teams activity feed (src/graph/activityFeed.ts). */
export interface FeedSender {
  /**
   * `personId`: their Entra object id; `webUrl`: the Teams deep link the notification opens.
   * 'notPermitted' when the app may not send to activity feeds (not granted TeamsActivity.Send).
   */
  notify(personId: string, notice: FeedNotice, webUrl: string): Promise<'sent' | 'notPermitted'>;
}
