// Acting on an escalation from its card: decide (domain), save with a version check,
// queue the update of every posted copy. A refused action changes nothing.
import { emailRefusal } from '../domain/emailing';
import type { Escalation, Person, TimelineEntry } from '../domain/escalation';
import { type CardAction, decide, mayMake, refusalForRoles } from '../domain/lifecycle';
import type { Target } from '../domain/vocabulary';
import { type AccessDeps, canSee, type KnownViewer, rolesOn, unsureText, viewerOn } from './access';
import { updatesOf } from './deliveries';
import type { EscalationDeps } from './escalations';
import { flagPattern } from './pattern';
import type { ChannelStore, Delivery, EscalationStore, IdempotencyStore } from './ports';

export interface ActDeps extends EscalationDeps, AccessDeps {
  store: EscalationStore & IdempotencyStore & Pick<ChannelStore, 'emailLists' | 'postedCards'>;
  /** The organisation's mail domain (the sending mailbox's): briefs are emailed only inside it. */
  organisationDomain?: string;
  /** Wakes the delivery worker so copies update within seconds. */
  deliverSoon: () => void;
}

export interface ActRequest {
  escalationId: string;
  /** The version the card showed when the person clicked. */
  cardVersion: number;
  action: CardAction;
  actor: Person;
  /** The actor as a viewer of this escalation (app/access.ts viewerOn): their roles follow. */
  known: KnownViewer;
  /** The tier whose channel the action comes from, if any: it vouches for the actor there. */
  inChannelOf?: Target;
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

  let { action } = request;
  if (action.kind === 'email') {
    const refusal = emailRefusal(
      escalation.brief.target,
      action.addresses,
      await store.emailLists(),
      deps.organisationDomain,
    );
    if (refusal) return { outcome: 'refused', escalation, reason: refusal };
  }
  if (action.kind === 'link') {
    const other = await linkable(deps, request, action.otherId);
    if (typeof other === 'string') return { outcome: 'refused', escalation, reason: other };
    action = { ...action, otherTarget: other.brief.target };
  }
  const at = deps.clock.now().toISOString();
  const decision = decide(escalation, action, request.actor, rolesOn(request.known.viewer, escalation), at);
  if (!decision.ok) return { outcome: 'refused', escalation, reason: decision.reason + unsureText(request.known) };

  const deliveries: Delivery[] = updatesOf(await store.postedCards(escalation.id));
  // A retargeted escalation is posted in its new tier's channel too.
  if (action.kind === 'retarget') deliveries.push({ kind: 'post', escalationId: escalation.id });
  // Emailed with the change that records it: once, however often the click is delivered.
  if (action.kind === 'email') {
    deliveries.push({
      kind: 'email',
      escalationId: escalation.id,
      to: action.addresses,
      reason: 'shared',
      key: `email:${escalation.id}:shared:v${decision.next.version}`,
    });
  }

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

/** The escalation to link to, if the actor may see it and holds a role on it too; else why not. */
async function linkable(deps: ActDeps, request: ActRequest, otherId: string): Promise<Escalation | string> {
  const other = await deps.store.getEscalation(otherId);
  const known = other && (await viewerOn(deps, request.actor, other, request.inChannelOf));
  // One they may not see is, to them, one that does not exist.
  if (!other || !known || !canSee(deps, known.viewer, other)) {
    return `No escalation ${otherId} that you can see: link with an id like ESC-12.`;
  }
  if (!mayMake('link', rolesOn(known.viewer, other))) {
    return `${refusalForRoles('link').replace(/\.$/, '')} ${otherId} too.${unsureText(known)}`;
  }
  return other;
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
