// One sweep of the SLA clocks of every open escalation: cards updated when their SLA
// status changes, one reminder per clock coming due and per clock breached (in the card's
// thread, naming the owner or asking the channel), and escalations raised to Leadership
// when their SLA is breached; each follower told of each clock coming due or breached. Safe to
// run from several replicas: reminders and notices are keyed, SLA status changes and raises are
// claimed in the store.
import type { AccessPolicy } from '../domain/access';
import { raiseToLeadership as raise } from '../domain/decide';
import { type Escalation, type Person, type TimelineEntry, timelineKinds } from '../domain/escalation';
import { type ClockState, clockLabels, nextChange, type SlaState, slaNever, slaState } from '../domain/sla';
import { leadershipTier, targetLabels } from '../domain/tiers';
import { signalRules } from '../domain/triage';
import { severityLabels } from '../domain/vocabulary';
import { saveChange } from './changes';
import { updatesOf } from './deliveries';
import { postedIn } from './escalate';
import type { EscalationDeps } from './escalations';
import { followersOf } from './following';
import type { NoticeSource } from './followPorts';
import { atMention } from './mentions';
import type { ChannelStore, Delivery, EscalationStore, OutboxStore } from './ports';

export interface WatchDeps extends EscalationDeps {
  store: EscalationStore &
    Pick<ChannelStore, 'listChannels' | 'postedCards' | 'emailLists'> &
    Pick<OutboxStore, 'enqueueDeliveries'> &
    NoticeSource;
  access: AccessPolicy;
  deliverSoon: () => void;
  log: (message: string) => void;
}

export interface SweepReport {
  checked: number;
  cardsUpdated: number;
  reminders: number;
  raised: number;
}

/** Escalations looked at in one sweep, at most: the rest are next (soonest first). */
export const sweepLimit = 1000;
/** How many escalations a sweep handles before it lets waiting requests in. */
export const sweepSlice = 20;

/** The bot, as the actor of what the watcher does. */
export const deskActor: Person = { name: 'Escalation Desk' };

export async function sweepClocks(deps: WatchDeps, remembered = new Set<string>()): Promise<SweepReport> {
  const now = deps.clock.now();
  // Only those whose clocks may have changed state since they were last looked at.
  const open = await deps.store.dueForSlaCheck(now.toISOString(), sweepLimit);
  const timelines = await deps.store.timelines(open.map((e) => e.id));
  const bindings = new Map((await deps.store.listChannels()).map((b) => [b.target, b]));
  const report: SweepReport = { checked: open.length, cardsUpdated: 0, reminders: 0, raised: 0 };
  const replies: Delivery[] = [];

  const states = open.map((escalation) => {
    const timeline = timelines.get(escalation.id) ?? [];
    return { escalation, timeline, sla: slaState(escalation, timeline, now, deps.slaPolicy) };
  });
  // The cards show the SLA status: update them where it changed (the store says which replica does).
  const changed = await deps.store.recordSla(
    states.map(({ escalation, sla }) => ({
      escalationId: escalation.id,
      status: sla.status,
      nextCheckAt: nextChange(sla) ?? slaNever,
    })),
  );
  for (const [n, { escalation, timeline, sla }] of states.entries()) {
    // The store may answer synchronously (SQLite): let waiting requests in every few escalations.
    if (n > 0 && n % sweepSlice === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    if (changed.has(escalation.id)) report.cardsUpdated += await updateCards(deps, escalation);
    // Each clock coming due or breached, once: the keys this process queued need no asking again.
    const due = sla.clocks
      .filter((c) => !c.met && !c.paused && c.status !== 'within')
      .map((state) => ({ state, key: reminderKey(escalation, state) }))
      .filter(({ key }) => !remembered.has(key));
    // Reminders are read in the card's thread in its tier's channel.
    const binding = bindings.get(escalation.brief.target);
    const thread = due.length > 0 && binding ? await postedIn(deps, escalation, binding) : undefined;
    if (due.length > 0) replies.push(...(await clockNotices(deps, escalation, due, now)));
    for (const { state, key } of due) {
      if (!thread) break;
      replies.push({
        kind: 'reply',
        escalationId: escalation.id,
        conversationId: thread.conversationId,
        serviceUrl: thread.serviceUrl,
        text: reminderText(escalation, state),
        key,
      });
      remembered.add(key);
    }
    const raise = raiseReason(escalation, sla, timeline);
    if (raise && (await raiseToLeadership(deps, escalation, raise, now.toISOString()))) report.raised += 1;
  }
  if (replies.length > 0) await deps.store.enqueueDeliveries(replies, now.toISOString());
  // Keys of long-gone clocks need not be remembered forever: the store still refuses them.
  if (remembered.size > 100_000) remembered.clear();
  report.reminders = replies.filter((r) => r.kind === 'reply').length;
  if (replies.length > 0 || report.cardsUpdated > 0 || report.raised > 0) deps.deliverSoon();
  return report;
}

/**
 * Each follower's notice of the clocks coming due or breached (domain/notifications.ts), sent once
 * each (their keys). The customer update is the requester's to give: they hear of it at once, the
 * others a notice window later, and only if it is still due then (teams/publisher.ts asks).
 */
async function clockNotices(
  deps: WatchDeps,
  escalation: Escalation,
  due: { state: ClockState }[],
  now: Date,
): Promise<Delivery[]> {
  const followers = followersOf(escalation, await deps.store.followers(escalation.id));
  const later = new Date(now.getTime() + deps.store.noticeWindowMs()).toISOString();
  return due.flatMap(({ state }) => {
    if (state.status === 'within') return [];
    const clock = { clock: state.clock, status: state.status, dueAt: state.dueAt };
    return followers.flatMap((person) => {
      if (!person.id || !person.teamsId) return [];
      const first = state.clock !== 'customerUpdate' || person.id === escalation.requester.id;
      return [
        {
          kind: 'notice' as const,
          escalationId: escalation.id,
          person: { id: person.id, teamsId: person.teamsId },
          notBefore: first ? now.toISOString() : later,
          clock,
        },
      ];
    });
  });
}

/** Once per due moment of a clock and phase: a clock that restarts (a new customer update) reminds again. */
function reminderKey(escalation: Escalation, state: ClockState): string {
  return `sla:${escalation.id}:${state.clock}:${state.status}:${state.dueAt}`;
}

export function reminderText(escalation: Escalation, state: ClockState): string {
  const head = `**${escalation.id}** (${severityLabels[escalation.brief.severity]} · ${targetLabels[escalation.brief.target]})`;
  const what = clockLabels[state.clock].long;
  const when = describeWhen(state);
  const who = escalation.owner
    ? `${atMention(escalation.owner.name)}, over to you.`
    : `Nobody owns it yet: can someone in ${targetLabels[escalation.brief.target]} take it?`;
  const icon = state.status === 'breached' ? '🔴' : '⏰';
  return `${icon} ${head}: ${what} ${when}. ${who}`;
}

function describeWhen(state: ClockState): string {
  const minutes = Math.max(1, Math.round(Math.abs(state.remainingMs) / 60_000));
  const span = minutes >= 120 ? `${Math.round(minutes / 60)} h` : `${minutes} min`;
  return state.remainingMs >= 0 ? `due in ${span}` : `overdue by ${span}`;
}

/** Why it must go to Leadership now, or nothing: a breached resolution, or any breach on a Critical. */
function raiseReason(escalation: Escalation, sla: SlaState, timeline: TimelineEntry[]): string | undefined {
  if (escalation.brief.target === leadershipTier) return undefined;
  if (timeline.some((e) => e.kind === timelineKinds.raised)) return undefined;
  const breached = sla.clocks.filter((c) => c.clock !== 'deadline' && c.status === 'breached');
  if (breached.some((c) => c.clock === 'resolve')) {
    return `Time: ${signalRules.open_beyond_sla.reason.toLowerCase()} (resolution was due ${breached
      .find((c) => c.clock === 'resolve')
      ?.dueAt.slice(0, 16)
      .replace('T', ' ')} UTC)`;
  }
  if (escalation.brief.severity === 'critical' && breached.length > 0) {
    const clocks = breached.map((c) => clockLabels[c.clock].long).join(' and ');
    return `Business: ${signalRules.sla_breached.reason.toLowerCase()} on a Critical escalation (${clocks})`;
  }
  return undefined;
}

/** Notes it in the timeline, posts the brief in the Leadership channel and emails Leadership's list, once (the version check). */
async function raiseToLeadership(deps: WatchDeps, escalation: Escalation, why: string, at: string): Promise<boolean> {
  const change = raise(escalation, why, at, await deps.store.emailLists(), deps.access);
  const saved = await saveChange(deps.store, escalation, change, { at, actor: deskActor });
  if (saved.saved) deps.log(`${escalation.id} raised to Leadership: ${why}`);
  return saved.saved;
}

async function updateCards(deps: WatchDeps, escalation: Escalation): Promise<number> {
  const copies = await deps.store.postedCards(escalation.id);
  if (copies.length > 0) {
    await deps.store.enqueueDeliveries(updatesOf(copies), deps.clock.now().toISOString());
  }
  return copies.length;
}
