// The baseline: an honest minimal Teams bot on the same stack (restify 11, botbuilder
// CloudAdapter, local mode) that answers a card click the textbook way: update the clicked
// card in place with one updateActivity, answer the invoke with the new card. No store, no
// rules, no outbox: what any bot pays per click, against which the Escalation Desk is measured.
// Run as its own process (PORT), so its memory is its own.
import {
  type Activity,
  ActivityHandler,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import restify from 'restify';

const adaptiveCardType = 'application/vnd.microsoft.card.adaptive';

/** A small card for a clicked item: what it is, its status, its version, two buttons. */
export function bareCard(key: string, status: string, version: number): Record<string, unknown> {
  const next = status === 'investigating' ? 'fix_in_progress' : 'investigating';
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: `${key}: Invoices export as empty PDFs`, weight: 'Bolder', wrap: true },
      { type: 'FactSet', facts: [{ title: 'Status', value: status }] },
      { type: 'TextBlock', text: `Version ${version} · updated ${new Date().toISOString()}`, isSubtle: true },
    ],
    actions: [
      {
        type: 'Action.Execute',
        title: 'Set status',
        verb: 'escalation.setStatus',
        data: { escalationId: key, version, status: next },
      },
      { type: 'Action.Execute', title: 'Refresh', verb: 'escalation.refresh', data: { escalationId: key, version } },
    ],
  };
}

class BareBot extends ActivityHandler {
  constructor(private readonly adapter: CloudAdapter) {
    super();
    // "post KEY" in a channel: start a new thread there with KEY's card, as a bot posts a card.
    this.onMessage(async (context, next) => {
      const key = /post\s+(\S+)/.exec(context.activity.text ?? '')?.[1];
      const channelId = (context.activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
      if (key && channelId) {
        await this.adapter.createConversationAsync(
          '',
          'msteams',
          context.activity.serviceUrl,
          '',
          {
            isGroup: true,
            bot: { id: '', name: 'Bare bot' },
            channelData: { channel: { id: channelId } },
            activity: {
              type: 'message',
              summary: `${key}: card`,
              attachments: [CardFactory.adaptiveCard(bareCard(key, 'new', 1))],
            } as Activity,
            members: [],
          },
          async () => {},
        );
      }
      await next();
    });
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== 'adaptiveCard/action') return super.onInvokeActivity(context);
    const data = ((context.activity.value as { action?: { data?: Record<string, unknown> } }).action?.data ??
      {}) as Record<string, unknown>;
    const card = bareCard(String(data.escalationId), String(data.status), Number(data.version) + 1);
    await context.updateActivity({
      type: 'message',
      id: context.activity.replyToId,
      attachments: [CardFactory.adaptiveCard(card)],
    });
    return { status: 200, body: { statusCode: 200, type: adaptiveCardType, value: card } };
  }
}

function main(): void {
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      MicrosoftAppTenantId: '',
      MicrosoftAppType: 'MultiTenant',
    }),
  );
  adapter.onTurnError = async (_context, error) => {
    console.error(`bare bot turn failed: ${error.stack ?? error.message}`);
  };
  const bot = new BareBot(adapter);
  const server = restify.createServer({ name: 'bare-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  // Ready as soon as it listens: it has nothing to migrate.
  server.get('/readyz', (_req, res, next) => {
    res.send(200, { status: 'ready' });
    next();
  });
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });
  const port = Number(process.env.PORT ?? 3979);
  server.listen(port, '127.0.0.1', () => console.log(`bare bot listening on http://127.0.0.1:${port}`));
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) main();
