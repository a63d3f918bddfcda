// The help-desk ticket an escalation came from, as the board shows it: its label ("Zendesk #4821",
// domain/tickets.ts) linking to the ticket in a new tab. The link comes from a desk's webhook or a
// person's form, so only an http(s) address becomes a link; anything else (javascript:, data:)
// stays text.
import { ticketLabel } from '../domain/tickets';
import type { TicketRef } from './api';
import { h } from './dom';

export function ticketLink(ticket: TicketRef): HTMLElement {
  const label = ticketLabel({ system: ticket.system, id: ticket.id });
  const href = openable(ticket.url);
  if (!href) return h('span', { class: 'ticket' }, label);
  // A new tab, with no way back into the board's window for the page it opens.
  return h('a', { class: 'ticket', href, target: '_blank', rel: 'noopener noreferrer' }, label);
}

function openable(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
