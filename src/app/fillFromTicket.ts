// "Fill from ticket": the escalation form filled from a help-desk ticket named in its Ticket field,
// wherever the form is (the dialog, the chat card, `new <ticket>`, a message's "..." menu). What the
// person typed stays; the ticket fills the blanks, and the draft a desk's webhook left for that
// ticket (app/fromHelpdesk.ts: its tier, signals...) fills what the ticket does not say. A ticket the
// desk does not know, or a desk that does not answer, leaves the form as typed, with a sentence.
import type { FieldProblem } from '../domain/brief';
import { type FormValues, formFromTicket, type TicketContent } from '../domain/ticketForm';
import {
  type DeskPlace,
  type DeskSystem,
  deskLabels,
  isDeskSystem,
  type Ticket,
  ticketFromReference,
  ticketLabel,
} from '../domain/tickets';
import { type FormInput, formInputs } from '../domain/verbs';
import type { TicketDraft, TicketStore } from './helpdeskPorts';

/** A connected desk as the form reads it (src/helpdesk/desk.ts Desk fits). */
export interface TicketReader {
  /** The ticket, or undefined when the desk does not know it; throws when the desk is down or refuses. */
  readTicket(id: string): Promise<TicketContent | undefined>;
}

export interface FillDeps {
  /** The connected desks: how a ticket's number or link is read. */
  desks: readonly DeskPlace[];
  deskReaders: ReadonlyMap<DeskSystem, TicketReader>;
  store: Pick<TicketStore, 'ticketDraft'>;
}

/** The form to show again: its values, and what to tell the person (a sentence, or a problem by its field). */
export interface FilledForm {
  values: Record<string, unknown>;
  notice?: string;
  problems?: FieldProblem[];
  /** The ticket the form was filled from; undefined when it was not (the form as typed). */
  filledFrom?: Ticket;
}

export async function fillFromTicket(typed: Record<string, unknown>, deps: FillDeps): Promise<FilledForm> {
  const reference = typeof typed.ticket === 'string' ? typed.ticket.trim() : '';
  if (!reference) return onTicketField(typed, "Paste the ticket's link or number here, then press Fill from ticket.");
  const ticket = ticketFromReference(reference, deps.desks);
  if ('problem' in ticket) return onTicketField(typed, ticket.problem);
  const desk = connectedDesk(ticket, deps);
  if (!desk) {
    const notice = `${ticket.system} is not a help desk Escalation Desk is connected to: fill the form in by hand (the link stays on the brief).`;
    return { values: typed, notice };
  }
  let content: TicketContent | undefined;
  try {
    content = await desk.reader.readTicket(ticket.id);
  } catch (error) {
    const why = `${desk.label} did not answer for ticket ${ticket.id} (${reasonOf(error)})`;
    return deskDidNotAnswer(typed, ticket, deps, why);
  }
  if (!content) return onTicketField(typed, `${desk.label} does not know ticket ${ticket.id}: check the number.`);
  return filled(typed, content, await deps.store.ticketDraft(content.ticket), deps.desks);
}

/** The desk a ticket is in, when Escalation Desk is connected to it (a link elsewhere names a host). */
function connectedDesk(ticket: Ticket, deps: FillDeps): { label: string; reader: TicketReader } | undefined {
  const reader = isDeskSystem(ticket.system) ? deps.deskReaders.get(ticket.system) : undefined;
  return reader && isDeskSystem(ticket.system) ? { label: deskLabels[ticket.system], reader } : undefined;
}

/** The ticket's values under what was typed, the draft's under the ticket's. */
function filled(
  typed: Record<string, unknown>,
  content: TicketContent,
  draft: TicketDraft | undefined,
  desks: readonly DeskPlace[],
): FilledForm {
  const fromTicket = formFromTicket(content, typedText(typed));
  const values = {
    ...typed,
    ...nonEmpty(draft?.form ?? {}),
    ...fromTicket,
    ticket: ticketField(content.ticket, desks),
  };
  const label = ticketLabel(content.ticket);
  const sent = draft ? ` and what ${draft.agent.name} sent from ${label.split(' ')[0]}` : '';
  return { values, notice: `Filled from ${label}${sent}: check it and complete the rest.`, filledFrom: content.ticket };
}

/** The desk is down or refused: the form as typed, a draft's values in its blanks, and why. */
async function deskDidNotAnswer(
  typed: Record<string, unknown>,
  ticket: Ticket,
  deps: FillDeps,
  why: string,
): Promise<FilledForm> {
  const draft = await deps.store.ticketDraft(ticket);
  const notice = `${why}: the form keeps what you typed; try again or fill it in by hand.`;
  if (!draft) return { values: typed, notice };
  const values = { ...typed, ...nonEmpty(draft.form), ...typedText(typed) };
  return { values, notice: `${notice} What ${draft.agent.name} sent from the desk is filled in.` };
}

function onTicketField(typed: Record<string, unknown>, message: string): FilledForm {
  return { values: typed, problems: [{ field: 'ticket', message }] };
}

/**
 * What the Ticket field holds once filled: the ticket's link when it reads back as the same ticket,
 * else the link its label reads as (a ServiceNow link by sys_id would read back as the sys_id,
 * not the incident's number the desk's webhooks and drafts key it by).
 */
function ticketField(ticket: Ticket, desks: readonly DeskPlace[]): string {
  const same = (read: Ticket | { problem: string }): read is Ticket =>
    !('problem' in read) && read.system === ticket.system && read.id === ticket.id;
  const fromLink = ticket.url ? ticketFromReference(ticket.url, desks) : undefined;
  if (fromLink && same(fromLink) && ticket.url) return ticket.url;
  const fromLabel = ticketFromReference(ticketLabel(ticket), desks);
  return same(fromLabel) && fromLabel.url ? fromLabel.url : ticketLabel(ticket);
}

/** The form's inputs that say something, as text (a card sends strings; a number input may come as a number). */
function typedText(typed: Record<string, unknown>): FormValues {
  const said: FormValues = {};
  for (const field of formInputs) {
    const value = typed[field];
    if (typeof value === 'number' && Number.isFinite(value)) said[field] = String(value);
    if (typeof value === 'string' && value.trim() !== '') said[field] = value;
  }
  return said;
}

function nonEmpty(form: Record<string, string>): FormValues {
  const known = new Set<string>(formInputs);
  return Object.fromEntries(
    Object.entries(form).filter(([field, value]) => known.has(field) && value.trim() !== ''),
  ) as Partial<Record<FormInput, string>>;
}

/** A desk's error says what happened in a sentence (src/helpdesk/deskHttp.ts); kept short on the form. */
function reasonOf(error: unknown): string {
  const said = error instanceof Error ? error.message : String(error);
  return said.length > 200 ? `${said.slice(0, 199)}…` : said;
}
