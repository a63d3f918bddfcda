// A help-desk ticket an escalation came from (Zendesk, ServiceNow, Jira Service Management, or
// another desk through the generic route): how people name it, how a desk's priority reads as a
// severity, and what Escalation Desk writes back to it. The one home of these rules: the routes
// (src/http/helpdeskRoutes.ts), the form, the card, the text brief and the notes call them.
import type { Severity } from './vocabulary';

/** The desks Escalation Desk reads from and writes back to. */
export const deskSystems = ['zendesk', 'servicenow', 'jira'] as const;
export type DeskSystem = (typeof deskSystems)[number];

export const deskLabels: Record<DeskSystem, string> = { zendesk: 'Zendesk', servicenow: 'ServiceNow', jira: 'Jira' };

/** A ticket: its desk (`system`), the id people use there (4821, INC0010023, SUP-12) and its link. */
export interface Ticket {
  system: string;
  id: string;
  url?: string;
}

export function isDeskSystem(system: string): system is DeskSystem {
  return (deskSystems as readonly string[]).includes(system);
}

/** "Zendesk #4821", "ServiceNow INC0010023", "Jira SUP-12", or the generic desk's own name. */
export function ticketLabel(ticket: Ticket): string {
  if (!isDeskSystem(ticket.system)) return `${ticket.system} ${ticket.id}`;
  return `${deskLabels[ticket.system]} ${ticket.system === 'zendesk' ? '#' : ''}${ticket.id}`;
}

/**
 * A desk's priority as a severity: Zendesk urgent/high/normal/low, ServiceNow 1/2/3-5 (or its
 * display value "1 - Critical"), Jira Highest/High/other -> critical/high/medium.
 */
export function severityFromPriority(system: string, priority: string | undefined | null): Severity | undefined {
  if (priority === undefined || priority === null || priority.trim() === '') return undefined;
  const said = priority.trim().toLowerCase();
  switch (system) {
    case 'zendesk':
      return said === 'urgent' ? 'critical' : said === 'high' ? 'high' : 'medium';
    case 'servicenow': {
      const level = said.match(/^\d/)?.[0];
      return level === '1' ? 'critical' : level === '2' ? 'high' : 'medium';
    }
    case 'jira':
      return said === 'highest' ? 'critical' : said === 'high' ? 'high' : 'medium';
    default:
      return undefined;
  }
}

/** What every note Escalation Desk writes to a ticket starts with: how its own notes are known when the desk sends them back. */
export const notePrefix = 'Escalation Desk:';

export function isOwnNote(text: string | undefined | null): boolean {
  return typeof text === 'string' && plainStart(text).startsWith(notePrefix);
}

/** The text with markup and leading space taken off (a desk may send a note back as HTML). */
function plainStart(text: string): string {
  return text
    .slice(0, 400)
    .replace(/<[^>]*>/g, '')
    .trimStart();
}

/** Where a connected desk lives: its tickets' links start with its base URL. */
export interface DeskPlace {
  system: DeskSystem;
  baseUrl: string;
}

/** What a person types in the form's Ticket field names no ticket: the sentence says what to type. */
export interface TicketProblem {
  problem: string;
}

const idShapes: Record<DeskSystem, RegExp> = {
  zendesk: /^#?(\d{1,15})$/,
  servicenow: /^([A-Z]{2,8}\d{4,12})$/i,
  jira: /^([A-Z][A-Z0-9_]{0,20}-[1-9]\d{0,9})$/i,
};

/**
 * A ticket from what a person typed or pasted: a link into a connected desk, "Zendesk #4821",
 * or a bare number the desks' id shapes tell apart (4821, INC0010023, SUP-12). A link to a desk
 * that is not connected is kept as a link (its host names the desk).
 */
export function ticketFromReference(typed: string, desks: readonly DeskPlace[]): Ticket | TicketProblem {
  const text = typed.trim();
  if (/^https?:\/\//i.test(text)) return ticketFromLink(text, desks);
  const named = /^(zendesk|servicenow|jira)\s+(.+)$/i.exec(text);
  const candidates = named ? desks.filter((d) => d.system === named[1]?.toLowerCase()) : desks;
  const id = (named ? named[2] : text)?.trim() ?? '';
  for (const desk of candidates) {
    const match = idShapes[desk.system].exec(id);
    if (match?.[1]) return withLink({ system: desk.system, id: normalId(desk.system, match[1]) }, desk);
  }
  const connected = desks.map((d) => deskLabels[d.system]).join(', ');
  return {
    problem: connected
      ? `Ticket "${text.slice(0, 60)}" is not a ticket of ${connected}: paste the ticket's link, or its number (e.g. ${desks.map((d) => exampleIds[d.system]).join(', ')})`
      : "No help desk is connected: paste the ticket's link (https://...) instead of its number",
  };
}

const exampleIds: Record<DeskSystem, string> = { zendesk: '4821', servicenow: 'INC0010023', jira: 'SUP-12' };

function normalId(system: DeskSystem, id: string): string {
  return system === 'zendesk' ? id.replace(/^#/, '') : id.toUpperCase();
}

/** Each desk's ticket link, built from the id alone (ServiceNow's by number). */
function withLink(ticket: Ticket, desk: DeskPlace): Ticket {
  switch (desk.system) {
    case 'zendesk':
      return { ...ticket, url: `${desk.baseUrl}/agent/tickets/${ticket.id}` };
    case 'servicenow':
      return { ...ticket, url: `${desk.baseUrl}/nav_to.do?uri=incident.do%3Fsysparm_query%3Dnumber%3D${ticket.id}` };
    case 'jira':
      return { ...ticket, url: `${desk.baseUrl}/browse/${ticket.id}` };
  }
}

const linkShapes: Record<DeskSystem, RegExp[]> = {
  zendesk: [/\/agent\/tickets\/(\d{1,15})\b/, /\/api\/v2\/tickets\/(\d{1,15})\b/, /\/requests\/(\d{1,15})\b/],
  servicenow: [/number(?:=|%3D)([A-Z]{2,8}\d{4,12})\b/i, /sys_id(?:=|%3D)([0-9a-f]{32})\b/i],
  jira: [/\/browse\/([A-Z][A-Z0-9_]{0,20}-[1-9]\d{0,9})\b/, /\/portal\/\d+\/([A-Z][A-Z0-9_]{0,20}-[1-9]\d{0,9})\b/],
};

function ticketFromLink(link: string, desks: readonly DeskPlace[]): Ticket | TicketProblem {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return { problem: 'Ticket is not a link that can be opened: paste it again from the help desk' };
  }
  const desk = desks.find((d) => new URL(d.baseUrl).host === url.host);
  if (!desk) return { system: url.host, id: url.pathname.split('/').filter(Boolean).pop() ?? url.host, url: url.href };
  const shown = `${url.pathname}${decodeURIComponent(url.search)}`;
  for (const shape of linkShapes[desk.system]) {
    const id = shape.exec(shown)?.[1];
    if (id) {
      const sysId = /^[0-9a-f]{32}$/i.test(id);
      return { system: desk.system, id: sysId ? id.toLowerCase() : normalId(desk.system, id), url: url.href };
    }
  }
  return { problem: `That ${deskLabels[desk.system]} link names no ticket: open the ticket and copy its link` };
}
