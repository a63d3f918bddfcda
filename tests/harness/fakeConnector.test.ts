// Tests for the test harness itself: botbuilder's own CloudAdapter (not our bot) talks to
// the FakeConnector exactly as it would talk to Teams, and a throwaway TeamsActivityHandler
// reads the activities built by teamsActivities.ts.
//
// How the bot learns the ids of a channel post it creates (botbuilder 4.23,
// botbuilder-core/lib/cloudAdapterBase.js createConversationAsync): the adapter calls
// connectorClient.conversations.createConversation(parameters), which Teams answers with
// {id: '<channel>;messageid=<n>', activityId: '<n>'}, then runs `logic` with a synthetic
// event activity built by createCreateActivity(result.id, ...). Inside `logic`:
//   - context.activity.conversation.id is the new conversation (thread) id, result.id;
//   - context.activity.id is ALSO result.id, the conversation id, NOT the posted
//     activity's id: result.activityId is dropped and never reaches `logic`;
//   - the posted activity's id is the `;messageid=<n>` suffix of the conversation id
//     (Teams makes the thread id from the root post's id); threadRootOf() in
//     teamsActivities.ts extracts it;
//   - TurnContext.getConversationReference(context.activity) is the reference to store for
//     continueConversationAsync (serviceUrl, channelId, conversation; its activityId is the
//     conversation id again, so do not use it as the message id).
// So TeamsInfo.sendMessageToTeamsChannel's CloudAdapter path, which returns
// turnContext.activity.id as the "new activity id", hands back the conversation id; an
// update with that id is refused (404 here, an error in Teams). The tests below pin this.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationParameters,
  type ConversationReference,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
} from 'botbuilder';
import { FakeConnector } from '../support/fakeConnector';
import {
  bot,
  cardAction,
  channelMessage,
  channels,
  fetchTask,
  personalConversationId,
  personalMessage,
  personas,
  send,
  submitAction,
  team,
  tenantId,
  threadRootOf,
} from '../support/teamsActivities';

// botbuilder types `audience` as string, but wants null/undefined for "the channel's default scope".
const defaultAudience = undefined as unknown as string;

function card(title: string, version = 1): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ type: 'TextBlock', text: title }],
    actions: [{ type: 'Action.Execute', title: 'Acknowledge', verb: 'escalation.setStatus', data: { version } }],
  };
}

interface Posted {
  reference: Partial<ConversationReference>;
  conversationId: string;
  contextActivityId: string | undefined;
  activityId: string | undefined;
}

// Posts a new thread in a channel the way src/teams/publisher.ts does, and returns what
// `logic` could see.
async function postThread(
  adapter: CloudAdapter,
  serviceUrl: string,
  channelId: string,
  activity: Partial<Activity>,
): Promise<Posted> {
  let posted: Posted | undefined;
  const parameters = { isGroup: true, channelData: { channel: { id: channelId } }, activity } as ConversationParameters;
  await adapter.createConversationAsync('', 'msteams', serviceUrl, defaultAudience, parameters, async (context) => {
    const conversationId = context.activity.conversation.id;
    posted = {
      reference: TurnContext.getConversationReference(context.activity),
      conversationId,
      contextActivityId: context.activity.id,
      activityId: threadRootOf(conversationId),
    };
  });
  assert.ok(posted, 'createConversationAsync ran its logic');
  return posted;
}

describe('FakeConnector driven by botbuilder CloudAdapter (local mode, no app id)', () => {
  let fake: FakeConnector;
  let adapter: CloudAdapter;

  before(async () => {
    fake = await FakeConnector.start();
    adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());

  it('gives a new channel thread a `;messageid=` conversation id and records the post', async () => {
    const posted = await postThread(adapter, fake.url, channels.engineering.id, {
      type: 'message',
      attachments: [CardFactory.adaptiveCard(card('ESC-1 Checkout down'))],
    });

    const [post] = fake.posts();
    assert.ok(post);
    assert.equal(fake.posts().length, 1);
    assert.equal(post.kind, 'create');
    assert.equal(post.parameters.channelData.channel.id, channels.engineering.id);
    assert.equal(post.parameters.isGroup, true);
    assert.match(post.activityId, /^\d+$/);
    assert.equal(post.conversationId, `${channels.engineering.id};messageid=${post.activityId}`);
    const create = fake.requests[0];
    assert.ok(create);
    assert.deepEqual(create.response, { id: post.conversationId, activityId: post.activityId });

    // What createConversationAsync's logic sees: the conversation id, twice.
    assert.equal(posted.conversationId, post.conversationId);
    assert.equal(posted.contextActivityId, post.conversationId, 'context.activity.id is the conversation id');
    assert.equal(posted.activityId, post.activityId, 'the message id comes from the ;messageid= suffix');
    assert.equal(posted.reference.serviceUrl, fake.url);
    assert.equal(posted.reference.channelId, 'msteams');

    assert.equal(fake.card(channels.engineering.id, post.activityId).body[0].text, 'ESC-1 Checkout down');
    assert.equal(fake.cardsIn(channels.engineering.id).length, 1);
    assert.equal(fake.cardsIn(channels.security.id).length, 0);
  });

  it('records an update of the posted card and keeps the card as it is now', async () => {
    const posted = await postThread(adapter, fake.url, channels.engineering.id, {
      type: 'message',
      attachments: [CardFactory.adaptiveCard(card('New'))],
    });
    await adapter.continueConversationAsync('', posted.reference, async (context) => {
      await context.updateActivity({
        type: 'message',
        id: posted.activityId,
        conversation: context.activity.conversation,
        attachments: [CardFactory.adaptiveCard(card('Acknowledged by Eli Engineer', 2))],
      });
    });

    const [update] = fake.updates();
    assert.ok(update);
    assert.equal(fake.updates().length, 1);
    assert.equal(update.conversationId, posted.conversationId);
    assert.equal(update.activityId, posted.activityId);
    const now = fake.state(posted.conversationId, posted.activityId ?? '');
    assert.equal(now?.version, 2);
    assert.equal(
      fake.card(posted.conversationId, posted.activityId ?? '').body[0].text,
      'Acknowledged by Eli Engineer',
    );
    // Also found from the channel id.
    assert.equal(fake.cardsIn(channels.engineering.id)[0]?.card.body[0].text, 'Acknowledged by Eli Engineer');
  });

  it('refuses (404) an update addressed with the conversation id as the activity id', async () => {
    const posted = await postThread(adapter, fake.url, channels.engineering.id, { type: 'message', text: 'root' });
    await assert.rejects(
      adapter.continueConversationAsync('', posted.reference, async (context) => {
        await context.updateActivity({
          type: 'message',
          id: posted.contextActivityId,
          conversation: context.activity.conversation,
          text: 'edited',
        });
      }),
      (error: { statusCode?: number }) => error.statusCode === 404,
    );
    assert.equal(fake.updates().length, 0);
    assert.equal(fake.requests.at(-1)?.status, 404);
    assert.equal(fake.activity(posted.conversationId, posted.activityId ?? '').text, 'root');
  });

  it('records a reply in the thread sent with continueConversationAsync', async () => {
    const posted = await postThread(adapter, fake.url, channels.security.id, { type: 'message', text: 'root' });
    await adapter.continueConversationAsync('', posted.reference, async (context) => {
      await context.sendActivity('SLA at risk: acknowledge due in 5 minutes');
    });

    const replies = fake.posts(posted.conversationId).filter((p) => p.kind === 'reply');
    assert.equal(replies.length, 1);
    assert.equal(replies[0]?.activity.text, 'SLA at risk: acknowledge due in 5 minutes');
    assert.equal(replies[0]?.conversationId, posted.conversationId);
    // A proactive send is a reply to the continuation activity's made-up id.
    assert.ok(replies[0]?.replyToId);
    assert.equal(fake.posts(channels.security.id).length, 2);
  });

  it('answers failNext(1, 429, {retryAfterSeconds: 1}) and records the failed attempt; botbuilder retries after Retry-After', async () => {
    fake.failNext(1, 429, { retryAfterSeconds: 1 });
    const started = Date.now();
    const posted = await postThread(adapter, fake.url, channels.product.id, { type: 'message', text: 'hello' });

    assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
    const attempts = fake.requests.filter((r) => r.route === 'createConversation');
    assert.deepEqual(
      attempts.map((r) => [r.status, r.injected]),
      [
        [429, true],
        [201, false],
      ],
    );
    assert.equal(attempts[0]?.headers['content-type']?.startsWith('application/json'), true);
    assert.equal(fake.posts().length, 1, 'the failed attempt is not a post');
    assert.equal(fake.posts()[0]?.conversationId, posted.conversationId);
    assert.equal(fake.pendingFaults(), 0);
  });

  it('fails only matching requests, and a 429 without Retry-After reaches the caller', async () => {
    const posted = await postThread(adapter, fake.url, channels.product.id, { type: 'message', text: 'v1' });
    fake.failNext(1, 429, { match: (r) => r.route === 'updateActivity' });
    await adapter.continueConversationAsync('', posted.reference, async (context) => {
      await context.sendActivity('a reply is not an update');
      await assert.rejects(
        context.updateActivity({
          type: 'message',
          id: posted.activityId,
          conversation: context.activity.conversation,
          text: 'v2',
        }),
        (error: { statusCode?: number }) => error.statusCode === 429,
      );
    });
    assert.deepEqual(
      fake.requests.map((r) => `${r.route} ${r.status}`),
      ['createConversation 201', 'replyToActivity 201', 'updateActivity 429'],
    );
    assert.equal(fake.activity(posted.conversationId, posted.activityId ?? '').text, 'v1');
  });

  it('lets botbuilder retry a 503 with retry-after-ms, then succeed', async () => {
    const posted = await postThread(adapter, fake.url, channels.product.id, { type: 'message', text: 'v1' });
    fake.failNext(2, 503, { retryAfterMs: 20 });
    await adapter.continueConversationAsync('', posted.reference, async (context) => {
      await context.updateActivity({
        type: 'message',
        id: posted.activityId,
        conversation: context.activity.conversation,
        text: 'v2',
      });
    });
    assert.deepEqual(
      fake.requests.filter((r) => r.route === 'updateActivity').map((r) => r.status),
      [503, 503, 200],
    );
    assert.equal(fake.activity(posted.conversationId, posted.activityId ?? '').text, 'v2');
  });

  it('creates a 1:1 conversation with the id of the personal chat and records the message', async () => {
    const parameters = {
      isGroup: false,
      members: [{ id: personas.engineer.id }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as ConversationParameters;
    let conversationId = '';
    await adapter.createConversationAsync('', 'msteams', fake.url, defaultAudience, parameters, async (context) => {
      conversationId = context.activity.conversation.id;
      await context.sendActivity('You were assigned ESC-7');
    });
    assert.equal(conversationId, personalConversationId(personas.engineer));
    // Sent from inside createConversationAsync's logic, it is a reply to context.activity.id,
    // which there is the conversation id.
    const [post] = fake.posts(conversationId);
    assert.equal(post?.kind, 'reply');
    assert.equal(post?.replyToId, conversationId);
    assert.equal(post?.activity.text, 'You were assigned ESC-7');
  });

  it('answers the roster and team routes from its fixtures', async () => {
    const posted = await postThread(adapter, fake.url, channels.engineering.id, { type: 'message', text: 'x' });
    await adapter.continueConversationAsync('', posted.reference, async (context) => {
      const page = await TeamsInfo.getPagedMembers(context);
      assert.ok(page.members.some((m) => m.aadObjectId === personas.engineer.aadObjectId && m.name === 'Eli Engineer'));
      const byAad = await TeamsInfo.getMember(context, personas.lead.aadObjectId);
      assert.equal(byAad.id, personas.lead.id);
      await assert.rejects(
        TeamsInfo.getMember(context, 'aad-nobody'),
        (error: { statusCode?: number }) => error.statusCode === 404,
      );
      const channelList = await TeamsInfo.getTeamChannels(context, team.id);
      assert.ok(channelList.some((c) => c.id === channels.leadership.id && c.name === 'Leadership'));
      const details = await TeamsInfo.getTeamDetails(context, team.id);
      assert.equal(details.aadGroupId, team.aadGroupId);
    });
    assert.deepEqual(
      fake.requests.map((r) => r.route),
      [
        'createConversation',
        'getConversationPagedMembers',
        'getConversationMember',
        'getConversationMember',
        'getTeamChannels',
        'getTeamDetails',
      ],
    );
    assert.equal(fake.requests[2]?.memberId, personas.lead.aadObjectId);
    assert.equal(fake.requests[1]?.conversationId, posted.conversationId, 'conversation ids are decoded');
  });

  it('works with a serviceUrl without the trailing slash', async () => {
    const posted = await postThread(adapter, fake.url.replace(/\/$/, ''), channels.support.id, {
      type: 'message',
      text: 'x',
    });
    assert.equal(fake.posts()[0]?.conversationId, posted.conversationId);
  });

  it('answers 404 to a route it does not know and records it', async () => {
    const response = await fetch(`${fake.url}v3/conversations/${encodeURIComponent('19:x@thread.tacv2')}/attachments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'file' }),
    });
    assert.equal(response.status, 404);
    const [request] = fake.requests;
    assert.equal(request?.route, 'unknown');
    assert.equal(request?.status, 404);
    assert.equal(request?.path, '/v3/conversations/19:x@thread.tacv2/attachments');
    assert.deepEqual(request?.body, { name: 'file' });
  });

  it('waitFor resolves with the predicate value, or rejects listing what was recorded', async () => {
    const waiting = fake.waitFor((f) => f.posts().find((p) => p.activity.text === 'later'));
    await postThread(adapter, fake.url, channels.support.id, { type: 'message', text: 'later' });
    assert.equal((await waiting).activity.text, 'later');

    await assert.rejects(
      fake.waitFor((f) => {
        assert.equal(f.updates().length, 1, 'one update');
        return true;
      }, 100),
      (error: Error) =>
        /within 100 ms/.test(error.message) &&
        /one update/.test(error.message) &&
        /#1 POST \/v3\/conversations -> 201/.test(error.message),
    );
  });
});

// A throwaway Teams bot served over node:http, to check that botbuilder reads the built
// activities the way it reads Teams' (mention, channel data, invoke values), and that
// `send` returns invoke responses from the HTTP body.
class ProbeBot extends TeamsActivityHandler {
  seen: { text?: string; channelId?: string; teamId?: string; tenant?: string }[] = [];
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      const text = TurnContext.removeRecipientMention(context.activity)?.trim();
      const data = context.activity.channelData ?? {};
      this.seen.push({ text, channelId: data.channel?.id, teamId: data.team?.id, tenant: data.tenant?.id });
      await context.sendActivity(`echo: ${text}`);
      await next();
    });
  }
  protected override async handleTeamsMessagingExtensionFetchTask(
    _context: TurnContext,
    action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    return {
      task: {
        type: 'continue',
        value: {
          title: `${action.commandId}/${action.commandContext}`,
          card: CardFactory.adaptiveCard(card(action.messagePayload?.body?.content ?? 'blank')),
        },
      },
    };
  }
  protected override async handleTeamsMessagingExtensionSubmitAction(
    _context: TurnContext,
    action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    return { task: { type: 'message', value: `got ${JSON.stringify(action.data)}` } };
  }
  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    value: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: card(
        `${value.action.verb} by ${context.activity.from.name} in ${context.activity.conversation.id}`,
      ) as never,
    };
  }
}

async function serveProbe(probe: ProbeBot): Promise<{ url: string; server: Server }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = {
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      headers: req.headers,
      method: req.method,
    };
    const response = {
      socket: res.socket,
      status: (code: number) => {
        res.statusCode = code;
      },
      header: (name: string, value: unknown) => res.setHeader(name, String(value)),
      send: (body: unknown) => {
        if (body !== undefined) {
          res.setHeader('content-type', 'application/json');
          res.write(typeof body === 'string' ? body : JSON.stringify(body));
        }
      },
      end: () => res.end(),
    };
    await adapter.process(request as never, response as never, (context) => probe.run(context));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('teamsActivities builders, read by a botbuilder TeamsActivityHandler', () => {
  let fake: FakeConnector;
  let probe: ProbeBot;
  let app: { url: string; server: Server };

  before(async () => {
    fake = await FakeConnector.start();
    probe = new ProbeBot();
    app = await serveProbe(probe);
  });
  after(async () => {
    app.server.closeAllConnections();
    await new Promise((resolve) => app.server.close(resolve));
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    probe.seen = [];
  });

  it('a channel message: the mention strips off, channel/team/tenant come through, the answer is a reply in the thread', async () => {
    const activity = channelMessage({ serviceUrl: fake.url, text: 'route engineering', channel: channels.engineering });
    assert.equal(activity.conversation.id, `${channels.engineering.id};messageid=${activity.id}`);
    assert.equal(activity.conversation.conversationType, 'channel');
    const { status } = await send(app.url, activity);
    assert.equal(status, 200);
    assert.deepEqual(probe.seen, [
      { text: 'route engineering', channelId: channels.engineering.id, teamId: team.id, tenant: tenantId },
    ]);
    const [reply] = fake.posts();
    assert.equal(reply?.kind, 'reply');
    assert.equal(reply?.replyToId, activity.id);
    assert.equal(reply?.conversationId, activity.conversation.id);
    assert.equal(reply?.activity.text, 'echo: route engineering');
  });

  it('a personal message from a persona arrives from that persona in their 1:1 chat', async () => {
    const activity = personalMessage({ serviceUrl: fake.url, text: 'mine', user: personas.engineer });
    assert.equal(activity.from.aadObjectId, personas.engineer.aadObjectId);
    assert.equal(activity.recipient.id, bot.id);
    await send(app.url, activity);
    assert.equal(probe.seen[0]?.text, 'mine');
    assert.equal(fake.posts(personalConversationId(personas.engineer))[0]?.activity.text, 'echo: mine');
  });

  it('composeExtension/fetchTask from a message carries the message, and the task comes back in the HTTP body', async () => {
    const activity = fetchTask({
      serviceUrl: fake.url,
      channel: channels.support,
      message: { content: '<p>Customer Acme cannot log in</p>', author: personas.supportL2 },
    });
    assert.equal(activity.value.commandContext, 'message');
    assert.equal(activity.conversation.id, `${channels.support.id};messageid=${activity.value.messagePayload.id}`);
    assert.equal(activity.value.messagePayload.from.user.id, personas.supportL2.aadObjectId);
    const { status, body } = await send(app.url, activity);
    assert.equal(status, 200);
    assert.equal(body.task.type, 'continue');
    assert.equal(body.task.value.title, 'createEscalation/message');
    assert.equal(body.task.value.card.content.body[0].text, '<p>Customer Acme cannot log in</p>');
  });

  it('composeExtension/submitAction carries the submitted inputs', async () => {
    const { body } = await send(
      app.url,
      submitAction({
        serviceUrl: fake.url,
        commandContext: 'commandBox',
        data: { summary: 'Login broken', severity: 'high' },
      }),
    );
    assert.equal(body.task.value, 'got {"summary":"Login broken","severity":"high"}');
  });

  it('adaptiveCard/action on a posted channel card is in the card thread, replying to the card', async () => {
    const posted = {
      conversationId: `${channels.engineering.id};messageid=1760000000042`,
      activityId: '1760000000042',
    };
    const activity = cardAction({
      serviceUrl: fake.url,
      card: posted,
      verb: 'escalation.assign',
      data: { escalationId: 'ESC-1', version: 1 },
      user: personas.engineer,
    });
    assert.equal(activity.replyToId, posted.activityId);
    assert.equal(activity.channelData.team.id, team.id);
    const { status, body } = await send(app.url, activity);
    assert.equal(status, 200);
    assert.equal(body.statusCode, 200);
    assert.equal(body.value.body[0].text, `escalation.assign by Eli Engineer in ${posted.conversationId}`);

    const fromChannelRoot = cardAction({
      serviceUrl: fake.url,
      card: { conversationId: channels.engineering.id, activityId: '99' },
      verb: 'escalation.refresh',
      trigger: 'automatic',
    });
    assert.equal(fromChannelRoot.conversation.id, `${channels.engineering.id};messageid=99`);
    assert.equal(fromChannelRoot.value.trigger, 'automatic');
  });

  it('adaptiveCard/action on a card in a personal chat stays in that chat', async () => {
    const conversationId = personalConversationId(personas.agent);
    const activity = cardAction({
      serviceUrl: fake.url,
      card: { conversationId, activityId: '7' },
      verb: 'escalation.refresh',
    });
    assert.equal(activity.conversation.conversationType, 'personal');
    const { body } = await send(app.url, activity);
    assert.equal(body.value.body[0].text, `escalation.refresh by Dana Agent in ${conversationId}`);
  });
});
