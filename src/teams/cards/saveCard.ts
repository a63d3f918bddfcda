// The "Save to escalation" dialog: which escalation (the person's open ones to pick, or an id to
// type) and an optional line of why, under a preview of the message. A compact ChoiceSet and a
// text input rather than one filtered ChoiceSet: a filtered one takes only the choices it lists, and
// an escalation the person neither raised nor owns must stay reachable by its id.
import template from '../../../cards/save-to-escalation.json';
import type { Escalation } from '../../domain/escalation';
import { oneLine } from '../../domain/messageText';
import type { SavedMessage } from '../../domain/savedMessage';
import { statusLabels } from '../../domain/vocabulary';
import { when } from './briefCard';
import { type AdaptiveCard, expand, neverALink } from './render';

/** The template's data: every key present, so no `${...}` is left unexpanded. */
export interface SaveCardModel {
  /** Why the last try was refused; '' when none was. */
  notice: string;
  /** The message as people read it: plain text runs. */
  preview: { heading: string; text: string };
  choices: { title: string; value: string }[];
  chosen: string;
  otherLabel: string;
  typed: string;
  why: string;
  /** The message, handed back on Save (Teams sends it again too, as messagePayload). */
  message: object;
}

export interface SaveCardInput {
  message: SavedMessage;
  /** Teams' id of the message, kept with it for the save. */
  messageId?: string;
  /** Offered first to last (app/saveMessage.ts escalationsToSaveTo). */
  escalations: Escalation[];
  /** Picked already: this chat's escalation, or what the person picked before a refusal. Else none, so none is saved to by mistake. */
  chosen?: string;
  typed?: string;
  why?: string;
  notice?: string;
}

/** The preview shows the start of the message: the dialog stays small. */
const previewLength = 400;

export function saveCard(input: SaveCardInput): AdaptiveCard {
  return expand(template, saveCardModel(input));
}

export function saveCardModel(input: SaveCardInput): SaveCardModel {
  const { message, escalations } = input;
  return {
    notice: neverALink(input.notice ?? ''),
    // Text runs read no markdown; neverALink too, should a host ever read it.
    preview: {
      heading: neverALink(message.at ? `${message.author}, ${when(message.at)}` : message.author),
      text: neverALink(oneLine(message.text, previewLength) || '(no text)'),
    },
    choices: escalations.map((e) => ({
      title: oneLine(`${e.id} · ${statusLabels[e.status]}: ${e.brief.summary}`, 100),
      value: e.id,
    })),
    chosen: input.chosen ?? '',
    otherLabel: escalations.length > 0 ? "Or another escalation's id" : "The escalation's id",
    typed: input.typed ?? '',
    why: input.why ?? '',
    message: payloadOf(message, input.messageId),
  };
}

/** The message in messagePayload's own shape, its text already plain: what app/saveMessage.ts reads either way. */
function payloadOf(message: SavedMessage, messageId?: string): object {
  return {
    ...(messageId ? { id: messageId } : {}),
    body: { contentType: 'text', content: message.text },
    from: { user: { displayName: message.author } },
    ...(message.at ? { createdDateTime: message.at } : {}),
    ...(message.link ? { linkToMessage: message.link } : {}),
  };
}
