// SLA clocks: a pure function of the escalation, its timeline and now.
// - acknowledge: from creation until someone acknowledges, takes ownership or moves it on;
// - customerUpdate: from the last customer update (or creation) until the next one is due;
// - resolve: from creation until it is resolved;
// - deadline: the deadline the escalation gave for what it needs (reminders only: it is the
//   requester's ask, not the SLA policy, so it does not make the SLA status).
// A clock at 75% of its allowance or more is "at risk"; past it, "breached". Resolved and
// closed escalations stop every clock at the moment they were resolved.
// While an escalation waits on the customer, the customer-update and resolve clocks pause:
// the time the customer takes to answer is not ours to account for. So does the time it
// spent resolved or closed before it was reopened: nobody was expected to work it then.
import { describeDuration } from './duration';
import { type Escalation, type TimelineEntry, timelineKinds } from './escalation';
import { isOpen } from './lifecycle';
import type { SlaClock, SlaPolicy } from './slaPolicy';
import type { SlaStatus, Status } from './vocabulary';

export const atRiskShare = 0.75;

/** "Never" as an ISO time: later than any check (ISO times compare as text). */
export const slaNever = '9999-12-31T00:00:00.000Z';

/** The changes that acknowledge an escalation (its first stops the acknowledge clock). SQL reads it too. */
export const acknowledgingKinds: readonly string[] = [
  timelineKinds.acknowledged,
  timelineKinds.assigned,
  timelineKinds.statusChanged,
  timelineKinds.resolved,
];
const acknowledging = new Set<string>(acknowledgingKinds);

export type Clock = SlaClock | 'deadline';

export interface ClockState {
  clock: Clock;
  /** As judged when it was met, or now while it runs. A clock met late stays breached. */
  status: SlaStatus;
  /** Set once the clock has stopped. */
  met: boolean;
  /** Waiting on the customer: the clock does not run. */
  paused: boolean;
  dueAt: string;
  /** When it turns "at risk" (75% of its allowance used). */
  atRiskAt: string;
  /** Positive: time left; negative: overdue by. */
  remainingMs: number;
}

export interface SlaState {
  status: SlaStatus;
  clocks: ClockState[];
  /** The running clock due soonest, e.g. "ack due in 6 min", "customer update overdue by 20 min". */
  next?: string;
}

/**
 * Each clock as people read it: `short` on a card ("ack due in 6 min"), `long` in a reminder
 * ("acknowledgement overdue by 20 min"), `title` where it is listed (the board).
 */
export const clockLabels: Record<Clock, { short: string; long: string; title: string }> = {
  acknowledge: { short: 'ack', long: 'acknowledgement', title: 'Acknowledge' },
  customerUpdate: { short: 'customer update', long: 'customer update', title: 'Customer update' },
  resolve: { short: 'resolution', long: 'resolution', title: 'Resolve' },
  deadline: { short: "deadline of what's needed", long: "deadline of what's needed", title: "What's needed" },
};

export function slaState(escalation: Escalation, timeline: TimelineEntry[], now: Date, policy: SlaPolicy): SlaState {
  const allowance = policy[escalation.brief.severity];
  const created = Date.parse(escalation.createdAt);
  const stopped = !isOpen(escalation.status);
  const resolvedAt = stopped
    ? (lastAt(timeline, [timelineKinds.resolved]) ?? Date.parse(escalation.updatedAt))
    : undefined;
  const at = resolvedAt ?? now.getTime();
  const pauses = pausedSpans(timeline, at);
  const pausedNow = !stopped && escalation.status === 'waiting_on_customer';

  const ackedAt = timeline.find((e) => acknowledging.has(e.kind));
  const lastUpdate = lastAt(timeline, [timelineKinds.customerUpdate]) ?? created;

  const clocks: ClockState[] = [
    clock('acknowledge', created, allowance.acknowledge, ackedAt ? Date.parse(ackedAt.at) : undefined, at, []),
    clock('customerUpdate', lastUpdate, allowance.customerUpdate, stopped ? at : undefined, at, pauses, pausedNow),
    clock('resolve', created, allowance.resolve, resolvedAt, at, pauses, pausedNow),
  ];
  const deadline = deadlineOf(escalation);
  if (deadline !== undefined && deadline > created) {
    clocks.push(clock('deadline', created, deadline - created, stopped ? at : undefined, at, []));
  }
  const policyClocks = clocks.filter((c) => c.clock !== 'deadline');
  const running = policyClocks.filter((c) => !c.met && !c.paused);
  const status: SlaStatus = policyClocks.some((c) => c.status === 'breached')
    ? 'breached'
    : running.some((c) => c.status === 'at_risk')
      ? 'at_risk'
      : 'within';
  const soonest = [...running].sort((a, b) => a.remainingMs - b.remainingMs)[0];
  return {
    status,
    clocks,
    next: soonest ? describeClock(soonest) : pausedNow ? 'clocks paused: waiting on the customer' : undefined,
  };
}

function clock(
  name: Clock,
  startedAt: number,
  allowanceMs: number,
  metAt: number | undefined,
  at: number,
  pauses: [number, number][],
  pausedNow = false,
): ClockState {
  const until = metAt ?? at;
  // Time spent waiting on the customer after the clock started moves its due moment on.
  const paused = pauses.reduce(
    (sum, [from, to]) => sum + Math.max(0, Math.min(to, until) - Math.max(from, startedAt)),
    0,
  );
  const due = startedAt + allowanceMs + paused;
  const used = until - startedAt - paused;
  const status: SlaStatus = until > due ? 'breached' : used >= allowanceMs * atRiskShare ? 'at_risk' : 'within';
  return {
    clock: name,
    status,
    met: metAt !== undefined,
    paused: pausedNow && metAt === undefined,
    dueAt: new Date(due).toISOString(),
    atRiskAt: new Date(due - allowanceMs * (1 - atRiskShare)).toISOString(),
    remainingMs: due - until,
  };
}

/** The customer-update and resolve clocks stand still in these: waiting on the customer, or not open. */
const clocksPaused = (status: Status) => status === 'waiting_on_customer' || !isOpen(status);

/** The spans the escalation spent with its clocks paused, up to `until`. */
function pausedSpans(timeline: TimelineEntry[], until: number): [number, number][] {
  const spans: [number, number][] = [];
  let since: number | undefined;
  for (const entry of timeline) {
    if (entry.status === undefined) continue;
    // Only a change between paused and running is a moment to read (a timeline grows long).
    const paused = clocksPaused(entry.status);
    if (paused && since === undefined) since = Date.parse(entry.at);
    else if (!paused && since !== undefined) {
      spans.push([since, Date.parse(entry.at)]);
      since = undefined;
    }
  }
  if (since !== undefined) spans.push([since, until]);
  return spans;
}

/** The moment the brief's deadline falls due (briefs from before zones were kept: read as UTC). */
export function deadlineOf(escalation: Escalation): number | undefined {
  const { deadlineDate, deadlineTime, deadlineAt } = escalation.brief.needed;
  if (deadlineAt) return Date.parse(deadlineAt);
  if (!deadlineDate) return undefined;
  const moment = Date.parse(`${deadlineDate}T${deadlineTime ?? '23:59'}:00Z`);
  return Number.isNaN(moment) ? undefined : moment;
}

export function describeClock(state: ClockState): string {
  const words = clockLabels[state.clock].short;
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

/** The next moment a running clock changes state (turns at risk, or is breached); none once all are met, paused or breached. */
export function nextChange(state: SlaState): string | undefined {
  const moments = state.clocks
    .filter((c) => !c.met && !c.paused && c.status !== 'breached')
    .map((c) => (c.status === 'within' ? c.atRiskAt : new Date(Date.parse(c.dueAt) + 1).toISOString()));
  return moments.sort()[0];
}
