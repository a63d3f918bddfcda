// "Save to escalation" on a message's "..." menu (the composeExtension command saveToEscalation: a
// small dialog, then the save), and "save <text>" said to the bot in an escalation's swarm chat
// (no dialog: the chat says which escalation). Both save through app/saveMessage.ts, which holds
// the rules; this file reads what Teams sends and says what came of it.
import type { TurnContext } from 'botbuilder';
import { channelOfConversation } from '../app/ports';
import { escalationsToSaveTo, type SaveMessageOutcome, saveMessage } from '../app/saveMessage';
import { ownField } from '../domain/clientText';
import { messageIdOf, type SavedMessage, savedMessageOf, whyOf } from '../domain/savedMessage';
import { neverALink } from './cards/render';
import { saveCard } from './cards/saveCard';
import type { TeamsDeps } from './deps';
import { dialogAnswer, dialogMessage, type InvokeAnswer } from './invokeResponses';
import { personOf } from './people';
import { quotedMessageOf } from './quotedReply';

export const saveCommandId = 'saveToEscalation';

const dialogTitle = 'Save to escalation';

const noMessage = 'There is no message here to save: use “Save to escalation” from the “...” menu of a message.';

export const notASwarmChat =
  'This is not an escalation’s swarm chat, so I cannot tell where to save it: use “Save to escalation” from the “...” menu of the message instead.';

/** The dialog, over the message it was opened from. */
export async function saveFetchTask(context: TurnContext, deps: TeamsDeps): Promise<InvokeAnswer> {
  const payload = ownField(context.activity.value, 'messagePayload');
  const message = savedMessageOf(payload);
  if (!message) return dialogMessage(noMessage);
  return dialog(context, deps, message, { messageId: messageIdOf(payload) });
}

/** Save: closes the dialog saying so; a refusal shows the dialog again with the reason. */
export async function saveSubmitAction(context: TurnContext, deps: TeamsDeps): Promise<InvokeAnswer> {
  const value = context.activity.value;
  const data = ownField(value, 'data');
  // Teams hands the message over again; the dialog's own copy stands in where it does not.
  const payload = ownField(value, 'messagePayload') ?? ownField(data, 'message');
  const message = savedMessageOf(payload);
  if (!message) return dialogMessage(noMessage);
  const typed = typedText(ownField(data, 'otherEscalationId'));
  const picked = typedText(ownField(data, 'escalationId'));
  const why = whyOf(ownField(data, 'why'));
  const messageId = messageIdOf(payload);
  const outcome = await saveMessage(deps, {
    escalationId: typed || picked,
    message,
    why,
    saver: personOf(context.activity),
    place: { conversationId: conversationOf(context), messageId },
  });
  if (outcome.outcome === 'refused') {
    return dialog(context, deps, message, { messageId, typed, why, notice: outcome.reason, chosen: picked });
  }
  return dialogMessage(savedSentence(outcome, message));
}

async function dialog(
  context: TurnContext,
  deps: TeamsDeps,
  message: SavedMessage,
  shown: { messageId?: string; typed?: string; why?: string; notice?: string; chosen?: string },
): Promise<InvokeAnswer> {
  const offered = await escalationsToSaveTo(deps, personOf(context.activity), conversationOf(context));
  const chosen = shown.chosen || offered.chosen;
  const card = saveCard({ message, escalations: offered.escalations, ...shown, ...(chosen ? { chosen } : {}) });
  return dialogAnswer(card, dialogTitle, 'medium');
}

/**
 * "@Escalation Desk save <text>" in a chat: saved into the escalation whose swarm chat it is. Said
 * in reply to a message (quoting it), that message is saved, and the text is why.
 */
export async function saveCommand(context: TurnContext, argument: string, deps: TeamsDeps): Promise<void> {
  const { activity } = context;
  const chatId = activity.conversation?.id;
  const chat = typeof chatId === 'string' ? await deps.store.swarmChatIn(chatId) : undefined;
  if (!chat) return say(context, notASwarmChat);
  const saver = personOf(activity);
  const quoted = quotedMessageOf(activity);
  const said = quoted ? argument.replace(quoted.text, '').trim() : argument;
  const message = savedMessageOf({
    body: { contentType: quoted ? 'text' : 'html', content: quoted?.text ?? argument },
    from: { user: { displayName: quoted ? (quoted.author ?? 'Someone') : saver.name } },
    createdDateTime: activity.timestamp instanceof Date ? activity.timestamp.toISOString() : activity.timestamp,
    linkToMessage: chatMessageLink(chat.chatId, quoted ? quoted.messageId : activity.id),
  });
  if (!message?.text) {
    return say(
      context,
      `Say what to save after **save**, e.g. “save The customer confirms the workaround fails”, or reply to a message with **save**; it goes on ${chat.escalationId}’s timeline.`,
    );
  }
  const messageId = quoted ? quoted.messageId : activity.id;
  const outcome = await saveMessage(deps, {
    escalationId: chat.escalationId,
    message,
    ...(quoted && said ? { why: whyOf(said) } : {}),
    saver,
    place: { conversationId: chat.chatId, ...(messageId ? { messageId } : {}) },
  });
  await say(context, neverALink(savedSentence(outcome, message)));
}

function savedSentence(outcome: SaveMessageOutcome, message: SavedMessage): string {
  switch (outcome.outcome) {
    case 'refused':
      return outcome.reason;
    case 'alreadySaved':
      return `That message is already saved to ${outcome.escalation.id}: it is kept once.`;
    case 'saved':
      return `Saved to ${outcome.escalation.id}: ${message.author}’s message is on its timeline, and its card shows it.`;
  }
}

/** A message's own link in a chat (Teams' deep link to it); none when Teams gave the message no id. */
function chatMessageLink(chatId: string, messageId: string | undefined): string | undefined {
  if (!messageId) return undefined;
  const context = encodeURIComponent('{"contextType":"chat"}');
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(chatId)}/${encodeURIComponent(messageId)}?context=${context}`;
}

/** The channel or chat a message is in (a channel thread counts as its channel): half of what makes a save once-only. */
function conversationOf(context: TurnContext): string {
  const id = context.activity.conversation?.id;
  return typeof id === 'string' ? channelOfConversation(id) : '';
}

function typedText(value: unknown): string {
  return typeof value === 'string' ? value.trim().slice(0, 100) : '';
}

async function say(context: TurnContext, text: string): Promise<void> {
  await context.sendActivity({ type: 'message', text, textFormat: 'markdown' });
}
