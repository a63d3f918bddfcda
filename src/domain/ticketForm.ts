// A help-desk ticket as the escalation form's values: what "Fill from ticket" puts in the form and
// what a desk's webhook escalates with. A ticket says its summary, description, priority,
// customer and last public reply; a desk's body (or a ticket written from the README's template)
// may say the rest in lines like "Workflow impact: ..." and "What's needed: ...".
import type { Ticket } from './tickets';
import { severityFromPriority, ticketLabel } from './tickets';
import type { FormInput } from './verbs';

/** A ticket as a desk's API reads it (src/helpdesk/desk.ts TicketFacts says the same). */
export interface TicketContent {
  ticket: Ticket;
  summary?: string;
  description?: string;
  priority?: string;
  customerNames?: string[];
  lastPublicReply?: { at: string; author: string; text: string };
}

export type FormValues = Partial<Record<FormInput, string>>;

/** Lines of a ticket's description that fill a field of the form ("Workflow impact: ..."). */
const labelledLines: [RegExp, FormInput][] = [
  [/^workflow impact\s*:\s*(.+)$/i, 'workflowImpact'],
  [/^(?:what['’]?s needed|needed|asks?)\s*:\s*(.+)$/i, 'asks'],
  [/^customers affected\s*:\s*(\d{1,7})\b/i, 'customersAffected'],
  [/^revenue at risk\s*:\s*(.+)$/i, 'revenueAtRisk'],
  [/^customer expectation\s*:\s*(.+)$/i, 'customerExpectation'],
  [/^deadline\s*:\s*(\d{4}-\d{2}-\d{2})\b/i, 'deadlineDate'],
  [/^environment\s*:\s*(.+)$/i, 'environment'],
  [/^expected\s*:\s*(.+)$/i, 'expected'],
  [/^actual\s*:\s*(.+)$/i, 'actual'],
];

/** The first lines of a reply, as a customer update's summary says it. */
export function firstLines(text: string, max = 300): string {
  const plain = text.replace(/\s+/g, ' ').trim();
  return plain.length <= max ? plain : `${plain.slice(0, max - 1).trimEnd()}…`;
}

/** The form's values a ticket gives; `given` (what a person typed, or a desk's body) wins where it says something. */
export function formFromTicket(content: TicketContent, given: FormValues = {}): FormValues {
  const found: FormValues = {};
  const described: string[] = [];
  for (const line of (content.description ?? '').split(/\r?\n/)) {
    const labelled = labelledLines.find(([shape]) => shape.test(line.trim()));
    const value = labelled?.[0].exec(line.trim())?.[1]?.trim();
    if (labelled && value) found[labelled[1]] = found[labelled[1]] ? `${found[labelled[1]]}\n${value}` : value;
    else described.push(line);
  }
  const names = content.customerNames?.filter((n) => n.trim() !== '') ?? [];
  const reply = content.lastPublicReply;
  const fromTicket: FormValues = {
    summary: content.summary?.replace(/\s+/g, ' ').trim().slice(0, 120),
    description: described.join('\n').trim().slice(0, 2000) || undefined,
    severity: severityFromPriority(content.ticket.system, content.priority),
    customerNames: names.length > 0 ? names.join(', ') : undefined,
    customersAffected: found.customersAffected ?? (names.length > 0 ? String(names.length) : undefined),
    ...(reply && {
      lastUpdateDate: reply.at.slice(0, 10),
      lastUpdateSummary: `${reply.author}: ${firstLines(reply.text)}`,
    }),
    ticket: content.ticket.url ?? ticketLabel(content.ticket),
  };
  const merged: FormValues = {};
  for (const source of [fromTicket, found, given]) {
    for (const [field, value] of Object.entries(source) as [FormInput, string | undefined][]) {
      if (value !== undefined && value.trim() !== '') merged[field] = value;
    }
  }
  return merged;
}
