// Sends what the delivery worker takes from the outbox: new channel posts, updates of
// posted copies, replies in a card's thread. Always as the bot (never as the user), so
// the bot can update them. Channel posts use createConversationAsync, which works with
// and without an app id (DESIGN.md). Cards are rendered as the escalation is now.
import {
  type Activity,
  type CloudAdapter,
  type ConversationReference,
  type Mention,
  TeamsInfo,
  type TurnContext,
} from 'botbuilder';
import { postedIn } from '../app/escalate';
import type { EscalationDeps } from '../app/escalations';
import type { ChannelBinding, QueuedDelivery } from '../app/ports';
import type { Escalation } from '../domain/escalation';
import type { Role } from '../domain/lifecycle';
import type { Target } from '../domain/vocabulary';
import { attachment } from './cards/render';
import { escalationCard } from './escalationCard';

/** People mentioned on a Security escalation, at most: beyond that, Teams cards get unwieldy. */
export const maxMentions = 20;

export interface PublisherDeps extends EscalationDeps {
  adapter: CloudAdapter;
  /** '' in local mode. */
  appId: string;
  publicUrl: string;
  originatorId?: string;
  log: (message: string) => void;
}

export class TeamsPublisher {
  constructor(private readonly deps: PublisherDeps) {}

  /** DeliverySender: one outbox row. Errors (with statusCode) tell the worker whether to retry. */
  async send(delivery: QueuedDelivery): Promise<void> {
    const escalation = await this.deps.store.getEscalation(delivery.escalationId);
    if (!escalation) return;
    switch (delivery.kind) {
      case 'post':
        return this.post(escalation, delivery.target ?? escalation.brief.target);
      case 'update':
        return this.update(escalation, delivery);
      case 'reply':
        return this.reply(delivery, escalation);
    }
  }

  /** A new thread in the tier's channel, unless it is already there (a retried post) or no channel is bound. */
  private async post(escalation: Escalation, target: Target): Promise<void> {
    const binding = await this.deps.store.channelFor(target);
    if (!binding || (await postedIn(this.deps, escalation, binding))) return;
    const channel = channelOf(binding);
    const mentions = target === 'security' ? await this.channelPeople(channel) : [];
    // Its own tier's channel works it; a channel it is raised to (Leadership) follows it.
    const roles = new Set<Role>(target === escalation.brief.target ? ['tierChannel'] : []);
    const activity = await this.cardActivity(escalation, roles, mentions);
    let conversationId: string | undefined;
    await this.deps.adapter.createConversationAsync(
      this.deps.appId,
      'msteams',
      channel.serviceUrl,
      '',
      {
        isGroup: true,
        bot: { id: this.deps.appId, name: 'Escalation Desk' },
        channelData: {
          channel: { id: channel.channelId },
          ...(channel.tenantId ? { tenant: { id: channel.tenantId } } : {}),
        },
        tenantId: channel.tenantId,
        activity: activity as Activity,
        members: [],
      },
      async (context) => {
        conversationId = context.activity.conversation.id;
      },
    );
    // A new channel thread is "<channel id>;messageid=<id of its first message>".
    const activityId = conversationId && /;messageid=(.+)$/.exec(conversationId)?.[1];
    if (!conversationId || !activityId) {
      throw new Error(`Teams did not say where ${escalation.id} was posted (conversation "${conversationId}")`);
    }
    const copy = { conversationId, activityId, serviceUrl: channel.serviceUrl };
    await this.deps.store.recordPostedCard({
      escalationId: escalation.id,
      ...copy,
      postedAt: this.deps.clock.now().toISOString(),
    });
    // Someone acted while this post was on its way: the save did not know this copy yet.
    const now = await this.deps.store.getEscalation(escalation.id);
    if (now && now.version !== escalation.version) {
      await this.deps.store.enqueueDeliveries(
        [{ kind: 'update', escalationId: escalation.id, ...copy }],
        this.deps.clock.now().toISOString(),
      );
    }
  }

  private async update(
    escalation: Escalation,
    copy: { conversationId: string; activityId: string; serviceUrl: string },
  ): Promise<void> {
    // The card in the tier's channel offers the channel's actions; other copies (an earlier
    // tier's channel, a personal chat) offer only what everyone may do, and refresh per person.
    const binding = await this.deps.store.channelFor(escalation.brief.target);
    const inTierChannel = binding !== undefined && copy.conversationId.split(';')[0] === channelOf(binding).channelId;
    const activity = await this.cardActivity(escalation, new Set<Role>(inTierChannel ? ['tierChannel'] : []), []);
    await this.inConversation(copy, (context) => context.updateActivity({ ...activity, id: copy.activityId }));
  }

  /** A reply in the card's thread; the owner it names is @mentioned (as they are when it is sent). */
  private async reply(
    delivery: { conversationId: string; serviceUrl: string; text: string },
    escalation: Escalation,
  ): Promise<void> {
    const owner = escalation.owner;
    const named = owner && delivery.text.includes(`<at>${escapeXml(owner.name)}</at>`);
    const entities = named
      ? [
          {
            type: 'mention',
            text: `<at>${escapeXml(owner.name)}</at>`,
            mentioned: { id: owner.teamsId ?? owner.id, name: owner.name },
          },
        ]
      : [];
    await this.inConversation(delivery, (context) =>
      context.sendActivity({ type: 'message', text: delivery.text, textFormat: 'markdown', entities }),
    );
  }

  /**
   * Runs `work` in a conversation and fails when it fails. The adapter hands a failing turn
   * to onTurnError, which only logs: the outbox must see the error to retry.
   */
  private async inConversation(
    where: { conversationId: string; serviceUrl: string },
    work: (context: TurnContext) => Promise<unknown>,
  ): Promise<void> {
    let failure: unknown;
    const reference = {
      channelId: 'msteams',
      serviceUrl: where.serviceUrl,
      conversation: { id: where.conversationId } as ConversationReference['conversation'],
    };
    await this.deps.adapter.continueConversationAsync(this.deps.appId, reference, async (context) => {
      try {
        await work(context);
      } catch (error) {
        failure = error;
      }
    });
    if (failure) throw failure;
  }

  private async cardActivity(
    escalation: Escalation,
    roles: ReadonlySet<Role>,
    mentions: Mention[],
  ): Promise<Partial<Activity>> {
    const mentionText = mentions.length > 0 ? `Security escalation for ${mentions.map((m) => m.text).join(', ')}` : '';
    const card = await escalationCard(this.deps, escalation, { roles, mentionText });
    if (mentions.length > 0) {
      card.msteams = { entities: mentions.map((m) => ({ type: 'mention', text: m.text, mentioned: m.mentioned })) };
    }
    return {
      type: 'message',
      summary: `${escalation.id}: ${escalation.brief.summary}`,
      attachments: [attachment(card)],
    };
  }

  /** The channel's people (the team's members), to @mention on a Security escalation. */
  private async channelPeople(channel: Channel): Promise<Mention[]> {
    const people: Mention[] = [];
    try {
      await this.inConversation(
        { conversationId: channel.channelId, serviceUrl: channel.serviceUrl },
        async (context) => {
          const page = await TeamsInfo.getPagedMembers(context, maxMentions);
          for (const member of page.members.slice(0, maxMentions)) {
            const name = member.name ?? member.givenName ?? 'member';
            people.push({
              type: 'mention',
              text: `<at>${escapeXml(name)}</at>`,
              mentioned: { id: member.aadObjectId ?? member.id, name },
            } as Mention);
          }
        },
      );
    } catch (error) {
      // Mentions help but must never hold back a Security post.
      this.deps.log(`could not read the security channel's members: ${(error as Error).message}`);
    }
    return people;
  }
}

interface Channel {
  channelId: string;
  serviceUrl: string;
  tenantId?: string;
}

function channelOf(binding: ChannelBinding): Channel {
  const reference = binding.conversationReference as Partial<ConversationReference>;
  const channelId = reference.conversation?.id;
  if (!channelId || !reference.serviceUrl) {
    throw new Error(`The ${binding.target} channel binding has no channel id or service URL: bind it again`);
  }
  return { channelId, serviceUrl: reference.serviceUrl, tenantId: reference.conversation?.tenantId };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] as string);
}
