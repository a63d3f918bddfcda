// SLA clocks: a pure function of the escalation, its timeline and now.
// - acknowledge: from creation until someone acknowledges, takes ownership or moves it on;
// - customerUpdate: from the last customer update (or creation) until the next one is due;
// - resolve: from creation until it is resolved.
// A clock at 75% of its allowance or more is "at risk"; past it, "breached". Resolved and
// closed escalations stop every clock at the moment they were resolved.
import { describeDuration } from './duration';
import type { Escalation, TimelineEntry } from './escalation';
import type { SlaClock, SlaPolicy } from './slaPolicy';
import type { SlaStatus } from './vocabulary';

export const atRiskShare = 0.75;

export const timelineKinds = {
  created: 'created',
  acknowledged: 'acknowledged',
  assigned: 'assigned',
  statusChanged: 'status_changed',
  resolved: 'resolved',
  reopened: 'reopened',
  customerUpdate: 'customer_update',
  note: 'note',
  retargeted: 'retargeted',
  linked: 'linked',
} as const;

const acknowledging = new Set<string>([
  timelineKinds.acknowledged,
  timelineKinds.assigned,
  timelineKinds.statusChanged,
  timelineKinds.resolved,
]);

export interface ClockState {
  clock: SlaClock;
  /** As judged when it was met, or now while it runs. A clock met late stays breached. */
  status: SlaStatus;
  /** Set once the clock has stopped. */
  met: boolean;
  dueAt: string;
  /** Positive: time left; negative: overdue by. */
  remainingMs: number;
}

export interface SlaState {
  status: SlaStatus;
  clocks: ClockState[];
  /** The running clock due soonest, e.g. "ack due in 6 min", "customer update overdue by 20 min". */
  next?: string;
}

const clockWords: Record<SlaClock, string> = {
  acknowledge: 'ack',
  customerUpdate: 'customer update',
  resolve: 'resolution',
};

export function slaState(escalation: Escalation, timeline: TimelineEntry[], now: Date, policy: SlaPolicy): SlaState {
  const allowance = policy[escalation.brief.severity];
  const created = Date.parse(escalation.createdAt);
  const stopped = ['resolved', 'closed'].includes(escalation.status);
  const resolvedAt = stopped
    ? (lastAt(timeline, [timelineKinds.resolved]) ?? Date.parse(escalation.updatedAt))
    : undefined;
  const at = resolvedAt ?? now.getTime();

  const ackedAt = timeline.find((e) => acknowledging.has(e.kind));
  const lastUpdate = lastAt(timeline, [timelineKinds.customerUpdate]) ?? created;

  const clocks: ClockState[] = [
    clockState('acknowledge', created, allowance.acknowledge, ackedAt ? Date.parse(ackedAt.at) : undefined, at),
    clockState('customerUpdate', lastUpdate, allowance.customerUpdate, stopped ? at : undefined, at),
    clockState('resolve', created, allowance.resolve, resolvedAt, at),
  ];
  const running = clocks.filter((c) => !c.met);
  const status: SlaStatus = clocks.some((c) => c.status === 'breached')
    ? 'breached'
    : running.some((c) => c.status === 'at_risk')
      ? 'at_risk'
      : 'within';
  const soonest = [...running].sort((a, b) => a.remainingMs - b.remainingMs)[0];
  return { status, clocks, next: soonest ? describeClock(soonest) : undefined };
}

function clockState(
  clock: SlaClock,
  startedAt: number,
  allowanceMs: number,
  metAt: number | undefined,
  at: number,
): ClockState {
  const due = startedAt + allowanceMs;
  const until = metAt ?? at;
  const status: SlaStatus =
    until > due ? 'breached' : until - startedAt >= allowanceMs * atRiskShare ? 'at_risk' : 'within';
  return { clock, status, met: metAt !== undefined, dueAt: new Date(due).toISOString(), remainingMs: due - until };
}

export function describeClock(state: ClockState): string {
  const words = clockWords[state.clock];
  return state.remainingMs >= 0
    ? `${words} due in ${describeDuration(state.remainingMs)}`
    : `${words} overdue by ${describeDuration(-state.remainingMs)}`;
}

function lastAt(timeline: TimelineEntry[], kinds: string[]): number | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const entry = timeline[i];
    if (entry && kinds.includes(entry.kind)) return Date.parse(entry.at);
  }
  return undefined;
}
