// Saving a decided change (domain/decide.ts): the next version, its timeline entry, the update of
// every posted copy of its card and its effects, all or nothing (the store's one transaction).
// Every move, a person's or the desk's, is saved through here.
import type { Change, Effect } from '../domain/decide';
import type { Escalation, Person } from '../domain/escalation';
import { madeBy, mattersToFollowers } from '../domain/notifications';
import { changeNote } from '../domain/ticketNotes';
import { isDeskSystem } from '../domain/tickets';
import { followersOf } from './following';
import type { NoticeSource } from './followPorts';
import type { ClickedCopy, EscalationStore, SaveEffect, SaveResult } from './ports';

export interface ChangeMeta {
  at: string;
  actor: Person;
  /** Identifies the click that made it: a retried delivery of it is applied once. */
  actionKey?: string;
  /** The message clicked, when the click's turn sends its update (app/sendAhead.ts). */
  clicked?: ClickedCopy;
}

/** The store a change is saved in; one that knows followers (the app's) also queues their notices. */
export type ChangeStore = Pick<EscalationStore, 'saveEscalation'> & Partial<NoticeSource>;

export async function saveChange(
  store: ChangeStore,
  escalation: Escalation,
  change: Change,
  meta: ChangeMeta,
): Promise<SaveResult> {
  const { clicked, ...about } = meta;
  const effects = [
    ...change.effects.map((effect) => saveEffectOf(escalation.id, effect)),
    ...ticketNoteOf(change),
    ...(await noticesOf(store, change, meta)),
    ...(clicked ? [clicked] : []),
  ];
  return store.saveEscalation(change.next, escalation.version, { ...change.entry, ...about }, effects);
}

/**
 * A notice for each follower but the one who made the change, queued with the change (so none is
 * lost) and due when the window is up. Whether they may still see it is asked when it is sent.
 */
async function noticesOf(store: ChangeStore, { next, entry }: Change, meta: ChangeMeta): Promise<SaveEffect[]> {
  if (!store.followers || !store.noticeWindowMs || !mattersToFollowers(entry, next.status)) return [];
  const notBefore = new Date(Date.parse(meta.at) + store.noticeWindowMs()).toISOString();
  return followersOf(next, await store.followers(next.id)).flatMap((person) =>
    person.id && person.teamsId && !madeBy({ actor: meta.actor }, person.id)
      ? [
          {
            kind: 'notice' as const,
            escalationId: next.id,
            person: { id: person.id, teamsId: person.teamsId },
            notBefore,
          },
        ]
      : [],
  );
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
