// A help desk's webhook, once its signature is checked and its body read (src/http/helpdeskRoutes.ts):
// escalate the ticket (or keep it as a draft when it lacks what the form requires), or log a
// public reply on it as a customer update. Desks deliver at least once, late and twice: one open
// escalation a ticket (a repeat is a duplicate, never an error), every write keyed by the ticket.

import { parseBrief } from '../domain/brief';
import { customerUpdateFromTicket } from '../domain/decide';
import type { Escalation, Person } from '../domain/escalation';
import { isOpen } from '../domain/lifecycle';
import { type FormValues, formFromTicket, type TicketContent } from '../domain/ticketForm';
import { draftNote } from '../domain/ticketNotes';
import { type DeskPlace, isOwnNote, type Ticket, ticketLabel } from '../domain/tickets';
import { targetNamed } from '../domain/tiers';
import { signals as knownSignals, type Signal } from '../domain/vocabulary';
import { saveChange } from './changes';
import { escalate, type PostingDeps } from './escalate';
import type { TicketNoteDelivery, TicketStore } from './helpdeskPorts';
import type { ChannelStore, EscalationStore, IdempotencyStore } from './ports';
import { noteEscalated } from './ticketNotes';

/** What a desk's webhook asks, read from its body (src/helpdesk/webhooks.ts). */
export type DeskEvent =
  | {
      kind: 'escalate';
      ticket: Ticket;
      /** The tier as the desk names it ("engineering"), when it names one. */
      tier?: string;
      signals: string[];
      agent: Person;
      /** What the desk's body or API says of the ticket; the rest of the form from `form`. */
      content: TicketContent;
      form: FormValues;
    }
  | { kind: 'publicReply'; ticket: Ticket; reply: { id: string; at: string; author: string; text: string } }
  | { kind: 'ignored'; why: string };

export type DeskOutcome = {
  escalationId: string | null;
  outcome: 'escalated' | 'draft' | 'duplicate' | 'customer_update' | 'ignored';
};

export interface HelpdeskDeps extends PostingDeps {
  store: PostingDeps['store'] &
    TicketStore &
    IdempotencyStore &
    Pick<EscalationStore, 'linkEscalations'> &
    Pick<ChannelStore, 'postedCards'>;
  desks: readonly DeskPlace[];
  publicUrl: string;
  linkSecret: string;
  /** The bot's app id: the draft's link opens a chat with it. */
  appId: string;
}

export async function fromHelpdesk(deps: HelpdeskDeps, event: DeskEvent): Promise<DeskOutcome> {
  switch (event.kind) {
    case 'ignored':
      return { escalationId: null, outcome: 'ignored' };
    case 'publicReply':
      return publicReply(deps, event);
    case 'escalate':
      return escalateTicket(deps, event);
  }
}

async function escalateTicket(
  deps: HelpdeskDeps,
  event: Extract<DeskEvent, { kind: 'escalate' }>,
): Promise<DeskOutcome> {
  const earlier = await deps.store.escalationsOfTicket(event.ticket);
  const open = earlier.find((e) => isOpen(e.status));
  if (open) {
    // Queued again in case the first delivery stopped before its note was (its key keeps it once).
    await noteEscalated(deps, open);
    return { escalationId: open.id, outcome: 'duplicate' };
  }
  const closed = earlier[0];
  const form = formOf(event);
  const parsed = parseBrief(form, { desks: deps.desks });
  if (!parsed.ok)
    return draft(
      deps,
      event,
      form,
      closed,
      parsed.problems.map((p) => p.field),
    );
  const brief = { ...parsed.value, ticket: event.ticket };
  // One escalation a ticket while it is open: two deliveries at once make one (the request key).
  const key = `ticket:${event.ticket.system}:${event.ticket.id}:after:${closed?.id ?? 'none'}`;
  const made = await escalate(deps, brief, event.agent, { key }, { waitForPost: false });
  if (made.created && closed) {
    await deps.store.linkEscalations(made.escalation.id, closed.id, deps.clock.now().toISOString());
  }
  if (!made.created) await noteEscalated(deps, made.escalation);
  return { escalationId: made.escalation.id, outcome: made.created ? 'escalated' : 'duplicate' };
}

/** The form's values: the ticket's, then what the desk's body says (tier, signals, any form field). */
function formOf(event: Extract<DeskEvent, { kind: 'escalate' }>): FormValues {
  const target = event.tier ? targetNamed(event.tier) : undefined;
  const signals = event.signals.filter((s): s is Signal => (knownSignals as readonly string[]).includes(s));
  return formFromTicket(event.content, {
    ...event.form,
    ...(target && { target }),
    ...(signals.length > 0 && { signals: signals.join(',') }),
  });
}

/** Kept as a draft: nothing posted, and the ticket told (once) what it lacks, with the link that opens the form. */
async function draft(
  deps: HelpdeskDeps,
  event: Extract<DeskEvent, { kind: 'escalate' }>,
  form: FormValues,
  closed: Escalation | undefined,
  fields: string[],
): Promise<DeskOutcome> {
  const at = deps.clock.now().toISOString();
  await deps.store.saveTicketDraft({
    ticket: event.ticket,
    form: definedOnly(form),
    agent: event.agent,
    createdAt: at,
    updatedAt: at,
  });
  const missing = [...new Set(fields.map(fieldName))];
  const note: TicketNoteDelivery = {
    kind: 'ticketNote',
    ticket: event.ticket,
    text: draftNote(event.ticket, missing, formLink(deps, event.ticket)),
    key: `ticket-note:draft:${event.ticket.system}:${event.ticket.id}:after:${closed?.id ?? 'none'}`,
  };
  await deps.store.enqueueDeliveries([note], at);
  deps.deliverSoon();
  return { escalationId: null, outcome: 'draft' };
}

/** A chat with the bot, "new <ticket>" typed for the person: the form opens filled from the ticket and its draft. */
export function formLink(deps: Pick<HelpdeskDeps, 'appId' | 'publicUrl'>, ticket: Ticket): string {
  const command = encodeURIComponent(`new ${ticketLabel(ticket)}`).replace(/%20/g, '%20');
  if (!deps.appId) return `${deps.publicUrl} (say "new ${ticketLabel(ticket)}" to Escalation Desk in Teams)`;
  return `https://teams.microsoft.com/l/chat/0/0?users=28:${deps.appId}&message=${command}`;
}

/** A public reply on the ticket of an open escalation: its customer update, once per reply; our own notes change nothing. */
async function publicReply(
  deps: HelpdeskDeps,
  event: Extract<DeskEvent, { kind: 'publicReply' }>,
): Promise<DeskOutcome> {
  if (isOwnNote(event.reply.text)) return { escalationId: null, outcome: 'ignored' };
  const open = (await deps.store.escalationsOfTicket(event.ticket)).find((e) => isOpen(e.status));
  if (!open) return { escalationId: null, outcome: 'ignored' };
  const at = deps.clock.now().toISOString();
  const desk = ticketLabel(event.ticket).split(' ')[0] ?? event.ticket.system;
  const actionKey = `ticket-reply:${event.ticket.system}:${event.ticket.id}:${event.reply.id}`;
  for (let tries = 0; tries < 3; tries += 1) {
    const current = tries === 0 ? open : await deps.store.getEscalation(open.id);
    if (!current) break;
    const change = customerUpdateFromTicket(current, event.reply, desk, at);
    const saved = await saveChange(deps.store, current, change, { at, actor: { name: event.reply.author }, actionKey });
    if (saved.saved) deps.deliverSoon();
    if (saved.saved || (await deps.store.appliedAction(actionKey))) break;
  }
  return { escalationId: open.id, outcome: 'customer_update' };
}

function definedOnly(form: FormValues): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

const fieldNames: Record<string, string> = {
  summary: 'a summary',
  severity: 'a severity',
  target: 'a tier to escalate to',
  customersAffected: 'how many customers are affected',
  workflowImpact: 'the workflow impact',
  description: 'a description',
  asks: "what's needed",
};

function fieldName(field: string): string {
  return fieldNames[field] ?? field;
}
