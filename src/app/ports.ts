// What the use cases need from the outside world (engines: src/store, src/teams); they see only these.
import type { Sight } from '../domain/access';
import type { Brief } from '../domain/brief';
import type { EmailReason } from '../domain/emailing';
import type { Escalation, Person, TimelineEntry } from '../domain/escalation';
import type { SearchTerms, SimilarityMatch } from '../domain/similarity';
import type { Severity, SlaStatus, Status, Target } from '../domain/vocabulary';
import type {
  FollowerStore,
  NoticeDelivery,
  NoticeSource,
  PersonalChatReach,
  PersonalCopyDelivery,
} from './followPorts';
import type { TicketNoteDelivery, TicketStore } from './helpdeskPorts';
import type { EscalationSearch } from './searchPorts';
import type { SwarmStore } from './swarmPorts';

export type { Mailer, OutgoingEmail } from './mailPorts';
export type { EmailReason };

export interface NewEscalation {
  brief: Brief;
  requester: Person;
  at: string;
  /** Same key twice (a retried delivery) returns the first escalation, unchanged. */
  requestKey?: string;
  /** What was asked under the key: the same key with another request is a conflict, not a retry. */
  requestHash?: string;
  /** A key first used before this time is free again: the new request makes a new escalation. */
  requestKeyUsableAfter?: string;
  /** Queue a post of its card to its tier's channel, in the same transaction. */
  post?: boolean;
  /** And an email of the brief to these mailboxes (its tier's list), in the same transaction. */
  email?: string[];
  /** And the requester's own live copy of its card, in their chat with the bot (they need a Teams id). */
  personalCopy?: PersonalChatReach;
}

/** A card post or update waiting in the durable outbox, sent by the delivery worker. */
export type Delivery =
  /**
   * A new thread with the escalation's card in a tier's bound channel: its own tier (as it is
   * when sent), or another one it is raised to (Leadership, on a breached SLA).
   */
  | { kind: 'post'; escalationId: string; target?: Target }
  /** Render the escalation's card as it is when sent and put it over one posted copy. */
  | { kind: 'update'; escalationId: string; conversationId: string; activityId: string; serviceUrl: string }
  /** A text reply in a card's thread (reminders); `key` makes it once-only. */
  | { kind: 'reply'; escalationId: string; conversationId: string; serviceUrl: string; text: string; key?: string }
  /**
   * The brief as an actionable email (rendered as the escalation is when sent) to these
   * mailboxes; `key` makes it once-only.
   */
  | { kind: 'email'; escalationId: string; to: string[]; reason: EmailReason; key?: string }
  | TicketNoteDelivery
  | PersonalCopyDelivery
  | NoticeDelivery;

export type QueuedDelivery = Delivery & {
  id: number;
  /** Sends tried so far. */
  attempts: number;
  createdAt: string;
  /** A post: the tier whose channel it goes to, as it was when claimed (its own, or the one raised to). */
  tier?: Target;
  /** A post: that tier's channel, as bound when claimed (its pace is the channel's). */
  channel?: string;
};

/** Where a delivery stands: waiting (or being sent), sent, or given up on. */
export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** An outbox row as an operator inspects it. */
export type DeliveryRecord = QueuedDelivery & {
  state: DeliveryState;
  /** Not sent before this time (a retry's backoff or Retry-After). */
  nextAttemptAt: string;
  deliveredAt?: string;
  failedAt?: string;
  /** Why the last send failed. */
  lastError?: string;
};

export interface EscalationFilter {
  status?: Status;
  target?: Target;
  severity?: Severity;
  /** Raised, owned or followed by this person (id). */
  involving?: string;
  /** Not resolved or closed. */
  open?: boolean;
  /** Only what the person looking may see (domain/access.ts sightOf); none: everything. */
  sight?: Sight;
  /** Only escalations older than this one (its id): the next page of a list. */
  before?: string;
  limit?: number;
}

/** What a saved change carries, in its transaction (every posted copy is updated unasked). */
export type SaveEffect = Delivery | { kind: 'link'; otherId: string } | ClickedCopy;
/** The copy clicked, sent in the click's turn (app/sendAhead.ts): settled, not queued. */
export type ClickedCopy = { kind: 'clicked'; conversationId: string; activityId: string };
/** Saved: with every posted copy of its card. */
export type SaveResult =
  | { saved: true; escalation: Escalation; copies: PostedCard[] }
  | { saved: false; current: Escalation | undefined };

/**
 * What the bot keeps of a bound channel: the Bot Framework conversation reference it posts
 * with (the conversation is the channel), what people read of it, and the team's people.
 */
export interface BindingReference {
  serviceUrl: string;
  conversation: { id: string; tenantId?: string; isGroup?: boolean; conversationType?: string };
  channelId?: string;
  bot?: { id?: string; name?: string };
  channel?: {
    channelId: string;
    channelName?: string;
    teamId?: string;
    teamName?: string;
    aadGroupId?: string;
    tenantId?: string;
    /** A private or shared channel has members of its own; a standard one, its team's. */
    membershipType?: 'standard' | 'private' | 'shared';
  };
  people?: Person[];
}

/** A channel bound to a tier. */
export interface ChannelBinding {
  target: Target;
  conversationReference: BindingReference;
  boundBy: Person;
  boundAt: string;
}

/** Where a copy of a card is, which says who reads it. */
export type CardPlace = 'channel' | 'personal' | 'groupChat';

/** One posted copy of an escalation's card, kept current in place. */
export interface PostedCard {
  escalationId: string;
  conversationId: string;
  activityId: string;
  serviceUrl: string;
  postedAt: string;
  place: CardPlace;
  /** A personal copy's person (Entra object id): the one who reads it. */
  viewerId?: string;
}

/** A channel as a move of a tier records it. */
export interface ChannelPlace {
  channelId: string;
  teamId?: string;
  serviceUrl: string;
  /** "Security in Customer Operations", as people read it. */
  name: string;
}

/** A tier's channel bound, moved or unbound: who did it, when, from where to where. */
export interface ChannelMove {
  target: Target;
  from?: ChannelPlace;
  to?: ChannelPlace;
  by: Person;
  at: string;
}

/** How Store.findSimilar looks: which escalations it may offer, and how many. */
export interface SimilarityOptions {
  /** Never offer this escalation (the one being looked at). */
  excludeId?: string;
  /** Only escalations not resolved or closed. */
  openOnly: boolean;
  limit: number;
  /** Only what the person shown them may see (domain/access.ts sightOf); none: everything. */
  sight?: Sight;
}

/** A stored escalation whose text matches some of a lookup's words or errors. */
export interface SimilarCandidate extends SimilarityMatch {
  id: string;
  summary: string;
  /** What access depends on (domain/access.ts): who may be shown it. */
  target: Target;
  requesterId?: string;
  ownerId?: string;
}

/** What the board's queue shows: open escalations (or those of one status), filtered. */
export interface BoardFilter {
  target?: Target;
  severity?: Severity;
  status?: Status;
  /** An owner's id; null: nobody owns it. */
  ownerId?: string | null;
  /** A person's id: only what they raised, own or follow ("My escalations"). */
  involving?: string;
  sla?: SlaStatus;
  /** Words in the summary. */
  text?: string;
  /** What the person looking may see (domain/access.ts sightOf); none: everything. */
  sight?: Sight;
}

export interface BoardQueue {
  /** Soonest due first (the next moment one of its SLA clocks changes state). */
  items: Escalation[];
  /** How many match, beyond the page. */
  total: number;
  /** Of those that match: by tier, by SLA status (as the cards show it) and by severity. */
  byTier: Partial<Record<Target, number>>;
  bySla: Partial<Record<SlaStatus, number>>;
  bySeverity: Partial<Record<Severity, number>>;
}

/** What the board's charts draw, each computed by the database. */
export interface BoardCharts {
  openByTierAndSeverity: { target: Target; severity: Severity; count: number }[];
  /** Minutes from raised to acknowledged and to resolved, per tier and week raised (Monday's date). */
  timeToAct: {
    target: Target;
    week: string;
    count: number;
    acknowledgeMedian: number | null;
    acknowledgeP90: number | null;
    resolveMedian: number | null;
    resolveP90: number | null;
  }[];
  /** Escalations whose SLA was breached, per week raised. */
  breachesPerWeek: { week: string; count: number }[];
  /** Open escalations by age. */
  ageOfOpen: { bucket: string; count: number }[];
  /** The escalations linked to the most others as the same issue. */
  patterns: { id: string; summary: string; linked: number }[];
}

/** Escalations, their timelines, links and search: what the use cases read and change. */
export interface EscalationStore {
  /**
   * Stores a new escalation as ESC-n (n never reused), version 1, with a "created" timeline
   * entry; or, for a request key already used (and still usable), returns that escalation
   * (`created: false`), with `conflict: true` when it was asked with another request hash.
   */
  createEscalation(input: NewEscalation): Promise<{ escalation: Escalation; created: boolean; conflict?: boolean }>;
  getEscalation(id: string): Promise<Escalation | undefined>;
  /** Newest first. */
  listEscalations(filter?: EscalationFilter): Promise<Escalation[]>;
  /**
   * Writes `next` (whose version must be expectedVersion + 1) and its timeline entry, queues an
   * update of every posted copy of its card, and saves its `effects`, all in one transaction and
   * only if the stored version is still `expectedVersion` (nothing at all when the save fails).
   * An entry whose `actionKey` is already stored (a retried invoke) writes nothing:
   * `{saved: false, current}`.
   */
  saveEscalation(
    next: Escalation,
    expectedVersion: number,
    entry: Omit<TimelineEntry, 'escalationId' | 'version'>,
    effects?: SaveEffect[],
  ): Promise<SaveResult>;
  /** Oldest first; `asOf`: the escalation's version, when known (what is read already may do). */
  timeline(escalationId: string, asOf?: number): Promise<TimelineEntry[]>;
  /** The timelines of many escalations at once (the SLA watcher's sweep), oldest entry first. */
  timelines(escalationIds: string[]): Promise<Map<string, TimelineEntry[]>>;
  /** Open escalations the SLA watcher should look at now (their scheduled check has come), soonest first. */
  dueForSlaCheck(now: string, limit: number): Promise<Escalation[]>;
  /**
   * Remembers the SLA status each escalation's cards show and when to look at it next, in one
   * transaction; returns the ids whose status this call changed (so one replica updates the cards).
   * Never looked at counts as "within": becoming "within" then changes nothing a card shows.
   */
  recordSla(records: { escalationId: string; status: SlaStatus; nextCheckAt: string }[]): Promise<Set<string>>;
  /** Links two escalations as the same issue (both ways; linking again changes nothing). */
  linkEscalations(a: string, b: string, at: string): Promise<void>;
  /** Every escalation linked to this one, directly or through others, itself included, by id. */
  linkedGroup(escalationId: string): Promise<string[]>;
  /**
   * Escalations whose summary or details (description, environment, expected, actual) contain
   * any of `query`'s errors or its most telling words (the first queryLimits.rankedWords), at
   * most `limit`, closest first by the engine's rank, each with how many of all the query's
   * words and errors it contains. Whether one is similar enough is domain/similarity's isSimilar.
   */
  findSimilar(query: SearchTerms, options: SimilarityOptions): Promise<SimilarCandidate[]>;
  /** The board's queue: a page of what matches, and counts of all that match. */
  boardQueue(filter: BoardFilter, limit: number): Promise<BoardQueue>;
  /** The board's charts over the escalations raised since `since` (and all open ones). */
  boardCharts(filter: Pick<BoardFilter, 'target' | 'sight'>, since: string, now: Date): Promise<BoardCharts>;
  /** People who raised or own recent escalations: whom the local board offers to act as. */
  recentPeople(limit: number): Promise<Person[]>;
  /** Open escalations of a tier that have no posted card yet, oldest first: they wait for a channel. */
  unpostedEscalations(target: Target): Promise<Escalation[]>;
}

/** Where cards go: the channel bound to each tier (and its moves), and every posted copy. */
export interface ChannelStore {
  /** Binds (or moves) a tier's channel and logs the move (if it is one), in one transaction. */
  bindChannel(binding: ChannelBinding, move?: ChannelMove): Promise<void>;
  channelFor(target: Target): Promise<ChannelBinding | undefined>;
  listChannels(): Promise<ChannelBinding[]>;
  /** False when no channel was bound to that tier (and nothing is logged). */
  unbindChannel(target: Target, move: ChannelMove): Promise<boolean>;
  /** Sets the mailboxes a tier's escalations are emailed to (none: clears it). */
  setEmailList(target: Target, addresses: string[], by: Person, at: string): Promise<void>;
  /** Each tier's mailboxes (tiers without any are absent). */
  emailLists(): Promise<Map<Target, string[]>>;
  /** The log of channel moves: the latest `limit`, newest first, or the very first one ('oldest'). */
  channelMoves(limit: number, order?: 'newest' | 'oldest'): Promise<ChannelMove[]>;

  /**
   * Idempotent: recording the same copy twice keeps one. A copy in a chat (personal or group)
   * replaces the earlier copy of the same escalation in that chat: one copy a chat.
   */
  recordPostedCard(card: PostedCard): Promise<void>;
  postedCards(escalationId: string): Promise<PostedCard[]>;
  /** A copy Teams no longer has (deleted, or the bot removed): stop keeping it current. */
  forgetPostedCard(conversationId: string, activityId: string): Promise<void>;
}

/**
 * The delivery outbox. Deliveries are sent at least once, by whichever worker (replica)
 * claims them; an update renders the escalation as it is when sent.
 */
export interface OutboxStore {
  /**
   * Queues deliveries not tied to a save. An update of a copy that already has an update
   * waiting (not yet claimed) is not queued again; a reply whose key was ever queued is not
   * queued again (queued, delivered or given up on).
   */
  enqueueDeliveries(deliveries: Delivery[], at: string): Promise<void>;
  /**
   * Claims up to `limit` due deliveries (not sent, not given up on, next attempt due, no live
   * lease), oldest first, leased to `workerId` until `leaseUntil`. No two claims get the same
   * row while its lease lasts; a lease that runs out (a worker died) makes the row claimable
   * again. A conversation is one worker's at a time: no row is claimed for a conversation another
   * worker holds a live lease in, so its cards go out in order whichever replica sends them.
   */
  claimDeliveries(workerId: string, now: string, leaseUntil: string, limit: number): Promise<QueuedDelivery[]>;
  /**
   * Sent: done for good. With `workerId`, only while that worker still holds the claim (false:
   * its lease ran out and another worker took the row, which will send it).
   */
  completeDelivery(id: number, at: string, workerId?: string): Promise<boolean>;
  /** A send failed and will be tried again: counts the attempt and releases the lease (`workerId`: as above). */
  retryDelivery(id: number, nextAttemptAt: string, error: string, workerId?: string): Promise<boolean>;
  /** A send failed for good (or too often): counts the attempt; the row stays for inspection (`workerId`: as above). */
  failDelivery(id: number, at: string, error: string, workerId?: string): Promise<boolean>;
  /** Gives claimed deliveries back unsent (a worker stopping, a throttled conversation), counting no attempt. */
  releaseDeliveries(ids: number[], nextAttemptAt?: string, workerId?: string): Promise<void>;
  /** The database's clock: the one time every replica agrees on, for leases and retries. */
  databaseNow(): Promise<Date>;
  /** Deliveries not yet sent nor given up on, claimed or not. */
  pendingDeliveries(): Promise<number>;
  /** Deliveries given up on (Teams refused them for good, or too many attempts), ever. */
  failedDeliveries(): Promise<number>;
  /** When the oldest delivery still to be sent was queued; undefined when none waits. */
  oldestPendingDelivery(): Promise<string | undefined>;
  /** The outbox rows, oldest first, for inspection. */
  deliveries(filter?: { escalationId?: string; state?: DeliveryState }): Promise<DeliveryRecord[]>;
}

/**
 * What makes a retry harmless: a request key makes one escalation (createEscalation), and an
 * action key one change (saveEscalation); this asks what a click's key already did.
 */
export interface IdempotencyStore {
  /** The timeline entry written by the save that carried this action key, if any. */
  appliedAction(actionKey: string): Promise<TimelineEntry | undefined>;
}

/** Everything the app keeps, in one database (src/store): each part can be read alone above. */
export interface Store
  extends EscalationStore,
    EscalationSearch,
    ChannelStore,
    OutboxStore,
    IdempotencyStore,
    TicketStore,
    SwarmStore,
    FollowerStore,
    NoticeSource {
  /** True once the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** A conversation id is a channel's, or a thread's in it ("<channel>;messageid=<root>"): the channel's id. */
export const channelOfConversation = (conversationId: string) => conversationId.split(';')[0] as string;

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
