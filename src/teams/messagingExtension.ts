// The messaging extension's action commands, each found by its id (the manifest's
// composeExtensions commands): "Escalate" (createEscalation: the form in a dialog, prefilled when
// opened from a message's "..." menu, and filled from a help-desk ticket it links) and "Save to
// escalation" (saveToEscalation, teams/saveToEscalation.ts).
import type { TurnContext } from 'botbuilder';
import { fillFromTicket } from '../app/fillFromTicket';
import { caps } from '../domain/caps';
import { ownField } from '../domain/clientText';
import { messageText } from '../domain/messageText';
import { ticketMentionedIn } from '../domain/ticketMentions';
import { verbs } from '../domain/verbs';
import { type FormCardInput, formCard } from './cards/formCard';
import type { TeamsDeps } from './deps';
import { fill, recommend, submit } from './formSubmission';
import { dialogAnswer, type InvokeAnswer } from './invokeResponses';
import { personOf, reachOf, timeZoneOf } from './people';
import { saveCommandId, saveFetchTask, saveSubmitAction } from './saveToEscalation';

export const commandId = 'createEscalation';

type CommandHandler = (context: TurnContext, deps: TeamsDeps) => Promise<InvokeAnswer>;

/** Each command's fetchTask and submitAction (a Map: the command id is client text, never an object key). */
const commands = new Map<string, { fetchTask: CommandHandler; submitAction: CommandHandler }>([
  [commandId, { fetchTask: escalateFetchTask, submitAction: escalateSubmitAction }],
  [saveCommandId, { fetchTask: saveFetchTask, submitAction: saveSubmitAction }],
]);

/** The command an invoke names; any other (or none) is Escalate, the extension's first. */
function commandOf(context: TurnContext) {
  const id = ownField(context.activity.value, 'commandId');
  return (
    (typeof id === 'string' && commands.get(id)) ||
    (commands.get(commandId) as NonNullable<ReturnType<typeof commands.get>>)
  );
}

export function fetchTask(context: TurnContext, deps: TeamsDeps): Promise<InvokeAnswer> {
  return commandOf(context).fetchTask(context, deps);
}

export function submitAction(context: TurnContext, deps: TeamsDeps): Promise<InvokeAnswer> {
  return commandOf(context).submitAction(context, deps);
}

interface MessagePayload {
  body?: { content?: string; contentType?: string };
  from?: { user?: { displayName?: string } };
  linkToMessage?: string;
}

async function escalateFetchTask(context: TurnContext, deps: TeamsDeps): Promise<InvokeAnswer> {
  const value = (context.activity.value ?? {}) as { commandContext?: string; messagePayload?: MessagePayload };
  const message = value.commandContext === 'message' ? value.messagePayload : undefined;
  if (!message) return dialogAnswer(formCard({ mode: 'dialog' }));
  return dialogAnswer(formCard({ mode: 'dialog', ...(await formFromMessage(message, deps)) }));
}

/**
 * The message's text prefills the form; a help-desk ticket it links or names goes in the Ticket
 * field and fills the form from the desk, its values over the message's. When the desk cannot
 * give it, the message's prefill stays, with the sentence saying why.
 */
async function formFromMessage(message: MessagePayload, deps: TeamsDeps): Promise<Omit<FormCardInput, 'mode'>> {
  const prefilled = prefillFrom(message);
  const ticket = ticketMentionedIn(message.body?.content ?? '', deps.desks);
  if (!ticket) return prefilled;
  const filled = await fillFromTicket({ ticket }, deps);
  const values = { ...prefilled.values, ...filled.values };
  if (filled.filledFrom) return { values, notice: filled.notice };
  return { values, notice: [prefilled.notice, filled.notice].filter(Boolean).join(' '), problems: filled.problems };
}

async function escalateSubmitAction(context: TurnContext, deps: TeamsDeps): Promise<InvokeAnswer> {
  const value = (context.activity.value ?? {}) as { data?: Record<string, unknown> };
  const { verb, ...values } = value.data ?? {};
  // "Done" on the confirmation: the escalation is made and posted; the dialog closes.
  if (verb === verbs.done.name) return {};
  if (verb === verbs.evaluate.name)
    return dialogAnswer(await recommend(values, 'dialog', deps, personOf(context.activity)));
  if (verb === verbs.fillFromTicket.name) return dialogAnswer(await fill(values, 'dialog', deps));
  const { activity } = context;
  return dialogAnswer(
    await submit(values, personOf(activity), 'dialog', deps, timeZoneOf(activity), reachOf(activity)),
  );
}

/** The message's text becomes the description, with its author and link noted. */
export function prefillFrom(message: MessagePayload): { values: Record<string, string>; notice: string } {
  const text = messageText(message.body?.content ?? '', message.body?.contentType);
  const author = message.from?.user?.displayName ?? 'someone';
  const source = `From a Teams message by ${author}${message.linkToMessage ? `: ${message.linkToMessage}` : ''}`;
  const room = caps.description - source.length - 2;
  const description = `${text.length > room ? `${text.slice(0, room - 1)}…` : text}\n\n${source}`.trim();
  const firstLine = text.split('\n')[0]?.trim() ?? '';
  const summary = firstLine.length > caps.summary ? `${firstLine.slice(0, caps.summary - 1)}…` : firstLine;
  return {
    values: { summary, description },
    notice: `Prefilled from ${author}'s message: check the summary and description, then complete the brief.`,
  };
}
