// What Escalation Desk asks of a help desk: read a ticket (to fill the form, to escalate from a
// webhook) and write an internal note on it. One implementation a desk (zendesk.ts,
// servicenow.ts, jira.ts), each plain fetch against the desk's REST API.
import type { DeskSystem, Ticket } from '../domain/tickets';

/** A ticket as the form and a webhook's escalation read it. */
export interface TicketFacts {
  ticket: Ticket & { url: string };
  summary: string;
  /** Plain text (HTML and Jira's document format made plain). */
  description: string;
  /** The desk's priority as it says it ("urgent", "1", "Highest"); domain/tickets.ts severityFromPriority reads it. */
  priority?: string;
  /** The customer's organisation (Zendesk, Jira) or company (ServiceNow), when the ticket has one. */
  customerNames: string[];
  /** Who raised it. */
  requester?: { name: string; email?: string };
  /** The latest reply the customer could read (public), not the customer's own: the last customer update. */
  lastPublicReply?: PublicReply;
}

export interface PublicReply {
  /** The desk's id of the comment: a reply is logged once. */
  id: string;
  /** ISO time. */
  at: string;
  author: string;
  /** Plain text. */
  text: string;
}

/** A desk that answered with an error, or did not answer: `statusCode` and `retryAfterMs` as the delivery worker reads them (app/sendFailure.ts). */
export class DeskError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeskError';
  }
}

export interface Desk {
  system: DeskSystem;
  /** The desk's base URL, as configured (its tickets' links start with it). */
  baseUrl: string;
  /** The ticket, or undefined when the desk does not know it (404). Throws DeskError when the desk is down or refuses. */
  readTicket(id: string): Promise<TicketFacts | undefined>;
  /** The latest public reply on the ticket that is not the customer's own, if any. Throws DeskError. */
  latestPublicReply(id: string): Promise<PublicReply | undefined>;
  /** Writes an internal note (never public: a public one is emailed to the customer). Throws DeskError. */
  writeInternalNote(id: string, text: string): Promise<void>;
}
