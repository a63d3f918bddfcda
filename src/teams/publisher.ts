// Sends what the delivery worker takes from the outbox: new channel posts, updates of
// posted copies, replies in a card's thread. Always as the bot (never as the user), so
// the bot can update them. Channel posts use createConversationAsync, which works with and
// without an app id (TeamsInfo.sendMessageToTeamsChannel does not in local mode). Cards are
// rendered as the escalation is now, for whoever reads each copy (domain/access.ts).
import {
  type Activity,
  type CloudAdapter,
  type ConversationParameters,
  type ConversationReference,
  type Mention,
  TeamsInfo,
  type TurnContext,
} from 'botbuilder';
import { canSee, type KnownViewer, viewerOn } from '../app/access';
import { updatesOf } from '../app/deliveries';
import { postedIn } from '../app/escalate';
import type { FeedSender, NoticeDelivery, PersonalCopyDelivery } from '../app/followPorts';
import { atMention } from '../app/mentions';
import type { ChannelBinding, PostedCard, QueuedDelivery } from '../app/ports';
import { channelViewer } from '../domain/access';
import type { Escalation } from '../domain/escalation';
import {
  clockNoticeText,
  type FeedNotice,
  feedClockNoticeOf,
  feedNoticeOf,
  madeBy,
  mattersToFollowers,
  noticeText,
  stillSo,
} from '../domain/notifications';
import { slaState } from '../domain/sla';
import { type Target, tiers } from '../domain/tiers';
import { cardActivity, copyActivity } from './copies';
import { type CardDeps, threadUrlOf } from './escalationCard';

/** People mentioned on a Security escalation, at most: beyond that, Teams cards get unwieldy. */
export const maxMentions = 20;

export interface PublisherDeps extends CardDeps {
  adapter: CloudAdapter;
  /** '' in local mode. */
  appId: string;
  log: (message: string) => void;
  /** Followers' notices go to their Teams activity feed through Graph (else an alerting chat message). */
  feed?: { sender: FeedSender; teamsAppId: string };
}

export class TeamsPublisher {
  constructor(private readonly deps: PublisherDeps) {}

  /** One outbox row for Teams (emails: emailPublisher.ts). Errors (with statusCode) tell the worker whether to retry. */
  async send(
    delivery: Exclude<QueuedDelivery, { kind: 'email' | 'ticketNote' }>,
    turn: () => Promise<void>,
  ): Promise<void> {
    const escalation = await this.deps.store.getEscalation(delivery.escalationId);
    if (!escalation) return;
    switch (delivery.kind) {
      case 'post':
        return this.post(escalation, delivery.target ?? escalation.brief.target, turn);
      case 'update':
        return this.update(escalation, delivery, turn);
      case 'reply':
        return this.reply(delivery, escalation, turn);
      case 'personal':
        return this.personalCopy(escalation, delivery, turn);
      case 'notice':
        return this.notice(escalation, delivery, turn);
    }
  }

  /** A new thread in the tier's channel, unless it is already there (a retried post) or no channel is bound. */
  private async post(escalation: Escalation, target: Target, turn: () => Promise<void>): Promise<void> {
    const binding = await this.deps.store.channelFor(target);
    if (!binding || (await postedIn(this.deps, escalation, binding))) return;
    const channel = channelOf(binding);
    // Its own tier's channel works it; a channel it is raised to (Leadership) follows it, if it may see it.
    const readers: KnownViewer = { viewer: channelViewer(target), unsure: [] };
    // A tier that goes out at once has its channel's people called by name.
    const mentions =
      tiers[target].immediate && canSee(this.deps, readers.viewer, escalation) ? await this.channelPeople(channel) : [];
    const activity = await cardActivity(this.deps, escalation, readers, mentions, target);
    await turn();
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
    const posted: PostedCard = {
      escalationId: escalation.id,
      conversationId,
      activityId,
      serviceUrl: channel.serviceUrl,
      postedAt: this.deps.clock.now().toISOString(),
      place: 'channel',
    };
    await this.deps.store.recordPostedCard(posted);
    await this.updateIfChanged(escalation, posted);
  }

  /**
   * The card in the person's 1:1 chat with the bot, drawn for them, which the bot opens (or finds)
   * itself: the form may have been sent from a channel or a group chat. A person the bot cannot
   * reach (403/404: it is not installed for them) fails once; the worker does not retry that.
   */
  private async personalCopy(escalation: Escalation, delivery: PersonalCopyDelivery, turn: () => Promise<void>) {
    const { person, serviceUrl } = delivery;
    const readers = await viewerOn(this.deps, { id: person.id, name: '' }, escalation);
    const activity = await cardActivity(this.deps, escalation, readers, []);
    await turn();
    const sent = await this.openPersonalChat(delivery, (context) => context.sendActivity(activity));
    if (!sent.activityId) throw new Error(`Teams did not say where ${escalation.id} was sent to ${person.id}`);
    const posted: PostedCard = {
      escalationId: escalation.id,
      conversationId: sent.conversationId,
      activityId: sent.activityId,
      serviceUrl,
      postedAt: this.deps.clock.now().toISOString(),
      place: 'personal',
      viewerId: person.id,
    };
    await this.deps.store.recordPostedCard(posted);
    await this.updateIfChanged(escalation, posted);
  }

  /**
   * A follower's notice of what changed since it was queued, or of an SLA clock: in their Teams
   * activity feed through Graph when configured, else a short message in their 1:1 chat whose
   * alert flag puts it in their feed. One who may no longer see the escalation (moved to Security,
   * left the team) hears nothing; nor does one whose changes were all theirs, one whose clock has
   * since been met or restarted, or one the bot could not reach before (each would fail again).
   */
  private async notice(
    escalation: Escalation,
    delivery: NoticeDelivery & { createdAt: string },
    turn: () => Promise<void>,
  ) {
    const { person } = delivery;
    const readers = await viewerOn(this.deps, { id: person.id, name: '' }, escalation);
    if (!canSee(this.deps, readers.viewer, escalation)) return;
    const said = await this.noticeOf(escalation, delivery);
    if (!said || (await this.deps.store.unreachable(person))) return;
    let paced = false;
    if (this.deps.feed) {
      const webUrl = await this.feedOpens(escalation, person.id, this.deps.feed.teamsAppId);
      await turn();
      if ((await this.deps.feed.sender.notify(person.id, said.feed, webUrl)) === 'sent') return;
      paced = true;
      this.deps.log(
        `${escalation.id}: sent a notice to ${person.id} as a chat message: the app may not send to activity feeds (grant it the Microsoft Graph application permission TeamsActivity.Send)`,
      );
    }
    const reach = await this.reachOf(escalation);
    if (!reach) throw Object.assign(new Error(`no Teams to reach ${person.id} through`), { statusCode: 404 });
    if (!paced) await turn();
    await this.openPersonalChat({ person, ...reach }, (context) =>
      context.sendActivity({
        type: 'message',
        text: said.text,
        textFormat: 'markdown',
        channelData: { notification: { alert: true } },
      }),
    );
  }

  /** What a notice says, as a chat message and as a feed notification; nothing when nothing is left to say. */
  private async noticeOf(
    escalation: Escalation,
    { person, clock, createdAt }: NoticeDelivery & { createdAt: string },
  ): Promise<{ text: string; feed: FeedNotice } | undefined> {
    const timeline = await this.deps.store.timeline(escalation.id);
    if (clock) {
      const sla = slaState(escalation, timeline, this.deps.clock.now(), this.deps.slaPolicy);
      const state = sla.clocks.find((c) => c.clock === clock.clock);
      if (!state || !stillSo(clock, sla)) return undefined;
      const toRequester = escalation.requester.id === person.id;
      return {
        text: clockNoticeText(escalation, state, toRequester),
        feed: feedClockNoticeOf(escalation, state, toRequester),
      };
    }
    const changes = timeline.filter(
      (entry) => entry.at >= createdAt && mattersToFollowers(entry) && !madeBy(entry, person.id),
    );
    return changes.length === 0
      ? undefined
      : { text: noticeText(escalation, changes), feed: feedNoticeOf(escalation, changes) };
  }

  /**
   * Where a feed notification opens: the person's own copy of the card (their chat with the bot),
   * else the card's thread in its tier's channel, else their My escalations tab.
   */
  private async feedOpens(escalation: Escalation, personId: string, teamsAppId: string): Promise<string> {
    const copies = await this.deps.store.postedCards(escalation.id);
    if (this.deps.appId && copies.some((copy) => copy.place === 'personal' && copy.viewerId === personId)) {
      return `https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(`28:${this.deps.appId}`)}`;
    }
    return (
      (await threadUrlOf(this.deps, escalation)) ??
      `https://teams.microsoft.com/l/entity/${encodeURIComponent(teamsAppId)}/myEscalations`
    );
  }

  /** The Teams a follower is reached through: its tier's channel's, or where a copy of its card is. */
  private async reachOf(escalation: Escalation): Promise<{ serviceUrl: string; tenantId?: string } | undefined> {
    const binding = await this.deps.store.channelFor(escalation.brief.target);
    if (binding) {
      const { serviceUrl, conversation } = binding.conversationReference;
      return { serviceUrl, ...(conversation.tenantId && { tenantId: conversation.tenantId }) };
    }
    const [copy] = await this.deps.store.postedCards(escalation.id);
    return copy && { serviceUrl: copy.serviceUrl };
  }

  /** Runs `work` in the person's 1:1 chat with the bot; fails when either fails (the outbox must see it). */
  private async openPersonalChat(
    { person, serviceUrl, tenantId }: Pick<PersonalCopyDelivery, 'person' | 'serviceUrl' | 'tenantId'>,
    work: (context: TurnContext) => Promise<{ id?: string } | undefined>,
  ): Promise<{ conversationId: string; activityId?: string }> {
    let failure: unknown;
    let conversationId = '';
    let activityId: string | undefined;
    await this.deps.adapter.createConversationAsync(
      this.deps.appId,
      'msteams',
      serviceUrl,
      '',
      {
        isGroup: false,
        bot: { id: this.deps.appId, name: 'Escalation Desk' },
        members: [{ id: person.teamsId, name: '' }],
        tenantId,
        channelData: tenantId ? { tenant: { id: tenantId } } : {},
      } as ConversationParameters,
      async (context) => {
        conversationId = context.activity.conversation.id;
        try {
          activityId = (await work(context))?.id;
        } catch (error) {
          failure = error;
        }
      },
    );
    if (failure) throw failure;
    return { conversationId, activityId };
  }

  /** Someone acted while a copy was on its way: the save did not know this copy yet. */
  private async updateIfChanged(escalation: Escalation, posted: PostedCard): Promise<void> {
    const now = await this.deps.store.getEscalation(escalation.id);
    if (now && now.version !== escalation.version) {
      await this.deps.store.enqueueDeliveries(updatesOf([posted]), this.deps.clock.now().toISOString());
    }
  }

  private async update(
    escalation: Escalation,
    copy: { conversationId: string; activityId: string; serviceUrl: string },
    turn: () => Promise<void>,
  ): Promise<void> {
    const activity = await copyActivity(this.deps, escalation, copy);
    await turn();
    try {
      await this.inConversation(copy, (context) => context.updateActivity({ ...activity, id: copy.activityId }));
    } catch (error) {
      // Teams no longer has this copy, or the bot is no longer in that chat: stop keeping it current.
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 403 || status === 404) {
        await this.deps.store.forgetPostedCard(copy.conversationId, copy.activityId);
      }
      throw error;
    }
  }

  /** A reply in the card's thread; the owner it names is @mentioned (as they are when it is sent). */
  private async reply(
    delivery: { conversationId: string; serviceUrl: string; text: string },
    escalation: Escalation,
    turn: () => Promise<void>,
  ): Promise<void> {
    const owner = escalation.owner;
    const named = owner && delivery.text.includes(atMention(owner.name));
    const entities = named
      ? [
          {
            type: 'mention',
            text: atMention(owner.name),
            mentioned: { id: owner.teamsId ?? owner.id, name: owner.name },
          },
        ]
      : [];
    await turn();
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
              text: atMention(name),
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
  const { conversation, serviceUrl } = binding.conversationReference;
  return { channelId: conversation.id, serviceUrl, tenantId: conversation.tenantId };
}
