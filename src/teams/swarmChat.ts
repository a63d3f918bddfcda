// The brief's card in an escalation's swarm chat: posted by the bot once the app is installed
// there, recorded as a copy so every change updates it, and drawn for the chat's readers (its
// members may all see the escalation: app/swarm.ts let in no one else).
import type { Activity, CloudAdapter, ConversationReference } from 'botbuilder';
import type { KnownViewer } from '../app/access';
import { updatesOf } from '../app/deliveries';
import type { PostedCard } from '../app/ports';
import type { PostInChat, SwarmChat } from '../app/swarmPorts';
import { anyone, channelViewer } from '../domain/access';
import type { Escalation } from '../domain/escalation';
import { cardActivity } from './copies';
import type { CardDeps } from './escalationCard';

/**
 * Who reads a swarm chat's copy: the tier's readers while the escalation stays in the tier the chat
 * was made for; moved on, the chat's members may not all read the new tier, so what anyone may.
 */
export function swarmReaders(chat: SwarmChat, escalation: Escalation): KnownViewer {
  const viewer = chat.tier === escalation.brief.target ? channelViewer(chat.tier) : anyone;
  return { viewer, unsure: [] };
}

export function postInChatWith(deps: CardDeps & { adapter: CloudAdapter; appId: string }): PostInChat {
  return async (escalation, { chatId, serviceUrl, tenantId }) => {
    const chat = await deps.store.swarmChatIn(chatId);
    if (!chat) throw new Error(`${chatId} is not ${escalation.id}'s swarm chat`);
    const activity = await cardActivity(deps, escalation, swarmReaders(chat, escalation), []);
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl,
      conversation: {
        id: chatId,
        isGroup: true,
        conversationType: 'groupChat',
        tenantId,
      } as ConversationReference['conversation'],
    };
    let activityId: string | undefined;
    await deps.adapter.continueConversationAsync(deps.appId, reference, async (context) => {
      activityId = (await context.sendActivity(activity as Activity))?.id;
    });
    if (!activityId) throw new Error(`Teams did not say which message in ${chatId} holds ${escalation.id}'s card`);
    const posted: PostedCard = {
      escalationId: escalation.id,
      conversationId: chatId,
      activityId,
      serviceUrl,
      postedAt: deps.clock.now().toISOString(),
      place: 'groupChat',
    };
    await deps.store.recordPostedCard(posted);
    // Changed while the card was on its way: the copy is brought up to date.
    const now = await deps.store.getEscalation(escalation.id);
    if (now && now.version !== escalation.version) {
      await deps.store.enqueueDeliveries(updatesOf([posted]), deps.clock.now().toISOString());
    }
  };
}
