// Escalating: store the brief and queue its post to the tier's channel in one
// transaction; the delivery worker posts it (usually before the person is answered).
// A tier with no channel keeps its escalations waiting until one is bound (postWaiting).
import type { Brief, FieldProblem } from '../domain/brief';
import { escalatedEmailTo } from '../domain/emailing';
import type { Escalation, Person } from '../domain/escalation';
import { isOpen } from '../domain/lifecycle';
import { ticketLabel } from '../domain/tickets';
import type { Target } from '../domain/vocabulary';
import { type AccessDeps, canSee, viewerOn } from './access';
import type { Counters } from './counters';
import type { EscalationDeps } from './escalations';
import type { PersonalChatReach } from './followPorts';
import type { TicketStore } from './helpdeskPorts';
import {
  type ChannelBinding,
  type ChannelStore,
  channelOfConversation,
  type EscalationStore,
  type OutboxStore,
  type PostedCard,
} from './ports';
import { noteEscalated } from './ticketNotes';

export interface PostingDeps extends EscalationDeps {
  store: EscalationStore &
    Pick<ChannelStore, 'channelFor' | 'emailLists' | 'postedCards'> &
    Pick<OutboxStore, 'enqueueDeliveries'> &
    Pick<TicketStore, 'escalationsOfTicket'>;
  counters: Pick<Counters, 'escalationCreated'>;
  /** Wake the delivery worker; resolve once it has posted this escalation's card, or the time is up. */
  awaitPost: (escalationId: string, timeoutMs: number) => Promise<boolean>;
  /** Wake the delivery worker without waiting for it. */
  deliverSoon: () => void;
  log: (message: string) => void;
  /** For the note an escalation's help-desk ticket gets (app/ticketNotes.ts). */
  publicUrl: string;
  linkSecret: string;
}

export interface Escalated {
  escalation: Escalation;
  /** False when the same request was already escalated (a retry or a double click). */
  created: boolean;
  /** The request's key was used for another request: nothing was made (`escalation` is that other one's). */
  conflict?: boolean;
  /** Its ticket already has an open escalation (`escalation`): nothing was made. */
  ticketTaken?: boolean;
  /** Where the card is, once posted. */
  posted?: PostedCard;
  binding?: ChannelBinding;
}

/** How long a person waits for their escalation's post before being answered anyway (Teams allows 5 s). */
export const postWaitMs = 3000;

/** An idempotency key a client sends names its request for this long; after that it is free again. */
export const requestKeyLifetimeMs = 24 * 3_600_000;

/** What makes a request the same as an earlier one: its key, and (for a client's key) a hash of what it asked. */
export interface RequestIdentity {
  key: string;
  hash?: string;
  /** A client's key expires (requestKeyLifetimeMs); one we derive from the request itself does not. */
  expires?: boolean;
}

export async function escalate(
  deps: PostingDeps,
  brief: Brief,
  requester: Person,
  request?: RequestIdentity,
  /**
   * A person waits for their card's post (postWaitMs); a desk's webhook, answered within 2 s, does
   * not. `personalCopy`: where the requester's own live copy goes (from Teams only).
   */
  { waitForPost = true, personalCopy }: { waitForPost?: boolean; personalCopy?: PersonalChatReach } = {},
): Promise<Escalated> {
  const now = deps.clock.now();
  // One open escalation a ticket: a second brief for it is the first one, as a repeat would be.
  const open = brief.ticket && (await deps.store.escalationsOfTicket(brief.ticket)).find((e) => isOpen(e.status));
  if (open) return { escalation: open, created: false, ticketTaken: true };
  const { escalation, created, conflict } = await deps.store.createEscalation({
    brief,
    requester,
    // Security's list hears of every Security escalation, a tier's list of every Critical.
    email: escalatedEmailTo(brief, await deps.store.emailLists()),
    at: now.toISOString(),
    requestKey: request?.key,
    requestHash: request?.hash,
    requestKeyUsableAfter: request?.expires ? new Date(now.getTime() - requestKeyLifetimeMs).toISOString() : undefined,
    post: true,
    personalCopy,
  });
  if (conflict) return { escalation, created, conflict };
  if (created) deps.counters.escalationCreated(escalation);
  if (created) await noteEscalated(deps, escalation);
  const binding = await deps.store.channelFor(escalation.brief.target);
  if (binding && created && waitForPost) await deps.awaitPost(escalation.id, postWaitMs);
  const posted = binding && (await postedIn(deps, escalation, binding));
  return { escalation, created, posted, binding };
}

/** Queues the post of every open escalation of a tier that waited for a channel. */
export async function postWaiting(deps: PostingDeps, target: Target): Promise<Escalation[]> {
  const waiting = await deps.store.unpostedEscalations(target);
  if (waiting.length === 0) return [];
  await deps.store.enqueueDeliveries(
    waiting.map((e) => ({ kind: 'post', escalationId: e.id })),
    deps.clock.now().toISOString(),
  );
  deps.deliverSoon();
  return waiting;
}

/** The copy of the escalation's card in the bound channel, if it has been posted there. */
export async function postedIn(
  deps: { store: Pick<ChannelStore, 'postedCards'> },
  escalation: Escalation,
  binding: ChannelBinding,
): Promise<PostedCard | undefined> {
  const channelId = binding.conversationReference.conversation.id;
  const copies = await deps.store.postedCards(escalation.id);
  return copies.find((copy) => channelOfConversation(copy.conversationId) === channelId);
}

/**
 * What someone is told when their brief's ticket already has an open escalation: its id only if
 * they may see it (of a Security escalation, an outsider learns only that one is open).
 */
export async function ticketTakenProblem(
  deps: AccessDeps,
  person: Person | undefined,
  open: Escalation,
): Promise<FieldProblem> {
  const { viewer } = await viewerOn(deps, person, open);
  return ticketTakenProblemFor(open, canSee(deps, viewer, open));
}

export function ticketTakenProblemFor(open: Escalation, named: boolean): FieldProblem {
  const label = open.brief.ticket ? ticketLabel(open.brief.ticket) : 'This ticket';
  const which = named ? ` as ${open.id} (say "show ${open.id}" to see it)` : '';
  return {
    field: 'ticket',
    message: `${label} is already escalated${which} and still open: add to that escalation instead`,
  };
}
