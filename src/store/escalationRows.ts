// Escalations and timeline entries as rows: what a stored escalation reads back as.
import type { Selectable } from 'kysely';
import type { Brief } from '../domain/brief';
import { type Escalation, escalationId, type Person, type TimelineEntry } from '../domain/escalation';
import type { SlaStatus, Status } from '../domain/vocabulary';
import type { EscalationsTable, TimelineEntriesTable } from './tables';

/** What the row will read back as: JSON drops undefined fields, so callers compare like with like. */
export function stored<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The parts of a brief that lists and the board filter on, as plain columns. */
export function briefColumns(brief: Brief) {
  return { severity: brief.severity, target: brief.target, summary: brief.summary };
}

/**
 * A brief read back is the same (frozen) object as long as its text is the same: a click reads its
 * escalation again and again while the brief rarely changes, and what is drawn from a brief
 * (teams/cards/briefCard.ts) is kept by it.
 */
const briefsRead = new Map<string, Brief>();
const briefsKept = 2000;

export function briefFromText(text: string): Brief {
  let brief = briefsRead.get(text);
  if (!brief) {
    brief = deepFreeze(JSON.parse(text) as Brief);
    if (briefsRead.size >= briefsKept) briefsRead.delete(briefsRead.keys().next().value as string);
    briefsRead.set(text, brief);
  }
  return brief;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export function escalationFromRow(row: Selectable<EscalationsTable>): Escalation {
  const escalation: Escalation = {
    id: escalationId(Number(row.id)),
    brief: briefFromText(row.brief),
    status: row.status as Status,
    requester: JSON.parse(row.requester) as Person,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.owner !== null) escalation.owner = JSON.parse(row.owner) as Person;
  if (row.sla_status !== null) escalation.cardSla = row.sla_status as SlaStatus;
  return escalation;
}

export function entryFromRow(row: Selectable<TimelineEntriesTable>): TimelineEntry {
  const entry: TimelineEntry = {
    escalationId: escalationId(Number(row.escalation_id)),
    version: row.version,
    at: row.at,
    actor: JSON.parse(row.actor) as Person,
    kind: row.kind,
    text: row.text,
  };
  if (row.action_key !== null) entry.actionKey = row.action_key;
  if (row.status !== null) entry.status = row.status as Status;
  if (row.link !== null) entry.link = row.link;
  return entry;
}
