// Acting on an escalation (a card's click, the board, Outlook): the domain decides (domain/decide.ts),
// the change is saved with a version check, and every posted copy is updated. A move not made
// changes nothing, and says why.

import { decide, type MoveRequest } from '../domain/decide';
import type { Escalation, Person, TimelineEntry } from '../domain/escalation';
import type { CardAction } from '../domain/lifecycle';
import type { Target } from '../domain/tiers';
import { type AccessDeps, canSee, type KnownViewer, rolesOn, unsureText, viewerOn } from './access';
import { saveChange } from './changes';
import type { EscalationDeps } from './escalations';
import { flagPattern } from './pattern';
import type { ChannelStore, ClickedCopy, EscalationStore, IdempotencyStore, PostedCard } from './ports';

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
  /** The message clicked, when the click's turn sends its update (app/sendAhead.ts). */
  clicked?: ClickedCopy;
}

/** What became of an action; every edge switches on `outcome` (a card shows `reason`, HTTP answers 409, 403, 400). */
export type ActOutcome =
  | { outcome: 'applied'; escalation: Escalation /** Every posted copy of its card. */; copies: PostedCard[] }
  /** The same click delivered again: already applied, nothing more to do. */
  | { outcome: 'repeated'; escalation: Escalation }
  /** Out of date: changed since the version the person saw. */
  | { outcome: 'stale'; escalation: Escalation; reason: string }
  | { outcome: 'forbidden'; escalation: Escalation; reason: string }
  | { outcome: 'invalid'; escalation?: Escalation; reason: string };

export async function act(deps: ActDeps, request: ActRequest): Promise<ActOutcome> {
  const { store } = deps;
  const escalation = request.read ?? (await store.getEscalation(request.escalationId));
  if (!escalation) return { outcome: 'invalid', reason: `No escalation ${request.escalationId}.` };

  const at = deps.clock.now().toISOString();
  const decision = decide(await moveRequest(deps, request, escalation, at));
  switch (decision.outcome) {
    case 'stale':
      return (await repeated(deps, request)) ?? stale(deps, escalation, request.cardVersion);
    case 'forbidden':
      return { outcome: 'forbidden', escalation, reason: decision.reason + unsureText(request.known) };
    case 'invalid':
      return { outcome: 'invalid', escalation, reason: decision.reason };
  }
  const { change } = decision;
  const { actor, actionKey, clicked } = request;
  const saved = await saveChange(store, escalation, change, { at, actor, actionKey, clicked });
  if (!saved.saved) {
    if (saved.current && (await repeated(deps, request))) return { outcome: 'repeated', escalation: saved.current };
    return saved.current
      ? stale(deps, saved.current, request.cardVersion)
      : { outcome: 'invalid', reason: `No escalation ${request.escalationId}.` };
  }
  const linked = change.effects.some((effect) => effect.kind === 'link');
  if (linked) await flagPattern(deps, escalation.id);
  if (queuedAny(saved.copies, request.clicked, change.effects)) deps.deliverSoon();
  const after = linked ? await store.getEscalation(escalation.id) : undefined;
  return { outcome: 'applied', escalation: after ?? saved.escalation, copies: saved.copies };
}

/** The same click delivered again (its action key already applied): the escalation as it is now. */
async function repeated(deps: ActDeps, request: ActRequest): Promise<ActOutcome | undefined> {
  if (!request.actionKey || !(await deps.store.appliedAction(request.actionKey))) return undefined;
  const current = await deps.store.getEscalation(request.escalationId);
  return current && { outcome: 'repeated', escalation: current };
}

/** Everything the domain needs to decide: the actor's roles, and what the move looks at. */
async function moveRequest(
  deps: ActDeps,
  request: ActRequest,
  escalation: Escalation,
  at: string,
): Promise<MoveRequest> {
  const { action } = request;
  return {
    escalation,
    seenVersion: request.cardVersion,
    action,
    actor: request.actor,
    roles: rolesOn(request.known.viewer, escalation),
    at,
    policy: deps.access,
    ...(action.kind === 'email'
      ? { emailLists: await deps.store.emailLists(), organisationDomain: deps.organisationDomain }
      : {}),
    ...(action.kind === 'link' ? { other: await otherToLink(deps, request, action.otherId) } : {}),
  };
}

/** The escalation to link to, if the actor may see it, with their roles on it. */
async function otherToLink(deps: ActDeps, request: ActRequest, otherId: string): Promise<MoveRequest['other']> {
  const other = await deps.store.getEscalation(otherId);
  if (!other) return undefined;
  const { viewer } = await viewerOn(deps, request.actor, other, request.inChannelOf);
  return canSee(deps, viewer, other) ? { escalation: other, roles: rolesOn(viewer, other) } : undefined;
}

/** Refused because the card was out of date: say what changed since, and by whom. */
async function stale(deps: ActDeps, current: Escalation, cardVersion: number): Promise<ActOutcome> {
  const since = (await deps.store.timeline(current.id)).filter((e) => e.version > cardVersion);
  return { outcome: 'stale', escalation: current, reason: changedSince(since) };
}

export function changedSince(entries: TimelineEntry[]): string {
  if (entries.length === 0)
    return 'This card was out of date; here it is as it is now. Nothing was changed: try again.';
  const shown = entries.slice(-3).map((e) => e.text);
  const more = entries.length > 3 ? ` (and ${entries.length - 3} earlier changes)` : '';
  return `Changed while you were looking${more}: ${shown.join('; ')}. Nothing was changed by you: check and try again.`;
}

/** Whether the save queued a send: an update of a copy not clicked, a post or an email. */
function queuedAny(copies: PostedCard[], clicked: ClickedCopy | undefined, effects: { kind: string }[]): boolean {
  const isClicked = (copy: PostedCard) =>
    clicked !== undefined && copy.conversationId === clicked.conversationId && copy.activityId === clicked.activityId;
  return copies.some((copy) => !isClicked(copy)) || effects.some((effect) => effect.kind !== 'link');
}
