// The Teams bot: routes each activity to its handler, in plain sight.
// Messages -> commands.ts; invokes by name -> the table below.
import { ActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder';
import { cardAction } from './cardActions';
import { runCommand } from './commands';
import type { TeamsDeps } from './deps';
import { failureAnswer, type InvokeAnswer, invokeResponse } from './invokeResponses';
import { fetchTask, submitAction } from './messagingExtension';

const invokes: Record<string, (context: TurnContext, deps: TeamsDeps) => Promise<InvokeAnswer>> = {
  'composeExtension/fetchTask': fetchTask,
  'composeExtension/submitAction': submitAction,
  'adaptiveCard/action': cardAction,
};

export class EscalationBot extends ActivityHandler {
  constructor(private readonly deps: TeamsDeps) {
    super();
    this.onMessage(async (context, next) => {
      // A card's Action.Submit outside a dialog arrives as a message with a value: not ours.
      if (context.activity.text || !context.activity.value) await runCommand(context, this.deps);
      await next();
    });
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const name = context.activity.name ?? '';
    const handler = invokes[name];
    if (!handler) return super.onInvokeActivity(context);
    try {
      return invokeResponse(await handler(context, this.deps));
    } catch (error) {
      // Teams retries an invoke that failed: answer 200 with what happened instead.
      this.deps.log(`${name} failed: ${(error as Error).stack ?? error}`);
      return invokeResponse(failureAnswer(name));
    }
  }
}
