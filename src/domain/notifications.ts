// What the people who follow an escalation are told (app/following.ts followersOf): the changes
// that move it on for them, not its notes, links or emails, which they can read on the card, and
// its SLA clocks coming due or breached (app/watchClocks.ts). One rule for queueing a notice
// (app/changes.ts) and for drawing its text when it is sent (teams/publisher.ts), so both agree on
// what a notice is about; as a chat message or as a Teams activity feed notification.
import type { Escalation, Person } from './escalation';
import { timelineKinds } from './escalation';
import { type Clock, type ClockState, describeClock, type SlaState } from './sla';
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

/** An SLA clock of an escalation, as a notice of it names it: coming due (at risk) or breached. */
export interface ClockNotice {
  clock: Clock;
  status: 'at_risk' | 'breached';
  /** When the clock is due: a restarted clock (a new customer update) is a new notice. */
  dueAt: string;
}

/** Whether the clock a notice was queued for still says so now: met, paused, restarted or moved on, it is not worth telling. */
export function stillSo(notice: ClockNotice, now: SlaState): boolean {
  const state = now.clocks.find((c) => c.clock === notice.clock);
  return (
    state !== undefined && !state.met && !state.paused && state.dueAt === notice.dueAt && state.status === notice.status
  );
}

/**
 * The clock's notice: "ESC-12 (Engineering): ..." and what is due when. The requester hears of the
 * customer update as theirs to give: they talk to the customer.
 */
export function clockNoticeText(escalation: Escalation, state: ClockState, toRequester: boolean): string {
  return noticeText(escalation, [{ text: clockLine(state, toRequester) }]);
}

function clockLine(state: ClockState, toRequester: boolean): string {
  const icon = state.status === 'breached' ? '🔴' : '⏰';
  const line = `${icon} ${capitalised(describeClock(state))}`;
  return toRequester && state.clock === 'customerUpdate'
    ? `${line}: you talk to the customer, update them.`
    : `${line}.`;
}

/** The Teams activity feed's types (the manifest's `activities.activityTypes` declares each, with these parameters). */
export const feedActivities = {
  changed: { type: 'escalationChanged', parameters: ['escalation', 'change'] },
  clock: { type: 'slaClock', parameters: ['escalation', 'clock'] },
} as const;

/** An activity feed notification, before it knows where it opens. */
export interface FeedNotice {
  activityType: string;
  /** What the notification is about, as its topic reads: "ESC-12". */
  topic: string;
  /** Teams shows the first 150 characters. */
  previewText: string;
  templateParameters: { name: string; value: string }[];
}

/** A follower's notice of changes in the activity feed: "ESC-12: Eli Engineer acknowledged it (and 2 more)". */
export function feedNoticeOf(escalation: Escalation, changes: { text: string }[]): FeedNotice {
  const [first] = changes;
  const more = changes.length > 1 ? ` (and ${changes.length - 1} more)` : '';
  return {
    activityType: feedActivities.changed.type,
    topic: escalation.id,
    previewText: preview(
      escalation,
      changes.map((c) => c.text),
    ),
    templateParameters: [
      { name: 'escalation', value: escalation.id },
      { name: 'change', value: `${short(first?.text ?? 'it changed', 90)}${more}` },
    ],
  };
}

/** An SLA clock's notice in the activity feed: "ESC-12: customer update due in 20 min". */
export function feedClockNoticeOf(escalation: Escalation, state: ClockState, toRequester: boolean): FeedNotice {
  return {
    activityType: feedActivities.clock.type,
    topic: escalation.id,
    previewText: preview(escalation, [clockLine(state, toRequester)]),
    templateParameters: [
      { name: 'escalation', value: escalation.id },
      { name: 'clock', value: describeClock(state) },
    ],
  };
}

function preview(escalation: Escalation, lines: string[]): string {
  return short(`${escalation.brief.summary}: ${lines.join(' ')}`, 150);
}

function short(text: string, most: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= most ? flat : `${flat.slice(0, most - 1)}…`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
