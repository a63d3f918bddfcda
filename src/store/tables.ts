// The rows as stored. Briefs, people and conversation references are JSON text so
// both engines hold them the same way; the columns people filter on are plain.
import type { GeneratedAlways } from 'kysely';

/** PostgreSQL hands bigint back as a string (it may exceed a JS number); SQLite as a number. */
export type StoredNumber = number | string;

export interface EscalationsTable {
  id: GeneratedAlways<StoredNumber>;
  /** Set when the caller gave one: a retried delivery finds its first escalation by it. */
  request_key: string | null;
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
}

export interface TimelineEntriesTable {
  id: GeneratedAlways<StoredNumber>;
  escalation_id: StoredNumber;
  version: number;
  at: string;
  actor: string;
  kind: string;
  text: string;
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
}

export interface EscalationDeskTables {
  escalations: EscalationsTable;
  timeline_entries: TimelineEntriesTable;
  channel_bindings: ChannelBindingsTable;
  posted_cards: PostedCardsTable;
}
