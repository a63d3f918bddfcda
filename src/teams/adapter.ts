// The Bot Framework adapter. Without BOT_ID (local mode) authentication is off, as
// with the Agents Playground and the Emulator.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Config } from '../config';

export function createAdapter(config: Config, log: (message: string) => void): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
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
