// The Teams bot: turns activities into use-case calls. Each command and card verb has
// one small handler, found by its name.
import { TeamsActivityHandler, type TurnContext } from 'botbuilder';

export const helpText = [
  '**Escalation Desk** takes a support escalation from "should this go up?" to "resolved".',
  '',
  '- **new**: open the escalation form',
  '- **mine**: the escalations you raised or own',
  '- **show ESC-n**: one escalation',
  '- **help**: this list',
  '',
  'In a channel, @mention me with **route <tier>** to post that tier’s escalations there (tiers: support, engineering, product, security, leadership), **routes** to list the bindings, **unroute <tier>** to stop.',
].join('\n');

export class EscalationBot extends TeamsActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await this.replyWithHelp(context);
      await next();
    });
  }

  private async replyWithHelp(context: TurnContext): Promise<void> {
    await context.sendActivity({ type: 'message', text: helpText, textFormat: 'markdown' });
  }
}
