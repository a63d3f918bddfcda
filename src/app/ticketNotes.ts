// The notes a ticket gets when its escalation is made: where to follow it in Teams and the brief
// (domain/ticketNotes.ts words them). Queued with a once-only key, so a repeat adds nothing;
// every later change's note is queued with the change itself (app/changes.ts).
import { channelViewer } from '../domain/access';
import type { Escalation } from '../domain/escalation';
import { escalatedNote } from '../domain/ticketNotes';
import { isDeskSystem } from '../domain/tickets';
import { isRestricted } from '../domain/tiers';
import { briefLink } from './briefLinks';
import type { TicketNoteDelivery } from './helpdeskPorts';
import type { Clock, OutboxStore } from './ports';

export interface TicketNoteDeps {
  store: Pick<OutboxStore, 'enqueueDeliveries'>;
  clock: Clock;
  publicUrl: string;
  linkSecret: string;
  deliverSoon: () => void;
}

/** The ticket hears once that it was escalated, with the Teams link and (where its reader may open it) the brief's. */
export async function noteEscalated(deps: TicketNoteDeps, escalation: Escalation): Promise<void> {
  const ticket = escalation.brief.ticket;
  if (!ticket || !isDeskSystem(ticket.system)) return;
  const now = deps.clock.now();
  const requesterId = escalation.requester.id;
  // The brief's link is for its requester, or anyone for an open tier; a Security one without a requester id has none.
  const viewer = requesterId
    ? { admin: false, memberOf: new Set<never>(), id: requesterId }
    : isRestricted(escalation.brief.target)
      ? undefined
      : channelViewer(undefined);
  const links = {
    teams: `${deps.publicUrl}/escalations/${escalation.id}`,
    ...(viewer && { brief: briefLink(deps.publicUrl, deps.linkSecret, escalation.id, viewer, now) }),
  };
  const note: TicketNoteDelivery = {
    kind: 'ticketNote',
    escalationId: escalation.id,
    ticket,
    text: escalatedNote(escalation, links),
    key: `ticket-note:${escalation.id}:escalated`,
  };
  await deps.store.enqueueDeliveries([note], now.toISOString());
  deps.deliverSoon();
}
