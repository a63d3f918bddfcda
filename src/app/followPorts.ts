// What following an escalation needs beside ports.ts: the people who follow it, and the
// requester's own live copy of its card, sent to their personal chat with the bot by the delivery
// worker (src/teams/publisher.ts).
import type { Person } from '../domain/escalation';

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
