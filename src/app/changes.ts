// Saving a decided change (domain/decide.ts): the next version, its timeline entry, the update of
// every posted copy of its card and its effects, all or nothing (the store's one transaction).
// Every move, a person's or the desk's, is saved through here.
import type { Change, Effect } from '../domain/decide';
import type { Escalation, Person } from '../domain/escalation';
import { changeNote } from '../domain/ticketNotes';
import { isDeskSystem } from '../domain/tickets';
import type { ClickedCopy, EscalationStore, SaveEffect, SaveResult } from './ports';

export interface ChangeMeta {
  at: string;
  actor: Person;
  /** Identifies the click that made it: a retried delivery of it is applied once. */
  actionKey?: string;
  /** The message clicked, when the click's turn sends its update (app/sendAhead.ts). */
  clicked?: ClickedCopy;
}

export function saveChange(
  store: Pick<EscalationStore, 'saveEscalation'>,
  escalation: Escalation,
  change: Change,
  meta: ChangeMeta,
): Promise<SaveResult> {
  const { clicked, ...about } = meta;
  const effects = [
    ...change.effects.map((effect) => saveEffectOf(escalation.id, effect)),
    ...ticketNoteOf(change),
    ...(clicked ? [clicked] : []),
  ];
  return store.saveEscalation(change.next, escalation.version, { ...change.entry, ...about }, effects);
}

/** The note the ticket it came from gets of this change (domain/ticketNotes.ts), sent once whoever saves it. */
function ticketNoteOf({ next, entry }: Change): SaveEffect[] {
  const ticket = next.brief.ticket;
  // Only the desks Escalation Desk writes to (Zendesk, ServiceNow, Jira) hear back; another desk's ticket is a link.
  const text = ticket && isDeskSystem(ticket.system) && changeNote(next, entry);
  return text
    ? [{ kind: 'ticketNote', escalationId: next.id, ticket, text, key: `ticket-note:${next.id}:v${next.version}` }]
    : [];
}

function saveEffectOf(escalationId: string, effect: Effect): SaveEffect {
  switch (effect.kind) {
    case 'post':
      return { kind: 'post', escalationId, ...(effect.target ? { target: effect.target } : {}) };
    case 'email':
      return { kind: 'email', escalationId, to: effect.to, reason: effect.reason, key: effect.key };
    case 'link':
      return effect;
  }
}
