// The posted brief card as it is now: one place gathers what it shows (timeline, SLA
// clocks, whom it can be assigned to, escalations that look the same) for every path that
// renders it: channel posts and updates, the answer to a click, "show ESC-n".
import { similarOpenEscalations } from '../app/similar';
import type { Escalation, Person } from '../domain/escalation';
import { isOpen, type Role } from '../domain/lifecycle';
import { slaState } from '../domain/sla';
import { bindingPeople } from './bindings';
import { briefCard } from './cards/briefCard';
import type { AdaptiveCard } from './cards/render';
import type { TeamsDeps } from './deps';

export type CardDeps = Pick<TeamsDeps, 'store' | 'clock' | 'slaPolicy' | 'publicUrl' | 'originatorId'>;

export interface CardView {
  /** How the viewer relates to it; a channel post is seen by its channel. */
  roles: ReadonlySet<Role>;
  viewer?: Person;
  /** Why the viewer's last action was refused. */
  message?: string;
  mentionText?: string;
}

/** Similar escalations change slowly: looked up again at most this often per escalation. */
const similarFreshMs = 30_000;
/** Per store (one per running app), by escalation id. */
const similarSeenBy = new WeakMap<object, Map<string, { at: number; ids: string[] }>>();

export async function escalationCard(deps: CardDeps, escalation: Escalation, view: CardView): Promise<AdaptiveCard> {
  const [timeline, binding, similar] = await Promise.all([
    deps.store.timeline(escalation.id),
    deps.store.channelFor(escalation.brief.target),
    similarTo(deps, escalation),
  ]);
  return briefCard({
    escalation,
    sla: slaState(escalation, timeline, deps.clock.now(), deps.slaPolicy),
    timeline,
    assignable: bindingPeople(binding),
    similar,
    publicUrl: deps.publicUrl,
    originatorId: deps.originatorId,
    ...view,
  });
}

async function similarTo(deps: CardDeps, escalation: Escalation): Promise<string[]> {
  if (!isOpen(escalation.status)) return [];
  const now = deps.clock.now().getTime();
  let similarSeen = similarSeenBy.get(deps.store);
  if (!similarSeen) {
    similarSeen = new Map();
    similarSeenBy.set(deps.store, similarSeen);
  }
  const seen = similarSeen.get(escalation.id);
  if (seen && now - seen.at < similarFreshMs) return seen.ids;
  const ids = (await similarOpenEscalations(deps.store, escalation.brief, escalation.id)).map((s) => s.id);
  if (similarSeen.size > 10_000) similarSeen.clear();
  similarSeen.set(escalation.id, { at: now, ids });
  return ids;
}
