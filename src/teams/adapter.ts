// The Bot Framework adapter. Without BOT_ID (local mode) authentication is off, as
// with the Agents Playground and the Emulator.
//
// Every request to Teams is tried once, with a time limit: the Bot Connector client would
// otherwise retry 5xx and 429 on its own (up to three more times, with an uncapped
// Retry-After), so an old rendering of a card could land after a newer one, and a send could
// outlive its outbox lease unseen. Retries belong to the outbox (app/deliveryWorker.ts),
// which renders the card as it is when it tries again.
import { type Activity, CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type {
  AuthenticateRequestResult,
  ClaimsIdentity,
  ConnectorClient,
  ConnectorFactory,
} from 'botframework-connector';
import type { Config } from '../config';

/** A request to Teams that has not answered by then is given up (well under an outbox lease). */
export const teamsRequestTimeoutMs = 10_000;

interface Pipeline {
  removePolicy(options: { phase?: string; name?: string }): unknown;
  addPolicy(policy: {
    name: string;
    sendRequest: (request: { timeout: number }, next: (request: unknown) => Promise<unknown>) => Promise<unknown>;
  }): void;
}

/** Takes the client's own retries out and puts a time limit on each request. */
function triedOnce(client: ConnectorClient): ConnectorClient {
  const pipeline = (client as unknown as { client?: { pipeline?: Pipeline } }).client?.pipeline;
  if (!pipeline) return client;
  pipeline.removePolicy({ phase: 'Retry' });
  pipeline.addPolicy({
    name: 'escalationDeskTimeout',
    sendRequest: (request, next) => {
      if (!request.timeout) request.timeout = teamsRequestTimeoutMs;
      return next(request);
    },
  });
  return client;
}

function triedOnceFactory(factory: ConnectorFactory): ConnectorFactory {
  return {
    create: async (serviceUrl: string, audience?: string) => triedOnce(await factory.create(serviceUrl, audience)),
  };
}

/** Every connector client the adapter makes, in a turn or outside one, tries each request once. */
class TriedOnceAuthentication extends ConfigurationBotFrameworkAuthentication {
  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return triedOnceFactory(super.createConnectorFactory(claimsIdentity));
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    return result.connectorFactory
      ? { ...result, connectorFactory: triedOnceFactory(result.connectorFactory) }
      : result;
  }
}

export function createAdapter(config: Config, log: (message: string) => void): CloudAdapter {
  const auth = new TriedOnceAuthentication({
    MicrosoftAppId: config.bot?.id ?? '',
    MicrosoftAppPassword: config.bot?.password ?? '',
    MicrosoftAppTenantId: config.bot?.tenantId ?? '',
    MicrosoftAppType: config.bot?.type ?? 'MultiTenant',
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log(`turn failed (${context.activity.type} ${context.activity.name ?? ''}): ${error.stack ?? error.message}`);
    if (context.activity.type !== 'message') return;
    try {
      await context.sendActivity('Sorry, something went wrong on our side. Please try again in a moment.');
    } catch (replyError) {
      // Where the turn failed, the reply may fail too (an unreachable serviceUrl): logged, never thrown.
      log(`could not say so in the conversation: ${(replyError as Error).message}`);
    }
  };
  return adapter;
}
