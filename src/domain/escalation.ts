// An escalation: the brief plus where it stands. Every change bumps `version`
// (optimistic concurrency) and appends one timeline entry.
import type { Brief } from './brief';
import type { SlaStatus, Status } from './vocabulary';

export interface Person {
  /** AAD object id (Teams) when known; API callers may only have a name and email. */
  id?: string;
  name: string;
  email?: string;
  /** The Teams user id ("29:..."): what a card's refresh.userIds names. */
  teamsId?: string;
}

export interface Escalation {
  /** "ESC-12" */
  id: string;
  brief: Brief;
  status: Status;
  owner?: Person;
  requester: Person;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The SLA status its posted cards show (kept by the SLA watcher). */
  cardSla?: SlaStatus;
}

export interface TimelineEntry {
  escalationId: string;
  /** The escalation's version after this change. */
  version: number;
  at: string;
  actor: Person;
  /** What kind of change: "created", "status", "assigned", "note"... */
  kind: string;
  /** What happened, in a sentence a person reads on the card. */
  text: string;
  /** The escalation's status after this change (SLA clocks pause while waiting on the customer). */
  status?: Status;
  /** Identifies the click (Teams invoke) that made this change: a retried invoke is applied once. */
  actionKey?: string;
  /** A saved Teams message's link (domain/savedMessage.ts teamsMessageLink: only Teams' own https links). */
  link?: string;
}

/** What kind of change a timeline entry records. */
export const timelineKinds = {
  created: 'created',
  acknowledged: 'acknowledged',
  assigned: 'assigned',
  statusChanged: 'status_changed',
  resolved: 'resolved',
  reopened: 'reopened',
  customerUpdate: 'customer_update',
  note: 'note',
  retargeted: 'retargeted',
  linked: 'linked',
  /** The brief emailed on demand ("Email the brief"). */
  emailed: 'emailed',
  /** Raised to Leadership by the SLA watcher. */
  raised: 'raised',
  /** Flagged as a pattern (3+ customers) and raised to the tier that can fix it. */
  pattern: 'pattern',
  /** A swarm chat opened or grown (domain/swarm.ts). */
  swarm: 'swarm',
  /** A Teams message saved into the escalation ("Save to escalation"). */
  saved: 'saved',
} as const;

export const escalationIdPattern = /^ESC-([1-9]\d{0,15})$/;

export function escalationNumber(id: string): number | undefined {
  const match = escalationIdPattern.exec(id);
  return match ? Number(match[1]) : undefined;
}

export function escalationId(n: number): string {
  return `ESC-${n}`;
}
