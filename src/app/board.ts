// The Escalation Board (the Teams tab): its queue, its charts, and one escalation in full, each
// only what the person looking may see. Acting from the board goes through act(), as a card does.
import { type Sight, seesEverything } from '../domain/access';
import type { Escalation } from '../domain/escalation';
import { availableMoves, type Move } from '../domain/lifecycle';
import { type Offers, offersTo } from '../domain/offers';
import { slaState } from '../domain/sla';
import type { SlaStatus, Target } from '../domain/vocabulary';
import { type AccessDeps, canSee, type KnownViewer, rolesOn, sightFor, visibleTo } from './access';
import type { EscalationDeps, EscalationDetail } from './escalations';
import { escalationDetail } from './escalations';
import type { BoardCharts, BoardFilter, BoardQueue } from './ports';

export type BoardDeps = EscalationDeps & AccessDeps;

/** Who is looking: a person (as a viewer), or an integration with the API key (sees everything). */
export type Looking = { viewer: KnownViewer['viewer'] } | 'integration';

export interface BoardItem {
  escalation: Escalation;
  /** As of now: its status, the running clock due soonest ("ack due in 6 min") and when. */
  sla: { status: SlaStatus; next?: string; dueAt?: string };
}

export type Board = Omit<BoardQueue, 'items'> & { items: BoardItem[] };

function sightOfLooking(deps: AccessDeps, looking: Looking): Sight {
  return looking === 'integration' ? seesEverything : sightFor(deps, looking.viewer);
}

/** A page of the queue, soonest due first, with counts of all that match. */
export async function readBoard(
  deps: BoardDeps,
  looking: Looking,
  filter: Omit<BoardFilter, 'sight'>,
  limit: number,
): Promise<Board> {
  const queue = await deps.store.boardQueue({ ...filter, sight: sightOfLooking(deps, looking) }, limit);
  const timelines = await deps.store.timelines(queue.items.map((e) => e.id));
  const now = deps.clock.now();
  const items = queue.items.map((escalation): BoardItem => {
    const state = slaState(escalation, timelines.get(escalation.id) ?? [], now, deps.slaPolicy);
    const running = state.clocks
      .filter((clock) => !clock.met && !clock.paused)
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
    return { escalation, sla: { status: state.status, next: state.next, dueAt: running?.dueAt } };
  });
  return { ...queue, items };
}

/** The charts over the last `weeks` weeks (and every open escalation). */
export function readCharts(
  deps: BoardDeps,
  looking: Looking,
  target: Target | undefined,
  weeks: number,
): Promise<BoardCharts> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - weeks * 7 * 86_400_000).toISOString();
  return deps.store.boardCharts({ target, sight: sightOfLooking(deps, looking) }, since, now);
}

export interface BoardDetail extends EscalationDetail {
  /** The escalations linked to it as the same issue, those the person may see. */
  linked: Escalation[];
  /** What the person may do to it now (none for an integration). */
  moves: Move[];
  /** The buttons they get (domain/offers.ts); none for an integration. */
  offers?: Offers;
}

/** One escalation in full for someone who may see it (undefined: none, or hidden from them). */
export async function readDetail(
  deps: BoardDeps,
  id: string,
  looking: { known: KnownViewer } | 'integration',
): Promise<BoardDetail | undefined> {
  const detail = await escalationDetail(deps, id);
  if (!detail) return undefined;
  const viewer = looking === 'integration' ? undefined : looking.known.viewer;
  if (viewer && !canSee(deps, viewer, detail.escalation)) return undefined;
  const group = (await deps.store.linkedGroup(id)).filter((other) => other !== id);
  const others = (await Promise.all(group.map((other) => deps.store.getEscalation(other)))).filter(
    (other): other is Escalation => other !== undefined,
  );
  return {
    ...detail,
    linked: viewer ? visibleTo(deps, viewer, others) : others,
    moves: viewer ? [...availableMoves(detail.escalation, rolesOn(viewer, detail.escalation))] : [],
    ...(viewer ? { offers: offersTo(detail.escalation, rolesOn(viewer, detail.escalation)) } : {}),
  };
}
