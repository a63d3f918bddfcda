// A help-desk ticket a Teams message speaks of: a link into a connected desk, or a mention such as
// "Zendesk #4821", "ServiceNow INC0010023", "Jira SUP-12". Escalating from that message's "..." menu
// fills the form from it (src/teams/messagingExtension.ts). How a reference reads as a ticket stays
// domain/tickets.ts's rule: this only finds the candidates in the text and asks it.
import { type DeskPlace, isDeskSystem, ticketFromReference } from './tickets';

/** Links end where HTML or prose ends them: a quote, an angle bracket, white space. */
const links = /https?:\/\/[^\s"'<>]+/gi;
const mentions = /\b(zendesk|servicenow|jira)\s+(#?\d{1,15}|[A-Z]{2,8}\d{4,12}|[A-Z][A-Z0-9_]{0,20}-[1-9]\d{0,9})\b/gi;

/**
 * The first ticket of a connected desk the message's text (plain or HTML, whose links may hide
 * behind other words) names, as the form's Ticket field would hold it; undefined when none.
 */
export function ticketMentionedIn(text: string, desks: readonly DeskPlace[]): string | undefined {
  if (desks.length === 0) return undefined;
  const said = text.slice(0, 20_000).replace(/&amp;/g, '&');
  const candidates = [
    ...[...said.matchAll(links)].map((m) => ({ at: m.index, reference: m[0].replace(/[.,;:!?)\]]+$/, '') })),
    ...[...said.matchAll(mentions)].map((m) => ({ at: m.index, reference: `${m[1]} ${m[2]}` })),
  ].sort((a, b) => a.at - b.at);
  return candidates.find(({ reference }) => {
    const read = ticketFromReference(reference, desks);
    return !('problem' in read) && isDeskSystem(read.system);
  })?.reference;
}
