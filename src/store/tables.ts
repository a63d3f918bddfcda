// The rows as stored. Briefs, people and conversation references are JSON text so
// both engines hold them the same way; the columns people filter on are plain.
import type { GeneratedAlways, Kysely } from 'kysely';

/** PostgreSQL hands bigint back as a string (it may exceed a JS number); SQLite as a number. */
export type StoredNumber = number | string;

export interface EscalationsTable {
  id: GeneratedAlways<StoredNumber>;
  /** Set when the caller gave one: a retried delivery finds its first escalation by it. */
  request_key: string | null;
  /** What was asked under request_key (a hash of it): the same key with another request is refused. */
  request_hash: string | null;
  status: string;
  severity: string;
  target: string;
  summary: string;
  brief: string;
  requester: string;
  owner: string | null;
  /** Person ids (AAD object id) of requester and owner, for "mine". */
  requester_id: string | null;
  owner_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** The SLA status its cards last showed: the watcher updates them when it changes. */
  sla_status: string | null;
  /** The help-desk ticket it came from (domain/tickets.ts): one open escalation a ticket. */
  ticket_system: string | null;
  ticket_id: string | null;
  /**
   * When the SLA watcher next looks at it (ISO time): when a clock next changes state, or at
   * once after a change. Far in the future once nothing can change (resolved, closed).
   */
  sla_check_at: string;
}

export interface TimelineEntriesTable {
  id: GeneratedAlways<StoredNumber>;
  escalation_id: StoredNumber;
  version: number;
  at: string;
  actor: string;
  kind: string;
  text: string;
  /** The click that made this change (unique): a retried Teams invoke finds it. */
  action_key: string | null;
  /** The escalation's status after this change. */
  status: string | null;
  /** A saved Teams message's link. */
  link: string | null;
}

/** Escalations linked as the same issue, each link stored both ways. */
export interface EscalationLinksTable {
  escalation_id: StoredNumber;
  linked_id: StoredNumber;
  linked_at: string;
}

export interface ChannelBindingsTable {
  target: string;
  conversation_reference: string;
  bound_by: string;
  bound_at: string;
}

export interface PostedCardsTable {
  conversation_id: string;
  activity_id: string;
  escalation_id: StoredNumber;
  service_url: string;
  posted_at: string;
  /** channel, personal or groupChat (CardPlace). */
  place: string;
  /** A personal copy's person (Entra object id): each person keeps one copy. */
  viewer_id: string | null;
}

/** Every bind, move and unbind of a tier's channel, for `routes` and the first team bound. */
export interface ChannelMovesTable {
  id: GeneratedAlways<StoredNumber>;
  target: string;
  /** ChannelPlace JSON; null when the tier had no channel. */
  from_channel: string | null;
  /** ChannelPlace JSON; null when it was unbound. */
  to_channel: string | null;
  moved_by: string;
  moved_at: string;
}

/** One card post, update, reply or email waiting to be sent, sent, or given up on. */
export interface OutboxTable {
  id: GeneratedAlways<StoredNumber>;
  kind: string;
  /** None for a note to a ticket that has no escalation yet (a draft's). */
  escalation_id: StoredNumber | null;
  /** ticketNote: the ticket, as JSON (domain/tickets.ts Ticket). */
  ticket: string | null;
  /** update and reply: where. */
  conversation_id: string | null;
  /** update: which copy of the card. */
  activity_id: string | null;
  service_url: string | null;
  /** reply: what it says; email: why it is sent (an EmailReason); personal: the person's tenant. */
  text: string | null;
  /** post: the tier whose channel it goes to, when not the escalation's own. */
  target: string | null;
  /** reply, email, ticketNote, personal: once-only key (unique; kept after sending, so it is never queued twice). */
  reply_key: string | null;
  /** email: the mailboxes, as JSON; personal: the person (id and Teams id), as JSON. */
  recipients: string | null;
  /**
   * post and update: set (unique) while the row waits unclaimed, so a burst of changes to
   * one copy queues one row; cleared when a worker claims it.
   */
  pending_key: string | null;
  attempts: number;
  next_attempt_at: string;
  claimed_by: string | null;
  /** The lease: no other worker claims the row before this time. */
  claimed_until: string | null;
  created_at: string;
  delivered_at: string | null;
  failed_at: string | null;
  last_error: string | null;
}

/** The mailboxes a tier's escalations are emailed to. */
export interface TierEmailsTable {
  target: string;
  /** JSON list of addresses. */
  addresses: string;
  set_by: string;
  set_at: string;
}

export interface EscalationDeskTables {
  escalations: EscalationsTable;
  timeline_entries: TimelineEntriesTable;
  channel_bindings: ChannelBindingsTable;
  posted_cards: PostedCardsTable;
  outbox: OutboxTable;
  escalation_links: EscalationLinksTable;
  channel_moves: ChannelMovesTable;
  tier_emails: TierEmailsTable;
  ticket_drafts: TicketDraftsTable;
  swarm_chats: SwarmChatsTable;
  followers: FollowersTable;
}

/** A person who follows an escalation (store/followers.ts); `person`: them as JSON (domain/escalation.ts Person). */
export interface FollowersTable {
  escalation_id: StoredNumber;
  person_id: string;
  person: string;
  followed_at: string;
}

/** An escalation's one group chat (app/swarmPorts.ts); chat_id null: being opened (a claim). */
export interface SwarmChatsTable {
  escalation_id: StoredNumber;
  chat_id: string | null;
  service_url: string | null;
  tier: string | null;
  /** JSON: Person[]. */
  members: string | null;
  /** JSON: Person. */
  opened_by: string | null;
  opened_at: string;
}

/** A help-desk ticket sent to escalate that lacked what the form requires: what it gave, to open the form with. */
export interface TicketDraftsTable {
  ticket_system: string;
  ticket_id: string;
  /** The form's values as JSON (the escalation form's input ids). */
  form: string;
  /** The agent who escalated it in the desk, as JSON (a Person). */
  agent: string;
  created_at: string;
  updated_at: string;
}

/** The two engines behind one query code base: embedded SQLite, or PostgreSQL shared by replicas. */
export type Engine = 'sqlite' | 'postgres';

/** The one database every part of the store reads and writes. */
export type Db = Kysely<EscalationDeskTables>;

/** Rows one statement carries at most (a multi-row insert, an IN list): well under SQLite's limit on bound values. */
export const rowsPerStatement = 500;
