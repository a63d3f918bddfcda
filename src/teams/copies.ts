// A copy of an escalation's card as its readers see it: a tier channel's members, a personal
// copy's person, anyone else (a group chat, a channel no tier is bound to) what the whole tenant
// may see (domain/access.ts). The delivery worker's posts and updates draw it, and so does a
// click, which updates the message it was made on before it is answered.
import type { Activity, Mention } from 'botbuilder';
import { canSee, type KnownViewer, rolesOn, viewerOn } from '../app/access';
import type { PostedCard } from '../app/ports';
import { anyone, channelViewer } from '../domain/access';
import type { Escalation } from '../domain/escalation';
import { leadershipTier, type Target, targetLabels } from '../domain/tiers';
import { tierOfConversation } from './bindings';
import { attachment } from './cards/render';
import { type CardDeps, escalationCard } from './escalationCard';
import { swarmReaders } from './swarmChat';

/** The update of one posted copy: the card as that copy's readers see the escalation now. */
export async function copyActivity(
  deps: CardDeps,
  escalation: Escalation,
  copy: { conversationId: string; activityId: string } | PostedCard,
): Promise<Partial<Activity>> {
  const place = await placeOf(deps, escalation, copy);
  const readers = await readersOf(deps, escalation, place);
  return cardActivity(deps, escalation, readers, [], place.channelTier);
}

/** Where a copy is, as the store knows it, and the tier whose channel it is in. */
async function placeOf(
  deps: CardDeps,
  escalation: Escalation,
  copy: { conversationId: string; activityId: string } | PostedCard,
): Promise<{ copy?: PostedCard; channelTier?: Target }> {
  // A copy the caller has just read from the store (a click's save) is not looked up again.
  const known =
    'place' in copy
      ? copy
      : (await deps.store.postedCards(escalation.id)).find(
          (c) => c.conversationId === copy.conversationId && c.activityId === copy.activityId,
        );
  const channelTier =
    !known || known.place === 'channel' ? await tierOfConversation(deps, copy.conversationId) : undefined;
  return { copy: known, channelTier };
}

/**
 * Who reads a copy: a tier channel's members; a personal copy's person; anyone else (a group
 * chat, a channel no tier is bound to) sees what the whole tenant may.
 */
async function readersOf(
  deps: CardDeps,
  escalation: Escalation,
  place: { copy?: PostedCard; channelTier?: Target },
): Promise<KnownViewer> {
  if (place.channelTier) return { viewer: channelViewer(place.channelTier), unsure: [] };
  if (place.copy?.place === 'personal' && place.copy.viewerId) {
    return viewerOn(deps, { id: place.copy.viewerId, name: '' }, escalation);
  }
  // A group chat may be the escalation's swarm chat, whose people were let in by the access policy.
  const swarm = place.copy?.place === 'groupChat' ? await deps.store.swarmChatIn(place.copy.conversationId) : undefined;
  if (swarm?.escalationId === escalation.id) return swarmReaders(swarm, escalation);
  return { viewer: anyone, unsure: [] };
}

/** The card for a copy's readers; `channelTier`: the tier whose channel it is in, if any. */
export async function cardActivity(
  deps: CardDeps,
  escalation: Escalation,
  readers: KnownViewer,
  mentions: Mention[],
  channelTier?: Target,
): Promise<Partial<Activity>> {
  const { viewer, unsure } = readers;
  const mentionText =
    mentions.length > 0
      ? `${targetLabels[escalation.brief.target]} escalation for ${mentions.map((m) => m.text).join(', ')}`
      : '';
  // Raised to Leadership, which may not read its tier: the breach is all it is told.
  const raisedHere = channelTier === leadershipTier && escalation.brief.target !== leadershipTier;
  const hiddenHeadline = raisedHere
    ? `A ${targetLabels[escalation.brief.target]} escalation breached its SLA: ${escalation.id}`
    : undefined;
  const card = await escalationCard(deps, escalation, {
    viewer,
    roles: rolesOn(viewer, escalation),
    mentionText,
    hiddenHeadline,
    unsure,
  });
  if (mentions.length > 0) {
    card.msteams = { entities: mentions.map((m) => ({ type: 'mention', text: m.text, mentioned: m.mentioned })) };
  }
  const seen = canSee(deps, viewer, escalation);
  return {
    type: 'message',
    summary: seen ? `${escalation.id}: ${escalation.brief.summary}` : (hiddenHeadline ?? 'An escalation'),
    attachments: [attachment(card)],
  };
}
