// Who is acting, and where: read from a Teams activity.
import type { Activity } from 'botbuilder';
import type { PersonalChatReach } from '../app/followPorts';
import { type BindingReference, channelOfConversation } from '../app/ports';
import type { Person } from '../domain/escalation';

/**
 * Who sent an activity: `id` is their Entra object id, the identity access is decided by. An
 * activity without one is from nobody we know (no id): it may read what the whole tenant may,
 * and acts on nothing. The channel account id ("29:...") is never taken for an identity, and is
 * a Teams user id only in an activity from Teams (Outlook's `from.id` is its own).
 */
export function personOf(activity: Activity): Person {
  const from = (activity.from ?? {}) as Partial<Activity['from']>;
  const aadObjectId = typeof from.aadObjectId === 'string' && from.aadObjectId.trim() ? from.aadObjectId : undefined;
  const fromTeams = activity.channelId === 'msteams' && typeof from.id === 'string';
  return {
    ...(aadObjectId ? { id: aadObjectId } : {}),
    name: typeof from.name === 'string' && from.name.trim() ? from.name : 'Someone',
    ...(fromTeams ? { teamsId: from.id } : {}),
  };
}

/** The sentence for someone Teams did not identify, who tried to act. */
export const unknownPersonText =
  'Teams did not tell us who you are, so nothing was changed. Sign in to Teams with your work account and try again.';

/** The tenant an activity comes from, as Teams says it. */
export function tenantOf(activity: Activity): string | undefined {
  const data = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const id = data?.tenant?.id ?? activity.conversation?.tenantId;
  return typeof id === 'string' ? id.toLowerCase() : undefined;
}

/** A Teams channel, with what people read of it: as a binding keeps it (app/ports.ts). */
export type TeamsChannel = NonNullable<BindingReference['channel']>;

/** The channel a message was sent in, or undefined outside a team's channel. */
export function channelOfActivity(activity: Activity): TeamsChannel | undefined {
  const data = activity.channelData as
    | {
        channel?: { id?: string; name?: string; membershipType?: unknown };
        team?: { id?: string; name?: string; aadGroupId?: string };
        tenant?: { id?: string };
      }
    | undefined;
  const channelId =
    data?.channel?.id ??
    (activity.conversation.conversationType === 'channel'
      ? channelOfConversation(activity.conversation.id)
      : undefined);
  if (!channelId) return undefined;
  return {
    channelId,
    channelName: data?.channel?.name,
    teamId: data?.team?.id,
    teamName: data?.team?.name,
    aadGroupId: data?.team?.aadGroupId,
    tenantId: data?.tenant?.id ?? activity.conversation.tenantId,
    ...membershipOf(data?.channel?.membershipType),
  };
}

/** What Teams says of a channel's membership: private and shared channels have members of their own. */
function membershipOf(value: unknown): Pick<TeamsChannel, 'membershipType'> {
  return value === 'private' || value === 'shared' || value === 'standard' ? { membershipType: value } : {};
}

/** Does the channel have members of its own (private, shared), rather than its team's? */
export function hasOwnMembers(channel: TeamsChannel): boolean {
  return channel.membershipType === 'private' || channel.membershipType === 'shared';
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

/** The channel's own name; Teams gives the General channel (whose id is its team's) none. */
export function shortChannelName(channel: TeamsChannel, named?: string): string | undefined {
  return channel.channelName ?? named ?? (channel.channelId === channel.teamId ? 'General' : undefined);
}

/** "General in Support team", or the channel id when Teams gave no names. */
export function channelName(channel: TeamsChannel): string {
  const name = shortChannelName(channel);
  const kind = hasOwnMembers(channel) ? ` (${channel.membershipType} channel)` : '';
  if (name && channel.teamName) return `${name}${kind} in ${channel.teamName}`;
  return `${name ?? channel.channelId}${kind}`;
}

/** The sender's time zone as Teams gives it (the activity's localTimezone, else its clientInfo entity). */
export function timeZoneOf(activity: Activity): string | undefined {
  if (typeof activity.localTimezone === 'string' && activity.localTimezone) return activity.localTimezone;
  const entities = Array.isArray(activity.entities) ? activity.entities : [];
  const clientInfo = entities.find((e) => e && (e as { type?: unknown }).type === 'clientInfo') as
    | { timezone?: unknown }
    | undefined;
  return typeof clientInfo?.timezone === 'string' ? clientInfo.timezone : undefined;
}

/** Where the bot can open a person's own chat with it: the Teams an activity came through (none from elsewhere). */
export function reachOf(activity: Activity): PersonalChatReach | undefined {
  if (activity.channelId !== 'msteams' || typeof activity.serviceUrl !== 'string' || !activity.serviceUrl)
    return undefined;
  return { serviceUrl: activity.serviceUrl, tenantId: tenantOf(activity) };
}
