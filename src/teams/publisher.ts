// Posts and keeps current the cards Teams people see, as the bot (never as the user, so
// the bot can update them). Channel posts go through createConversationAsync, which
// works with and without an app id (see DESIGN.md).
import {
  type Activity,
  type CloudAdapter,
  type ConversationReference,
  type Mention,
  TeamsInfo,
  type TurnContext,
} from 'botbuilder';
import type { CardPublisher } from '../app/escalate';
import type { EscalationDeps } from '../app/escalations';
import type { ChannelBinding, PostedCard } from '../app/ports';
import type { Escalation } from '../domain/escalation';
import { slaState } from '../domain/sla';
import { briefCard } from './cards/briefCard';
import { attachment } from './cards/render';

/** People mentioned on a Security escalation, at most: beyond that, Teams cards get unwieldy. */
export const maxMentions = 20;

export interface PublisherDeps extends EscalationDeps {
  adapter: CloudAdapter;
  /** '' in local mode. */
  appId: string;
  publicUrl: string;
}

export class TeamsPublisher implements CardPublisher {
  constructor(private readonly deps: PublisherDeps) {}

  async post(escalation: Escalation, binding: ChannelBinding): Promise<PostedCard> {
    const channel = channelOf(binding);
    const mentions = escalation.brief.target === 'security' ? await this.channelPeople(channel) : [];
    const activity = await this.cardActivity(escalation, mentions);
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
    return {
      escalationId: escalation.id,
      conversationId,
      activityId,
      serviceUrl: channel.serviceUrl,
      postedAt: this.deps.clock.now().toISOString(),
    };
  }

  private async cardActivity(escalation: Escalation, mentions: Mention[]): Promise<Partial<Activity>> {
    const timeline = await this.deps.store.timeline(escalation.id);
    const sla = slaState(escalation, timeline, this.deps.clock.now(), this.deps.slaPolicy);
    const mentionText = mentions.length > 0 ? `Security escalation for ${mentions.map((m) => m.text).join(', ')}` : '';
    const card = briefCard({ escalation, sla, publicUrl: this.deps.publicUrl, mentionText });
    if (mentions.length > 0) {
      card.msteams = {
        entities: mentions.map((m) => ({ type: 'mention', text: m.text, mentioned: m.mentioned })),
      };
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
      await this.deps.adapter.continueConversationAsync(
        this.deps.appId,
        channel.reference,
        async (context: TurnContext) => {
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
    } catch {
      // Mentions help but must never hold back a Security post.
    }
    return people;
  }
}

interface Channel {
  channelId: string;
  serviceUrl: string;
  tenantId?: string;
  reference: Partial<ConversationReference>;
}

function channelOf(binding: ChannelBinding): Channel {
  const reference = binding.conversationReference as Partial<ConversationReference>;
  const channelId = reference.conversation?.id;
  if (!channelId || !reference.serviceUrl) {
    throw new Error(`The ${binding.target} channel binding has no channel id or service URL: bind it again`);
  }
  return { channelId, serviceUrl: reference.serviceUrl, tenantId: reference.conversation?.tenantId, reference };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] as string);
}
