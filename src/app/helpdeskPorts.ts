// What the help-desk use cases (app/fromHelpdesk.ts, app/ticketNotes.ts) need from the store and
// the desks, beside ports.ts: an escalation's ticket, a ticket's draft, and a note to a ticket.
import type { Escalation, Person } from '../domain/escalation';
import type { Ticket } from '../domain/tickets';

/**
 * An internal note to a ticket, sent by the delivery worker through the desk's API; `key` makes it
 * once-only. A draft's note belongs to no escalation yet.
 */
export interface TicketNoteDelivery {
  kind: 'ticketNote';
  escalationId?: string;
  ticket: Ticket;
  text: string;
  key: string;
}

/** A ticket sent to escalate that lacked what the form requires: what it gave, for the form. */
export interface TicketDraft {
  ticket: Ticket;
  /** The escalation form's values (its input ids), as the desk gave them. */
  form: Record<string, string>;
  /** The agent who escalated it in the desk. */
  agent: Person;
  createdAt: string;
  updatedAt: string;
}

export interface TicketStore {
  /** Every escalation of this ticket (its desk and id), newest first. */
  escalationsOfTicket(ticket: Pick<Ticket, 'system' | 'id'>): Promise<Escalation[]>;
  /** Keeps a ticket's draft (the latest one the desk sent replaces the earlier). */
  saveTicketDraft(draft: TicketDraft): Promise<void>;
  ticketDraft(ticket: Pick<Ticket, 'system' | 'id'>): Promise<TicketDraft | undefined>;
}
