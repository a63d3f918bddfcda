// The Bot Framework adapter. Without BOT_ID (local mode) authentication is off, as
// with the Agents Playground and the Emulator.
//
// Every request to Teams is tried once, with a time limit: the Bot Connector client would
// otherwise retry 5xx and 429 on its own (up to three more times, with an uncapped
// Retry-After), so an old rendering of a card could land after a newer one, and a send could
// outlive its outbox lease unseen. Retries belong to the outbox (app/deliveryWorker.ts),
// which renders the card as it is when it tries again.
//
// botbuilder builds a new connector client (an HTTP pipeline) and a user token client for every
// activity it receives, about a tenth of what a card click costs; both are kept here instead, one
// per service URL and audience: the client holds no state of a turn, and its credentials renew
// their own token.
import { type Activity, CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import {
  type AuthenticateRequestResult,
  AuthenticationConstants,
  type ClaimsIdentity,
  type ConnectorClient,
  type ConnectorFactory,
  type UserTokenClient,
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

/**
 * Made once per key and kept; a failed making is not kept. A client sends whatever service URL it
 * is given (unchecked in local mode), so the cache is emptied when it is full rather than grow.
 */
class Kept<T> {
  private readonly made = new Map<string, Promise<T>>();

  constructor(private readonly most = 100) {}

  get(key: string, make: () => Promise<T>): Promise<T> {
    let found = this.made.get(key);
    if (!found) {
      if (this.made.size >= this.most) this.made.clear();
      found = make();
      this.made.set(key, found);
      found.catch(() => this.made.delete(key));
    }
    return found;
  }
}

/**
 * Every connector client the adapter makes, in a turn or outside one, tries each request once,
 * and is made once per app, service URL and audience.
 */
class TriedOnceAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly clients = new Kept<ConnectorClient>();
  private readonly tokenClients = new Kept<UserTokenClient>();

  private kept(factory: ConnectorFactory, appId: string): ConnectorFactory {
    return {
      create: (serviceUrl: string, audience?: string) =>
        this.clients.get(`${appId}\n${serviceUrl}\n${audience ?? ''}`, async () =>
          triedOnce(await factory.create(serviceUrl, audience)),
        ),
    };
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.kept(super.createConnectorFactory(claimsIdentity), appIdOf(claimsIdentity));
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    return result.connectorFactory
      ? { ...result, connectorFactory: this.kept(result.connectorFactory, appIdOf(result.claimsIdentity)) }
      : result;
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.tokenClients.get(appIdOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }
}

/** The app whose credentials a client sends with, as botbuilder reads it: the token's audience (ours), or none in local mode. */
function appIdOf(identity: ClaimsIdentity): string {
  return (
    identity.getClaimValue(AuthenticationConstants.AudienceClaim) ??
    identity.getClaimValue(AuthenticationConstants.AppIdClaim) ??
    ''
  );
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
