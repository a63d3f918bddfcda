// What the people who follow an escalation are told (app/following.ts followersOf): the changes
// that move it on for them, not its notes, links or emails, which they can read on the card. One
// rule for queueing a notice (app/changes.ts) and for drawing its text when it is sent
// (teams/notices.ts), so both agree on what a notice is about.
import type { Escalation, Person } from './escalation';
import { timelineKinds } from './escalation';
import { targetLabels } from './tiers';
import type { Status } from './vocabulary';

/** Kinds that always matter: someone took it, it changed hands or tiers, it ended or came back. */
const alwaysTold = new Set<string>([
  timelineKinds.acknowledged,
  timelineKinds.assigned,
  timelineKinds.retargeted,
  timelineKinds.resolved,
  timelineKinds.reopened,
]);

/** A status change matters when it tells the requester what to say to the customer. */
const toldStatuses = new Set<Status>(['waiting_on_customer', 'fix_in_progress']);

/** Whether a change (its timeline entry, and the status it left) is one followers hear of. */
export function mattersToFollowers(entry: { kind: string; status?: Status }, statusAfter?: Status): boolean {
  if (alwaysTold.has(entry.kind)) return true;
  const status = entry.status ?? statusAfter;
  return entry.kind === timelineKinds.statusChanged && status !== undefined && toldStatuses.has(status);
}

/** The person made the change: nobody is told of their own doing. */
export function madeBy(entry: { actor: Person }, personId: string): boolean {
  return entry.actor.id === personId;
}

/**
 * The notice's text: "ESC-12 (Engineering): Eli Engineer acknowledged it." and one line a change.
 * Only sent to a reader who may see the escalation now (the sender asks), so its summary may be
 * said; entries are the card's own timeline sentences, which say no more than the card does.
 */
export function noticeText(escalation: Escalation, changes: { text: string }[]): string {
  const heading = `${escalation.id} (${targetLabels[escalation.brief.target]}): ${escalation.brief.summary}`;
  return [heading, ...changes.map((change) => `- ${change.text}`)].join('\n\n');
}
