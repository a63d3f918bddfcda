// A tier's channel binding: the conversation reference the bot posts with, plus what
// people read (team and channel names) and whom escalations can be assigned to.
import { type Activity, type TeamsChannelAccount, TeamsInfo, type TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import {
  type BindingReference,
  type ChannelBinding,
  type ChannelPlace,
  channelOfConversation,
  type Store,
} from '../app/ports';
import type { Person } from '../domain/escalation';
import type { Target } from '../domain/vocabulary';
import { channelName, channelOfActivity, hasOwnMembers, shortChannelName, type TeamsChannel } from './people';

/** People offered for assignment: the first of the team's members (a card lists at most 50). */
export const maxTeamPeople = 100;

export function referenceFor(activity: Activity, channel: TeamsChannel, people: Person[]): BindingReference {
  return {
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    bot: activity.recipient,
    conversation: { id: channel.channelId, isGroup: true, conversationType: 'channel', tenantId: channel.tenantId },
    channel,
    people,
  };
}

export function bindingChannel(binding: ChannelBinding): TeamsChannel {
  const reference = binding.conversationReference;
  return reference.channel ?? { channelId: reference.conversation.id };
}

/** The channel of a binding as a move of the tier records it. */
export function channelPlace(binding: ChannelBinding): ChannelPlace {
  const channel = bindingChannel(binding);
  const { serviceUrl } = binding.conversationReference;
  return { channelId: channel.channelId, teamId: channel.teamId, serviceUrl, name: channelName(channel) };
}

/** The tier whose bound channel a conversation (a channel, or a thread in it) is, if any. */
export async function tierOfConversation(
  deps: { store: Pick<Store, 'listChannels'> },
  conversationId: string,
): Promise<Target | undefined> {
  const channelId = channelOfConversation(conversationId);
  const bindings = await deps.store.listChannels();
  return bindings.find((b) => bindingChannel(b).channelId === channelId)?.target;
}

/** The tier whose bound channel an activity comes from: Teams delivers only its members' clicks there. */
export async function tierOfActivity(
  deps: { store: Pick<Store, 'listChannels'> },
  activity: Activity,
): Promise<Target | undefined> {
  const here = channelOfActivity(activity)?.channelId;
  return here ? tierOfConversation(deps, here) : undefined;
}

/** The Bot Connector client of this turn (CloudAdapter keeps it in the turn state). */
function connectorOf(context: TurnContext): ConnectorClient {
  const adapter = context.adapter as unknown as { ConnectorClientKey: symbol };
  return context.turnState.get(adapter.ConnectorClientKey) as ConnectorClient;
}

/** Whom escalations of this tier can be assigned to. */
export function bindingPeople(binding: ChannelBinding | undefined): Person[] {
  return binding?.conversationReference.people ?? [];
}

/**
 * The channel's people (those Teams names an Entra id for), when Teams lets the bot read them: a
 * standard channel's are its team's; a private or shared channel's are its own members.
 */
export async function channelPeople(
  context: TurnContext,
  channel: TeamsChannel,
  log: (message: string) => void,
): Promise<Person[]> {
  try {
    // The connector's typing asks for a continuation token even for the first page; Teams does not.
    const firstPage = { pageSize: maxTeamPeople } as { pageSize: number; continuationToken: string };
    const page: { members: TeamsChannelAccount[] } = hasOwnMembers(channel)
      ? await connectorOf(context).conversations.getConversationPagedMembers(channel.channelId, firstPage)
      : await TeamsInfo.getPagedMembers(context, maxTeamPeople);
    return page.members.slice(0, maxTeamPeople).flatMap((m) => {
      if (!m.aadObjectId) return [];
      // The UPN is what Teams' deep links name people by (Swarm and Meet now without Graph).
      const upn = m.userPrincipalName ?? m.email;
      return [
        { id: m.aadObjectId, name: m.name ?? m.givenName ?? 'Someone', teamsId: m.id, ...(upn && { email: upn }) },
      ];
    });
  } catch (error) {
    log(`could not read the channel's members (assignment will offer nobody): ${(error as Error).message}`);
    return [];
  }
}

/** Teams sends only ids with a message: ask for the team's and channel's names, for people to read. */
export async function withNames(
  context: TurnContext,
  channel: TeamsChannel,
  log: (message: string) => void,
): Promise<TeamsChannel> {
  if (!channel.teamId) return channel;
  try {
    const [details, teamChannels] = await Promise.all([
      TeamsInfo.getTeamDetails(context, channel.teamId),
      TeamsInfo.getTeamChannels(context, channel.teamId),
    ]);
    const named = teamChannels.find((c) => c.id === channel.channelId);
    return {
      ...channel,
      teamName: channel.teamName ?? details.name,
      aadGroupId: channel.aadGroupId ?? details.aadGroupId,
      channelName: shortChannelName(channel, named?.name),
    };
  } catch (error) {
    log(`could not read the names of team ${channel.teamId}: ${(error as Error).message}`);
    return channel;
  }
}
