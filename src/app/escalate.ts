// Escalating: store the brief and queue its post to the tier's channel in one
// transaction; the delivery worker posts it (usually before the person is answered).
// A tier with no channel keeps its escalations waiting until one is bound (postWaiting).
import type { Brief } from '../domain/brief';
import type { Escalation, Person } from '../domain/escalation';
import type { Target } from '../domain/vocabulary';
import type { EscalationDeps } from './escalations';
import type { ChannelBinding, PostedCard } from './ports';

export interface PostingDeps extends EscalationDeps {
  /** Wake the delivery worker; resolve once due deliveries are sent or the time is up. */
  deliverNow: (timeoutMs: number) => Promise<void>;
  /** Wake the delivery worker without waiting for it. */
  deliverSoon: () => void;
  log: (message: string) => void;
}

export interface Escalated {
  escalation: Escalation;
  /** False when the same request was already escalated (a retry or a double click). */
  created: boolean;
  /** Where the card is, once posted. */
  posted?: PostedCard;
  binding?: ChannelBinding;
}

/** How long a person waits for their escalation's post before being answered anyway (Teams allows 5 s). */
export const postWaitMs = 3000;

export async function escalate(
  deps: PostingDeps,
  brief: Brief,
  requester: Person,
  requestKey?: string,
): Promise<Escalated> {
  const { escalation, created } = await deps.store.createEscalation({
    brief,
    requester,
    at: deps.clock.now().toISOString(),
    requestKey,
    post: true,
  });
  const binding = await deps.store.channelFor(escalation.brief.target);
  if (binding && created) await deps.deliverNow(postWaitMs);
  const posted = binding && (await postedIn(deps, escalation, binding));
  return { escalation, created, posted, binding };
}

/** Queues the post of every open escalation of a tier that waited for a channel. */
export async function postWaiting(deps: PostingDeps, target: Target): Promise<Escalation[]> {
  const waiting = await deps.store.unpostedEscalations(target);
  if (waiting.length === 0) return [];
  await deps.store.enqueueDeliveries(
    waiting.map((e) => ({ kind: 'post', escalationId: e.id })),
    deps.clock.now().toISOString(),
  );
  deps.deliverSoon();
  return waiting;
}

/** The copy of the escalation's card in the bound channel, if it has been posted there. */
export async function postedIn(
  deps: EscalationDeps,
  escalation: Escalation,
  binding: ChannelBinding,
): Promise<PostedCard | undefined> {
  const channelId = (binding.conversationReference as { conversation?: { id?: string } }).conversation?.id;
  const copies = await deps.store.postedCards(escalation.id);
  return copies.find((copy) => channelId !== undefined && copy.conversationId.split(';')[0] === channelId);
}
