// Who is acting, and where: read from a Teams activity.
import type { Activity } from 'botbuilder';
import type { Person } from '../domain/escalation';

/** The AAD object id where Teams gives it (stable across chats), else the channel account id. */
export function personOf(activity: Activity): Person {
  return {
    id: activity.from.aadObjectId ?? activity.from.id,
    name: activity.from.name ?? 'Someone',
    teamsId: activity.from.id,
  };
}

export interface TeamsChannel {
  channelId: string;
  channelName?: string;
  teamId?: string;
  teamName?: string;
  aadGroupId?: string;
  tenantId?: string;
}

/** The channel a message was sent in, or undefined outside a team's channel. */
export function channelOfActivity(activity: Activity): TeamsChannel | undefined {
  const data = activity.channelData as
    | {
        channel?: { id?: string; name?: string };
        team?: { id?: string; name?: string; aadGroupId?: string };
        tenant?: { id?: string };
      }
    | undefined;
  const channelId =
    data?.channel?.id ??
    (activity.conversation.conversationType === 'channel' ? activity.conversation.id.split(';')[0] : undefined);
  if (!channelId) return undefined;
  return {
    channelId,
    channelName: data?.channel?.name,
    teamId: data?.team?.id,
    teamName: data?.team?.name,
    aadGroupId: data?.team?.aadGroupId,
    tenantId: data?.tenant?.id ?? activity.conversation.tenantId,
  };
}

/** A link that opens a channel post in Teams. */
export function channelPostUrl(channel: TeamsChannel, activityId: string): string {
  const query = new URLSearchParams({ parentMessageId: activityId });
  if (channel.tenantId) query.set('tenantId', channel.tenantId);
  if (channel.aadGroupId) query.set('groupId', channel.aadGroupId);
  if (channel.teamName) query.set('teamName', channel.teamName);
  if (channel.channelName) query.set('channelName', channel.channelName);
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(channel.channelId)}/${encodeURIComponent(activityId)}?${query}`;
}

/** "General in Support team", or the channel id when Teams gave no names. */
export function channelName(channel: TeamsChannel): string {
  const name = channel.channelName ?? (channel.channelId === channel.teamId ? 'General' : undefined);
  if (name && channel.teamName) return `${name} in ${channel.teamName}`;
  return name ?? channel.channelId;
}
