// Acting on an escalation from its card: decide (domain), save with a version check,
// queue the update of every posted copy. A refused action changes nothing.
import type { Escalation, Person, TimelineEntry } from '../domain/escalation';
import { type CardAction, decide, type Role } from '../domain/lifecycle';
import type { EscalationDeps } from './escalations';
import { flagPattern } from './pattern';
import type { Delivery } from './ports';

export interface ActDeps extends EscalationDeps {
  /** Wakes the delivery worker so copies update within seconds. */
  deliverSoon: () => void;
}

export interface ActRequest {
  escalationId: string;
  /** The version the card showed when the person clicked. */
  cardVersion: number;
  action: CardAction;
  actor: Person;
  roles: ReadonlySet<Role>;
  /** Identifies this click: a retried delivery of it is applied once. */
  actionKey?: string;
  /** The escalation as the caller just read it, to save reading it again. */
  read?: Escalation;
}

export type ActOutcome =
  | { outcome: 'applied'; escalation: Escalation }
  /** The same click delivered again: already applied, nothing more to do. */
  | { outcome: 'repeated'; escalation: Escalation }
  | { outcome: 'refused'; escalation?: Escalation; reason: string };

export async function act(deps: ActDeps, request: ActRequest): Promise<ActOutcome> {
  const { store } = deps;
  if (request.actionKey && (await store.appliedAction(request.actionKey))) {
    const current = await store.getEscalation(request.escalationId);
    if (current) return { outcome: 'repeated', escalation: current };
  }
  const escalation = request.read ?? (await store.getEscalation(request.escalationId));
  if (!escalation) return { outcome: 'refused', reason: `No escalation ${request.escalationId}.` };
  if (request.cardVersion !== escalation.version) return stale(deps, escalation, request.cardVersion);

  const { action } = request;
  if (action.kind === 'link' && !(await store.getEscalation(action.otherId))) {
    return { outcome: 'refused', escalation, reason: `No escalation ${action.otherId}: link with an id like ESC-12.` };
  }
  const at = deps.clock.now().toISOString();
  const decision = decide(escalation, action, request.actor, request.roles, at);
  if (!decision.ok) return { outcome: 'refused', escalation, reason: decision.reason };

  const copies = await store.postedCards(escalation.id);
  const deliveries: Delivery[] = copies.map((copy) => ({
    kind: 'update',
    escalationId: escalation.id,
    conversationId: copy.conversationId,
    activityId: copy.activityId,
    serviceUrl: copy.serviceUrl,
  }));
  // A retargeted escalation is posted in its new tier's channel too.
  if (action.kind === 'retarget') deliveries.push({ kind: 'post', escalationId: escalation.id });

  const saved = await store.saveEscalation(
    decision.next,
    escalation.version,
    { ...decision.entry, at, actor: request.actor, actionKey: request.actionKey },
    deliveries,
  );
  if (!saved.saved) {
    if (request.actionKey && (await store.appliedAction(request.actionKey)) && saved.current) {
      return { outcome: 'repeated', escalation: saved.current };
    }
    return saved.current
      ? stale(deps, saved.current, request.cardVersion)
      : { outcome: 'refused', reason: `No escalation ${request.escalationId}.` };
  }
  if (action.kind === 'link') {
    await store.linkEscalations(escalation.id, action.otherId, at);
    await flagPattern(deps, escalation.id);
  }
  deps.deliverSoon();
  const after = action.kind === 'link' ? await store.getEscalation(escalation.id) : undefined;
  return { outcome: 'applied', escalation: after ?? saved.escalation };
}

/** Refused because the card was out of date: say what changed since, and by whom. */
async function stale(deps: ActDeps, current: Escalation, cardVersion: number): Promise<ActOutcome> {
  const since = (await deps.store.timeline(current.id)).filter((e) => e.version > cardVersion);
  return { outcome: 'refused', escalation: current, reason: changedSince(since) };
}

export function changedSince(entries: TimelineEntry[]): string {
  if (entries.length === 0)
    return 'This card was out of date; here it is as it is now. Nothing was changed: try again.';
  const shown = entries.slice(-3).map((e) => e.text);
  const more = entries.length > 3 ? ` (and ${entries.length - 3} earlier changes)` : '';
  return `Changed while you were looking${more}: ${shown.join('; ')}. Nothing was changed by you: check and try again.`;
}
