// The Teams bot: routes each activity to its handler, in plain sight.
// Messages -> commands.ts; invokes by name -> the table below. Activities from a tenant
// that is not allowed are answered with one sentence and change nothing.

import { performance } from 'node:perf_hooks';
import {
  ActivityHandler,
  ActivityTypes,
  type InvokeResponse,
  type SendActivitiesHandler,
  type TurnContext,
} from 'botbuilder';
import { verbNamed } from '../domain/verbs';
import { cardAction, invokeOutcome } from './cardActions';
import { hiddenCard } from './cards/hiddenCard';
import { runCommand } from './commands';
import type { TeamsDeps } from './deps';
import { findEscalation } from './findEscalation';
import { cardAnswer, extensionMessage, failureAnswer, type InvokeAnswer, invokeResponse } from './invokeResponses';
import { unfurlLink } from './linkUnfurl';
import { fetchTask, submitAction } from './messagingExtension';
import { tenantOf } from './people';

/** Invokes by name (a Map: the name is client text, never an object key). */
const invokes = new Map<string, (context: TurnContext, deps: TeamsDeps) => Promise<InvokeAnswer>>([
  ['composeExtension/fetchTask', fetchTask],
  ['composeExtension/submitAction', submitAction],
  ['adaptiveCard/action', cardAction],
  ['composeExtension/query', findEscalation],
  ['composeExtension/queryLink', unfurlLink],
]);

/** An invoke as its metric names it: a card's click by its verb (one of ours), anything else by its name. */
function invokeLabel(context: TurnContext, name: string): string {
  if (!invokes.has(name)) return 'unknown';
  const verb = (context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
  if (name !== 'adaptiveCard/action') return name;
  return typeof verb === 'string' && verbNamed.has(verb) ? verb : 'unknown verb';
}

export const otherTenantText =
  'Escalation Desk is not available to your organization: ask the admin who runs it to allow your tenant.';

export class EscalationBot extends ActivityHandler {
  constructor(private readonly deps: TeamsDeps) {
    super();
    this.onMessage(async (context, next) => {
      // A card's Action.Submit outside a dialog arrives as a message with a value: not ours.
      if (context.activity.text || !context.activity.value) await runCommand(context, this.deps);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    const allowed = this.deps.allowedTenants;
    const tenant = tenantOf(context.activity);
    if (allowed && tenant === undefined && context.activity.channelId === 'outlook') {
      // An Outlook click that names no tenant: whoever it is, we cannot tell they are ours.
      // They read what the email they hold showed, as nobody; they change nothing.
      if (context.activity.from) context.activity.from.aadObjectId = undefined;
    } else if (allowed && !(tenant && allowed.includes(tenant))) {
      return this.refuseTenant(context);
    }
    if (context.activity.channelId === 'msteams') context.onSendActivities(this.paced);
    return super.run(context);
  }

  /** What a turn sends to Teams takes its turn in the conversation's pace (not an invoke's answer, which is no send). */
  private readonly paced: SendActivitiesHandler = async (context, activities, next) => {
    for (const activity of activities) {
      if (activity.type === ActivityTypes.InvokeResponse || activity.type === ActivityTypes.Trace) continue;
      await this.deps.paceTurnSend(activity.conversation?.id ?? context.activity.conversation.id);
    }
    return next();
  };

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const name = typeof context.activity.name === 'string' ? context.activity.name : '';
    const started = performance.now();
    const answer = await this.answerInvoke(context, name);
    const outcome = context.turnState.get(invokeOutcome) ?? (answer.status < 400 ? 'answered' : 'failed');
    this.deps.counters.invokeAnswered(invokeLabel(context, name), outcome, (performance.now() - started) / 1000);
    return answer;
  }

  private async answerInvoke(context: TurnContext, name: string): Promise<InvokeResponse> {
    const handler = invokes.get(name);
    if (!handler) {
      // An invoke this app does not take (Teams sends those its manifest names): the sender's mistake.
      const answer = await super.onInvokeActivity(context);
      return answer.status >= 500
        ? { status: 400, body: { error: 'Escalation Desk does not answer this invoke' } }
        : answer;
    }
    try {
      return invokeResponse(await handler(context, this.deps));
    } catch (error) {
      // Teams retries an invoke that failed: answer 200 with what happened instead.
      this.deps.log(`${name} failed: ${(error as Error).stack ?? error}`);
      context.turnState.set(invokeOutcome, 'failed');
      return invokeResponse(failureAnswer(name));
    }
  }

  private async refuseTenant(context: TurnContext): Promise<void> {
    const { type, name } = context.activity;
    if (type === ActivityTypes.Message) {
      await context.sendActivity({ type: 'message', text: otherTenantText });
    } else if (type === ActivityTypes.Invoke) {
      const answer: InvokeAnswer =
        name === 'adaptiveCard/action'
          ? cardAnswer(hiddenCard({ headline: otherTenantText, detail: '' }))
          : name?.startsWith('composeExtension/query')
            ? extensionMessage(otherTenantText)
            : { task: { type: 'message', value: otherTenantText } };
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: invokeResponse(answer) });
    }
  }
}
