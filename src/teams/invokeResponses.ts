// The answers Teams accepts to an invoke, as one union: an invalid shape does not compile.
import type { InvokeResponse, MessagingExtensionAttachment } from 'botbuilder';
import { type AdaptiveCard, adaptiveCardContentType, attachment } from './cards/render';

/** adaptiveCard/action: always HTTP 200, the status in the body (Teams retries anything else). */
export interface CardActionAnswer {
  statusCode: 200;
  type: typeof adaptiveCardContentType;
  value: AdaptiveCard;
}

/** composeExtension/fetchTask and submitAction: show this card in the dialog. */
export interface TaskContinueAnswer {
  task: {
    type: 'continue';
    value: {
      title: string;
      height: 'large' | 'medium';
      width: 'large' | 'medium';
      card: ReturnType<typeof attachment>;
    };
  };
}

/** composeExtension/submitAction: close the dialog with a short message. */
export interface TaskMessageAnswer {
  task: { type: 'message'; value: string };
}

/** An empty answer: Teams closes the dialog. */
export type DialogClosed = Record<string, never>;

/** composeExtension/query and queryLink: what a person may insert (each a listing and its card). */
export interface ResultAnswer {
  composeExtension: { type: 'result'; attachmentLayout: 'list'; attachments: MessagingExtensionAttachment[] };
}

/** composeExtension/query: a sentence instead of results. */
export interface ExtensionMessageAnswer {
  composeExtension: { type: 'message'; text: string };
}

export type InvokeAnswer =
  | CardActionAnswer
  | TaskContinueAnswer
  | TaskMessageAnswer
  | DialogClosed
  | ResultAnswer
  | ExtensionMessageAnswer;

export function resultAnswer(attachments: MessagingExtensionAttachment[]): ResultAnswer {
  return { composeExtension: { type: 'result', attachmentLayout: 'list', attachments } };
}

export function extensionMessage(text: string): ExtensionMessageAnswer {
  return { composeExtension: { type: 'message', text } };
}

export function cardAnswer(card: AdaptiveCard): CardActionAnswer {
  return { statusCode: 200, type: adaptiveCardContentType, value: card };
}

export function dialogAnswer(
  card: AdaptiveCard,
  title = 'Escalate',
  size: 'large' | 'medium' = 'large',
): TaskContinueAnswer {
  return { task: { type: 'continue', value: { title, height: size, width: size, card: attachment(card) } } };
}

/** composeExtension/submitAction: close the dialog, saying what was done (or why nothing was). */
export function dialogMessage(text: string): TaskMessageAnswer {
  return { task: { type: 'message', value: text } };
}

export function invokeResponse(answer: InvokeAnswer): InvokeResponse<InvokeAnswer> {
  return { status: 200, body: answer };
}

const sorry = 'Something went wrong on our side and nothing was changed. Please try again in a moment.';

/** What the person sees when handling their action failed unexpectedly. */
export function failureAnswer(invokeName: string): InvokeAnswer {
  if (invokeName === 'composeExtension/query' || invokeName === 'composeExtension/queryLink') {
    return extensionMessage(sorry);
  }
  if (invokeName !== 'adaptiveCard/action') return { task: { type: 'message', value: sorry } };
  return cardAnswer({
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ type: 'TextBlock', text: sorry, wrap: true, color: 'attention' }],
  });
}
