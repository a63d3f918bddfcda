// What the use cases need from the outside world. Engines live in src/store,
// src/teams; the use cases see only these interfaces.
import type { Brief } from '../domain/brief';
import type { Escalation, Person, TimelineEntry } from '../domain/escalation';
import type { Severity, Status, Target } from '../domain/vocabulary';

export interface NewEscalation {
  brief: Brief;
  requester: Person;
  at: string;
  /** Same key twice (a retried delivery) returns the first escalation, unchanged. */
  requestKey?: string;
}

export interface EscalationFilter {
  status?: Status;
  target?: Target;
  severity?: Severity;
  /** Raised or owned by this person (id). */
  involving?: string;
  /** Not resolved or closed. */
  open?: boolean;
  limit?: number;
}

export type SaveResult = { saved: true; escalation: Escalation } | { saved: false; current: Escalation | undefined };

/** A channel bound to a tier: the Bot Framework conversation reference to post to. */
export interface ChannelBinding {
  target: Target;
  conversationReference: Record<string, unknown>;
  boundBy: Person;
  boundAt: string;
}

/** One posted copy of an escalation's card, kept current in place. */
export interface PostedCard {
  escalationId: string;
  conversationId: string;
  activityId: string;
  serviceUrl: string;
  postedAt: string;
}

export interface Store {
  /** True once the database answers. */
  ping(): Promise<boolean>;
  /** Stores a new escalation as ESC-n (n never reused), version 1, with a "created" timeline entry. */
  createEscalation(input: NewEscalation): Promise<{ escalation: Escalation; created: boolean }>;
  getEscalation(id: string): Promise<Escalation | undefined>;
  /** Newest first. */
  listEscalations(filter?: EscalationFilter): Promise<Escalation[]>;
  /**
   * Writes `next` (whose version must be expectedVersion + 1) and its timeline entry in one
   * transaction, only if the stored version is still `expectedVersion`.
   */
  saveEscalation(
    next: Escalation,
    expectedVersion: number,
    entry: Omit<TimelineEntry, 'escalationId' | 'version'>,
  ): Promise<SaveResult>;
  timeline(escalationId: string): Promise<TimelineEntry[]>;
  /** Open escalations of a tier that have no posted card yet, oldest first: they wait for a channel. */
  unpostedEscalations(target: Target): Promise<Escalation[]>;

  bindChannel(binding: ChannelBinding): Promise<void>;
  channelFor(target: Target): Promise<ChannelBinding | undefined>;
  listChannels(): Promise<ChannelBinding[]>;
  /** False when no channel was bound to that tier. */
  unbindChannel(target: Target): Promise<boolean>;

  /** Idempotent: recording the same copy twice keeps one. */
  recordPostedCard(card: PostedCard): Promise<void>;
  postedCards(escalationId: string): Promise<PostedCard[]>;

  close(): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
