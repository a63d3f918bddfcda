// Zendesk's REST API (/api/v2): a ticket with its requester and organisation sideloaded, its
// comments newest first, and an internal note written as a private comment. Ticket ids are numbers.
import type { DeskSystem } from '../domain/tickets';
import { isOwnNote } from '../domain/tickets';
import type { DeskConnection } from './config';
import type { Desk, PublicReply, TicketFacts } from './desk';
import { DeskHttp, notATicket, unlessUnknown } from './deskHttp';

interface ZendeskUser {
  id: number;
  name: string;
  email?: string | null;
}

interface ZendeskTicket {
  ticket: {
    id: number;
    subject?: string | null;
    description?: string | null;
    priority?: string | null;
    requester_id?: number | null;
    organization_id?: number | null;
  };
  users?: ZendeskUser[];
  organizations?: { id: number; name: string }[];
}

interface ZendeskComments {
  comments: { id: number; author_id: number; body: string; plain_body?: string; public: boolean; created_at: string }[];
  users?: ZendeskUser[];
}

const ticketNumber = /^[1-9]\d{0,15}$/;

export class ZendeskDesk implements Desk {
  readonly system: DeskSystem = 'zendesk';
  readonly baseUrl: string;
  private readonly http: DeskHttp;

  constructor(connection: DeskConnection, timeoutMs = 10_000) {
    this.baseUrl = connection.baseUrl;
    // Zendesk's API token auth: the agent's email with "/token", then the token.
    const account = {
      label: 'Zendesk',
      baseUrl: connection.baseUrl,
      user: `${connection.user}/token`,
      secret: connection.secret,
    };
    this.http = new DeskHttp(account, timeoutMs);
  }

  async readTicket(id: string): Promise<TicketFacts | undefined> {
    const found = await this.ticket(id, '?include=users,organizations');
    if (!found) return undefined;
    const { ticket, users = [], organizations = [] } = found;
    const organization = organizations.find((o) => o.id === ticket.organization_id);
    const requester = users.find((u) => u.id === ticket.requester_id);
    const lastPublicReply = await this.latestReply(id, ticket.requester_id);
    return {
      ticket: { system: this.system, id, url: `${this.baseUrl}/agent/tickets/${id}` },
      summary: ticket.subject ?? '',
      description: ticket.description ?? '',
      ...(ticket.priority && { priority: ticket.priority }),
      customerNames: organization ? [organization.name] : [],
      ...(requester && { requester: { name: requester.name, ...(requester.email && { email: requester.email }) } }),
      ...(lastPublicReply && { lastPublicReply }),
    };
  }

  async latestPublicReply(id: string): Promise<PublicReply | undefined> {
    const found = await this.ticket(id, '');
    return found && this.latestReply(id, found.ticket.requester_id);
  }

  async writeInternalNote(id: string, text: string): Promise<void> {
    if (!ticketNumber.test(id)) throw notATicket('Zendesk', id, 'its number');
    // Zendesk makes a comment public unless told otherwise: public is always said.
    await this.http.send('PUT', `/api/v2/tickets/${id}.json`, { ticket: { comment: { body: text, public: false } } });
  }

  private async ticket(id: string, query: string): Promise<ZendeskTicket | undefined> {
    if (!ticketNumber.test(id)) return undefined;
    return unlessUnknown(this.http.send<ZendeskTicket>('GET', `/api/v2/tickets/${id}.json${query}`));
  }

  /** The newest public comment that is neither the customer's (the requester's) nor our own note. */
  private async latestReply(id: string, requesterId: number | null | undefined): Promise<PublicReply | undefined> {
    const path = `/api/v2/tickets/${id}/comments.json?sort_order=desc&include=users`;
    const answer = await unlessUnknown(this.http.send<ZendeskComments>('GET', path));
    const reply = answer?.comments.find(
      (c) => c.public === true && c.author_id !== requesterId && !isOwnNote(c.plain_body ?? c.body),
    );
    if (!reply) return undefined;
    const author = answer?.users?.find((u) => u.id === reply.author_id)?.name ?? `Zendesk user ${reply.author_id}`;
    return { id: String(reply.id), at: reply.created_at, author, text: reply.plain_body ?? reply.body };
  }
}
