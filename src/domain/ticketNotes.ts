// What Escalation Desk writes back to the ticket an escalation came from: internal notes only (a
// public one is emailed to the customer), each starting with notePrefix so the desk's next webhook
// about it is known as ours. A note says only what the escalation's requester may read: its own
// timeline's sentences, never another escalation's.
import type { Escalation } from './escalation';
import { timelineKinds } from './escalation';
import { notePrefix, type Ticket, ticketLabel } from './tickets';
import { targetLabels } from './tiers';
import { severityLabels, statusLabels } from './vocabulary';

/** The changes a ticket hears of: the escalation's progress and what was said in Teams about it, not its notes or links. */
const told = new Set<string>([
  timelineKinds.acknowledged,
  timelineKinds.assigned,
  timelineKinds.statusChanged,
  timelineKinds.resolved,
  timelineKinds.reopened,
  timelineKinds.retargeted,
  timelineKinds.saved,
]);

export function escalatedNote(escalation: Escalation, links: { teams: string; brief?: string }): string {
  const { brief } = escalation;
  return [
    `${notePrefix} escalated to ${targetLabels[brief.target]} as ${escalation.id} (${severityLabels[brief.severity]}): ${brief.summary}`,
    `Open in Teams: ${links.teams}`,
    ...(links.brief ? [`The brief: ${links.brief}`] : []),
  ].join('\n');
}

/** A change's note, or undefined when the ticket does not hear of this kind of change. */
export function changeNote(after: Escalation, entry: { kind: string; text: string }): string | undefined {
  if (!told.has(entry.kind)) return undefined;
  // A saved message moves nothing: its text says who saved what (domain/savedMessage.ts).
  if (entry.kind === timelineKinds.saved) return `${notePrefix} ${after.id}: ${entry.text}`;
  const owner = after.owner ? `, owner ${after.owner.name}` : '';
  return `${notePrefix} ${after.id} ${entry.text} (now ${statusLabels[after.status]}${owner}).`;
}

export function draftNote(ticket: Ticket, lacking: string[], link: string): string {
  return [
    `${notePrefix} ${ticketLabel(ticket)} was sent to escalate, but the brief lacks ${lacking.join(', ')}.`,
    `Complete it in Teams: ${link}`,
  ].join('\n');
}
