// Activities as Microsoft Teams sends them to the bot, for tests that drive the real
// server over HTTP. The shapes follow Microsoft's published payloads:
// - channel message with the bot @mentioned, personal chat: "Channel and group chat
//   conversations with a bot" and "Messages in bot conversations"
//   https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/channel-and-group-conversations
//   https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/conversation-messages
// - composeExtension/fetchTask (compose, commandBox, message with messagePayload):
//   https://learn.microsoft.com/en-us/microsoftteams/platform/messaging-extensions/how-to/action-commands/create-task-module
// - composeExtension/submitAction (data, botMessagePreviewAction):
//   https://learn.microsoft.com/en-us/microsoftteams/platform/messaging-extensions/how-to/action-commands/respond-to-task-module-submit
// - adaptiveCard/action (value.action {type, id, verb, data}, value.trigger):
//   https://learn.microsoft.com/en-us/adaptive-cards/authoring-cards/universal-action-model#adaptivecardaction-invoke-activity
// - roster, team details, channel list (answered by FakeConnector from the fixtures below):
//   https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/get-teams-context
import { randomUUID } from 'node:crypto';

/** A person in the test tenant, as Teams and Microsoft Entra know them. */
export interface Persona {
  /** Teams user MRI, what arrives in `from.id` (`29:...`). */
  id: string;
  name: string;
  /** Microsoft Entra object id, what arrives in `from.aadObjectId`; the stable identity. */
  aadObjectId: string;
  email: string;
  givenName: string;
  surname: string;
}

/** Who sends an activity; only `id` is required, a persona fits as is. */
export interface UserRef {
  id: string;
  name?: string;
  aadObjectId?: string;
}

export interface ChannelRef {
  /** Channel conversation id, `19:...@thread.tacv2` (the General channel's id is the team id). */
  id: string;
  /** Channel display name; Teams reports the General channel's name as null. */
  name?: string | null;
  teamId?: string;
  /** A private or shared channel has members of its own (Teams says so in channelData.channel). */
  membershipType?: 'standard' | 'private' | 'shared';
}

export interface ChannelFixture extends ChannelRef {
  name: string | null;
  teamId: string;
}

export const tenantId = '6f0c2a51-3d4e-4b8a-9c7d-2e1f0a9b8c7d';

/** The bot as Teams addresses it (`recipient` of what users send). */
export const bot = { id: '28:00000000-0000-0000-0000-00000000b0e5', name: 'Escalation Desk' };

function persona(slug: string, givenName: string, surname: string, n: number): Persona {
  return {
    id: `29:1${slug}`,
    name: `${givenName} ${surname}`,
    aadObjectId: `aad00000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    email: `${givenName.toLowerCase()}.${surname.toLowerCase()}@contoso.example`,
    givenName,
    surname,
  };
}

/** Default people; the FakeConnector's roster holds all of them. */
export const personas = {
  /** L1 support agent who raises escalations. */
  agent: persona('dana-agent', 'Dana', 'Agent', 1),
  /** L2 support. */
  supportL2: persona('sam-support', 'Sam', 'Support', 2),
  engineer: persona('eli-engineer', 'Eli', 'Engineer', 3),
  /** Engineering lead. */
  lead: persona('lena-lead', 'Lena', 'Lead', 4),
  product: persona('priya-product', 'Priya', 'Product', 5),
  security: persona('sol-security', 'Sol', 'Security', 6),
  executive: persona('erin-executive', 'Erin', 'Executive', 7),
} satisfies Record<string, Persona>;

export const allPersonas: Persona[] = Object.values(personas);

export const team = {
  id: '19:team@thread.tacv2',
  name: 'Customer Operations',
  aadGroupId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
};

/** Channels of `team`; General's id is the team id, as in Teams. */
export const channels = {
  general: { id: team.id, name: null, teamId: team.id },
  support: { id: '19:support@thread.tacv2', name: 'Support L2', teamId: team.id },
  engineering: { id: '19:engineering@thread.tacv2', name: 'Engineering', teamId: team.id },
  product: { id: '19:product@thread.tacv2', name: 'Product', teamId: team.id },
  security: { id: '19:security@thread.tacv2', name: 'Security', teamId: team.id },
  leadership: { id: '19:leadership@thread.tacv2', name: 'Leadership', teamId: team.id },
} satisfies Record<string, ChannelFixture>;

export const allChannels: ChannelFixture[] = Object.values(channels);

/** `19:x@thread.tacv2;messageid=123` -> `19:x@thread.tacv2` (a channel thread's channel). */
export function channelOf(conversationId: string): string {
  const at = conversationId.indexOf(';messageid=');
  return at === -1 ? conversationId : conversationId.slice(0, at);
}

/** `19:x@thread.tacv2;messageid=123` -> `123`; undefined when not a thread id. */
export function threadRootOf(conversationId: string): string | undefined {
  const match = /;messageid=([^;]+)/.exec(conversationId);
  return match?.[1];
}

/** Team and channel conversations (not group chats, not meetings, not personal chats). */
export function isChannelConversation(conversationId: string): boolean {
  const channel = channelOf(conversationId);
  return (
    channel.startsWith('19:') &&
    (channel.endsWith('@thread.tacv2') || channel.endsWith('@thread.skype')) &&
    !channel.startsWith('19:meeting_')
  );
}

/** The id of a user's 1:1 chat with the bot; the same id FakeConnector gives a created 1:1 conversation. */
export function personalConversationId(user: UserRef): string {
  return `a:1${user.id.replace(/^29:1?/, '')}`;
}

let lastMessageId = 0;
/** Teams message ids are epoch milliseconds; unique and increasing here. */
export function nextMessageId(): string {
  lastMessageId = Math.max(lastMessageId + 1, Date.now());
  return String(lastMessageId);
}

function invokeId(): string {
  return `f:${randomUUID()}`;
}

function requestId(): string {
  return randomUUID().replace(/-/g, '');
}

/** Options every builder takes. */
export interface BaseOptions {
  /** Where the bot must answer: the FakeConnector's `url`. */
  serviceUrl: string;
  /** Sender; defaults to `personas.agent`. */
  user?: UserRef;
  tenantId?: string;
  id?: string;
  timestamp?: Date;
  locale?: string;
}

/** Where the activity happens: a channel (team), a group chat, or else a personal chat. */
export interface PlaceOptions {
  channel?: ChannelRef;
  /** Overrides `conversation.id` (a thread `19:x@thread.tacv2;messageid=n`, a personal chat id...). */
  conversationId?: string;
  /** Group chat id `19:...@thread.v2`. */
  groupChatId?: string;
}

type Activity = Record<string, any>;

function fromOf(user: UserRef = personas.agent): Activity {
  const persona = allPersonas.find((p) => p.id === user.id);
  return {
    id: user.id,
    name: user.name ?? persona?.name ?? 'Test User',
    aadObjectId: user.aadObjectId ?? persona?.aadObjectId,
  };
}

function teamOfChannel(channelId: string): string {
  return allChannels.find((c) => c.id === channelId)?.teamId ?? team.id;
}

// conversation + channelData for the place an activity comes from.
function place(options: BaseOptions & PlaceOptions, threadRoot?: string): Activity {
  const tenant = options.tenantId ?? tenantId;
  const channelId =
    options.channel?.id ??
    (options.conversationId && isChannelConversation(options.conversationId)
      ? channelOf(options.conversationId)
      : undefined);
  if (channelId) {
    const teamId = options.channel?.teamId ?? teamOfChannel(channelId);
    const conversationId = options.conversationId ?? (threadRoot ? `${channelId};messageid=${threadRoot}` : channelId);
    const name = options.channel?.name ?? allChannels.find((c) => c.id === channelId)?.name;
    return {
      conversation: {
        isGroup: true,
        conversationType: 'channel',
        id: conversationId,
        ...(name ? { name } : {}),
        tenantId: tenant,
      },
      channelData: {
        teamsChannelId: channelId,
        teamsTeamId: teamId,
        channel: {
          id: channelId,
          ...(options.channel?.membershipType ? { membershipType: options.channel.membershipType } : {}),
        },
        team: { id: teamId },
        tenant: { id: tenant },
      },
    };
  }
  if (options.groupChatId) {
    return {
      conversation: { isGroup: true, conversationType: 'groupChat', id: options.groupChatId, tenantId: tenant },
      channelData: { tenant: { id: tenant } },
    };
  }
  return {
    conversation: {
      conversationType: 'personal',
      id: options.conversationId ?? personalConversationId(options.user ?? personas.agent),
      tenantId: tenant,
    },
    channelData: { tenant: { id: tenant } },
  };
}

function envelope(options: BaseOptions, type: string, id: string): Activity {
  const timestamp = options.timestamp ?? new Date();
  const locale = options.locale ?? 'en-US';
  return {
    type,
    id,
    timestamp: timestamp.toISOString(),
    localTimestamp: timestamp.toISOString(),
    channelId: 'msteams',
    serviceUrl: options.serviceUrl,
    from: fromOf(options.user),
    recipient: { ...bot },
    locale,
  };
}

function clientInfo(locale = 'en-US'): Activity {
  return { type: 'clientInfo', locale, country: 'US', platform: 'Web', timezone: 'Europe/London' };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface PersonalMessageOptions extends BaseOptions {
  text: string;
  conversationId?: string;
  /** `value` of an Action.Submit from a card (Teams sends it as a message). */
  value?: unknown;
  replyToId?: string;
}

/** A message the user types in their 1:1 chat with the bot. */
export function personalMessage(options: PersonalMessageOptions): Activity {
  return {
    ...envelope(options, 'message', options.id ?? nextMessageId()),
    ...place({ ...options, channel: undefined }),
    text: options.text,
    textFormat: 'plain',
    entities: [clientInfo(options.locale)],
    ...(options.value === undefined ? {} : { value: options.value }),
    ...(options.replyToId ? { replyToId: options.replyToId } : {}),
  };
}

export interface ChannelMessageOptions extends BaseOptions {
  /** What follows the @mention, e.g. `route engineering`. */
  text: string;
  channel?: ChannelRef;
  /** Id of the thread's root post when replying in a thread; a new post is its own root. */
  threadId?: string;
  /** The display name the user @mentions; defaults to the bot's name. */
  botName?: string;
}

/** A channel post (or thread reply) that @mentions the bot: the only channel messages a bot receives. */
export function channelMessage(options: ChannelMessageOptions): Activity {
  const id = options.id ?? nextMessageId();
  const channel = options.channel ?? channels.general;
  const botName = options.botName ?? bot.name;
  const mention = `<at>${botName}</at>`;
  return {
    ...envelope(options, 'message', id),
    ...place({ ...options, channel }, options.threadId ?? id),
    text: `${mention} ${options.text}`,
    textFormat: 'plain',
    attachments: [
      {
        contentType: 'text/html',
        content: `<p><span itemtype="http://schema.skype.com/Mention" itemscope="" itemid="0">${escapeHtml(botName)}</span>&nbsp;${escapeHtml(options.text)}</p>`,
      },
    ],
    entities: [
      { type: 'mention', mentioned: { id: bot.id, name: botName }, text: mention },
      clientInfo(options.locale),
    ],
  };
}

export type CommandContext = 'compose' | 'commandBox' | 'message';

/** The message a message action ("..." > Create escalation) was started from. */
export interface SourceMessage {
  /** Plain text or HTML of the message body. */
  content: string;
  contentType?: 'html' | 'text';
  author?: UserRef;
  id?: string;
  createdDateTime?: Date;
  subject?: string | null;
}

export interface FetchTaskOptions extends BaseOptions, PlaceOptions {
  commandId?: string;
  /** Defaults to `message` when `message` is given, else `compose`. */
  commandContext?: CommandContext;
  message?: SourceMessage;
  theme?: 'default' | 'dark' | 'contrast';
}

function withId(message: SourceMessage | undefined): (SourceMessage & { id: string }) | undefined {
  return message && { ...message, id: message.id ?? nextMessageId() };
}

function messagePayload(message: SourceMessage & { id: string }, conversationId: string): Activity {
  const id = message.id;
  const author = fromOf(message.author ?? personas.supportL2);
  const created = message.createdDateTime ?? new Date();
  return {
    linkToMessage: `https://teams.microsoft.com/l/message/${channelOf(conversationId)}/${id}`,
    id,
    replyToId: null,
    createdDateTime: created.toISOString(),
    lastModifiedDateTime: null,
    deleted: false,
    subject: message.subject ?? null,
    summary: null,
    importance: 'normal',
    locale: 'en-us',
    body: { contentType: message.contentType ?? 'html', content: message.content },
    from: {
      device: null,
      conversation: null,
      user: { userIdentityType: 'aadUser', id: author.aadObjectId, displayName: author.name },
      application: null,
    },
    reactions: [],
    mentions: [],
    attachments: [],
  };
}

/** `composeExtension/fetchTask`: the user opened the message extension's action command. */
export function fetchTask(options: FetchTaskOptions): Activity {
  const commandContext = options.commandContext ?? (options.message ? 'message' : 'compose');
  const message = withId(options.message);
  const where = place(options, message?.id);
  return {
    ...envelope(options, 'invoke', options.id ?? invokeId()),
    name: 'composeExtension/fetchTask',
    ...where,
    channelData: { ...where.channelData, source: { name: 'compose' } },
    entities: [clientInfo(options.locale)],
    value: {
      commandId: options.commandId ?? 'createEscalation',
      commandContext,
      requestId: requestId(),
      context: { theme: options.theme ?? 'default' },
      ...(message ? { messagePayload: messagePayload(message, where.conversation.id) } : {}),
    },
  };
}

export interface SubmitActionOptions extends BaseOptions, PlaceOptions {
  commandId?: string;
  commandContext?: CommandContext;
  /** The task module card's inputs as submitted (strings, as a card submits them). */
  data: Record<string, unknown>;
  botMessagePreviewAction?: 'send' | 'edit';
  /** The previewed activity Teams hands back with `send`/`edit`. */
  botActivityPreview?: unknown[];
  message?: SourceMessage;
  theme?: 'default' | 'dark' | 'contrast';
}

/** `composeExtension/submitAction`: the user submitted the task module (or sent/edited a bot message preview). */
export function submitAction(options: SubmitActionOptions): Activity {
  const commandContext = options.commandContext ?? (options.message ? 'message' : 'compose');
  const message = withId(options.message);
  const where = place(options, message?.id);
  return {
    ...envelope(options, 'invoke', options.id ?? invokeId()),
    name: 'composeExtension/submitAction',
    ...where,
    channelData: { ...where.channelData, source: { name: 'compose' } },
    entities: [clientInfo(options.locale)],
    value: {
      commandId: options.commandId ?? 'createEscalation',
      commandContext,
      requestId: requestId(),
      context: { theme: options.theme ?? 'default' },
      data: options.data,
      ...(options.botMessagePreviewAction ? { botMessagePreviewAction: options.botMessagePreviewAction } : {}),
      ...(options.botActivityPreview ? { botActivityPreview: options.botActivityPreview } : {}),
      ...(message ? { messagePayload: messagePayload(message, where.conversation.id) } : {}),
    },
  };
}

export interface SearchQueryOptions extends BaseOptions, PlaceOptions {
  commandId?: string;
  /** The parameters typed (or filled by Copilot) by name: `{query: 'ESC-12'}`; a value may be anything. */
  parameters?: Record<string, unknown>;
  /** `parameters` exactly as sent, for shapes a record cannot hold (not a list, items without a name...). */
  rawParameters?: unknown;
  /** Opened with nothing typed: Teams sends the one parameter `initialRun`. */
  initialRun?: boolean;
  skip?: number;
  count?: number;
  /** `queryOptions` exactly as sent, overriding skip and count. */
  rawQueryOptions?: unknown;
  /** `m365extensions`: Microsoft 365 Copilot or Outlook asking through the Microsoft 365 channel. */
  channelId?: string;
}

/**
 * `composeExtension/query`: a search command run from the message box or the command box (or by
 * Copilot): its parameters by name and value, and which page (queryOptions skip and count).
 * https://learn.microsoft.com/en-us/microsoftteams/platform/messaging-extensions/how-to/search-commands/respond-to-search
 */
export function searchQuery(options: SearchQueryOptions): Activity {
  const where = place(options);
  const named = options.initialRun
    ? [{ name: 'initialRun', value: 'true' }]
    : Object.entries(options.parameters ?? {}).map(([name, value]) => ({ name, value }));
  return {
    ...envelope(options, 'invoke', options.id ?? invokeId()),
    ...(options.channelId ? { channelId: options.channelId } : {}),
    name: 'composeExtension/query',
    ...where,
    channelData: { ...where.channelData, source: { name: 'compose' } },
    entities: [clientInfo(options.locale)],
    value: {
      commandId: options.commandId ?? 'findEscalation',
      parameters: options.rawParameters ?? named,
      queryOptions: options.rawQueryOptions ?? { skip: options.skip ?? 0, count: options.count ?? 25 },
    },
  };
}

/** The posted message that carries the card; a FakeConnector `posts()` entry fits as is. */
export interface CardLocation {
  conversationId: string;
  activityId: string;
}

export interface CardActionOptions extends BaseOptions {
  /** The card the user clicked on. */
  card: CardLocation;
  verb: string;
  /** The action's `data` merged with the card's inputs, as Teams sends it. */
  data?: Record<string, unknown>;
  trigger?: 'manual' | 'automatic';
  actionId?: string;
  title?: string;
  /** Team of the card's channel when it is not one of the fixtures. */
  teamId?: string;
}

/**
 * `adaptiveCard/action`: an Action.Execute clicked (trigger `manual`) or a card's
 * `refresh` run (trigger `automatic`). A card posted as a channel thread's root is
 * acted on in that thread: conversation `<channel>;messageid=<card activity id>`.
 */
export function cardAction(options: CardActionOptions): Activity {
  const { card } = options;
  let where: Activity;
  if (isChannelConversation(card.conversationId)) {
    const channelId = channelOf(card.conversationId);
    const root = threadRootOf(card.conversationId) ?? card.activityId;
    where = place({
      ...options,
      channel: { id: channelId, teamId: options.teamId ?? teamOfChannel(channelId) },
      conversationId: `${channelId};messageid=${root}`,
    });
  } else if (card.conversationId.startsWith('19:')) {
    where = place({ ...options, groupChatId: card.conversationId });
  } else {
    where = place({ ...options, conversationId: card.conversationId });
  }
  return {
    ...envelope(options, 'invoke', options.id ?? invokeId()),
    name: 'adaptiveCard/action',
    ...where,
    channelData: { ...where.channelData, source: { name: 'message' }, legacy: { replyToId: card.activityId } },
    replyToId: card.activityId,
    entities: [clientInfo(options.locale)],
    value: {
      action: {
        type: 'Action.Execute',
        ...(options.actionId ? { id: options.actionId } : {}),
        ...(options.title ? { title: options.title } : {}),
        verb: options.verb,
        data: options.data ?? {},
      },
      trigger: options.trigger ?? 'manual',
    },
  };
}

export interface BotResponse {
  status: number;
  /** Parsed JSON body (invoke responses); the raw text when not JSON; undefined when empty. */
  body: any;
}

/** POSTs an activity to the bot's `/api/messages` as the Bot Framework channel would. */
export async function send(
  appUrl: string,
  activity: unknown,
  headers: Record<string, string> = {},
): Promise<BotResponse> {
  const response = await fetch(`${appUrl.replace(/\/+$/, '')}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  let body: any;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, body };
}

/** The team lead @mentions the bot with "route <tier>" in `channel`: that tier's escalations go there. */
export async function routeTier(appUrl: string, serviceUrl: string, tier: string, channel: ChannelRef): Promise<void> {
  const answer = await send(
    appUrl,
    channelMessage({ serviceUrl, channel, text: `route ${tier}`, user: personas.lead }),
  );
  if (answer.status !== 200) throw new Error(`route ${tier} answered ${answer.status}`);
}
