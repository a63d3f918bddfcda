// Escalating: store the brief, then post it in its tier's channel. A tier with no
// channel keeps its escalations waiting until one is bound (postWaiting).
import type { Brief } from '../domain/brief';
import type { Escalation, Person } from '../domain/escalation';
import type { Target } from '../domain/vocabulary';
import type { EscalationDeps } from './escalations';
import type { ChannelBinding, PostedCard } from './ports';

/** Posts cards where Teams people see them. Implemented in src/teams. */
export interface CardPublisher {
  /** A new thread in the bound channel holding the escalation's card. */
  post(escalation: Escalation, binding: ChannelBinding): Promise<PostedCard>;
}

export interface PostingDeps extends EscalationDeps {
  publisher: CardPublisher;
  log: (message: string) => void;
}

export interface Escalated {
  escalation: Escalation;
  /** False when the same request was already escalated (a retry or a double click). */
  created: boolean;
  /** Where the card is, when the tier has a channel. */
  posted?: PostedCard;
  binding?: ChannelBinding;
}

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
  });
  const binding = await deps.store.channelFor(escalation.brief.target);
  // Only the delivery that created the escalation posts it, so a retry never posts twice.
  const posted = created
    ? binding && (await postCard(deps, escalation, binding))
    : (await deps.store.postedCards(escalation.id))[0];
  return { escalation, created, posted, binding };
}

/** Posts every open escalation of a tier that waited for a channel; returns those posted. */
export async function postWaiting(deps: PostingDeps, target: Target): Promise<Escalation[]> {
  const binding = await deps.store.channelFor(target);
  if (!binding) return [];
  const posted: Escalation[] = [];
  for (const escalation of await deps.store.unpostedEscalations(target)) {
    if (await postCard(deps, escalation, binding)) posted.push(escalation);
  }
  return posted;
}

async function postCard(
  deps: PostingDeps,
  escalation: Escalation,
  binding: ChannelBinding,
): Promise<PostedCard | undefined> {
  try {
    const posted = await deps.publisher.post(escalation, binding);
    await deps.store.recordPostedCard(posted);
    return posted;
  } catch (error) {
    // Saved all the same: it waits like an escalation of an unbound tier and is posted by postWaiting.
    deps.log(`posting ${escalation.id} to the ${escalation.brief.target} channel failed: ${(error as Error).message}`);
    return undefined;
  }
}
