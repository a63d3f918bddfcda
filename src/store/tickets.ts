// Help-desk tickets in the store: the escalations a ticket made (by its columns, not its brief's
// JSON) and the drafts of tickets that lacked what the form requires.
import type { TicketDraft, TicketStore } from '../app/helpdeskPorts';
import type { Escalation, Person } from '../domain/escalation';
import type { Ticket } from '../domain/tickets';
import { escalationFromRow } from './escalationRows';
import type { Db } from './tables';

export class Tickets implements TicketStore {
  constructor(private readonly db: Db) {}

  async escalationsOfTicket(ticket: Pick<Ticket, 'system' | 'id'>): Promise<Escalation[]> {
    const rows = await this.db
      .selectFrom('escalations')
      .selectAll()
      .where('ticket_system', '=', ticket.system)
      .where('ticket_id', '=', ticket.id)
      .orderBy('id', 'desc')
      .limit(50)
      .execute();
    return rows.map(escalationFromRow);
  }

  async saveTicketDraft(draft: TicketDraft): Promise<void> {
    const row = {
      ticket_system: draft.ticket.system,
      ticket_id: draft.ticket.id,
      form: JSON.stringify({ ...draft.form, ...(draft.ticket.url && { ticketUrl: draft.ticket.url }) }),
      agent: JSON.stringify(draft.agent),
      created_at: draft.createdAt,
      updated_at: draft.updatedAt,
    };
    await this.db
      .insertInto('ticket_drafts')
      .values(row)
      .onConflict((c) =>
        c
          .columns(['ticket_system', 'ticket_id'])
          .doUpdateSet({ form: row.form, agent: row.agent, updated_at: row.updated_at }),
      )
      .execute();
  }

  async ticketDraft(ticket: Pick<Ticket, 'system' | 'id'>): Promise<TicketDraft | undefined> {
    const row = await this.db
      .selectFrom('ticket_drafts')
      .selectAll()
      .where('ticket_system', '=', ticket.system)
      .where('ticket_id', '=', ticket.id)
      .executeTakeFirst();
    if (!row) return undefined;
    const { ticketUrl, ...form } = JSON.parse(row.form) as Record<string, string>;
    return {
      ticket: { system: row.ticket_system, id: row.ticket_id, ...(ticketUrl && { url: ticketUrl }) },
      form,
      agent: JSON.parse(row.agent) as Person,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
