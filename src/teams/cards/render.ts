// Expands an Adaptive Card template (cards/*.json) with its typed model.
import * as ACData from 'adaptivecards-templating';

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

export const adaptiveCardContentType = 'application/vnd.microsoft.card.adaptive';

/** Parsing a template is most of the cost of a card: parse each once, expand it many times. */
const prepared = new WeakMap<object, ACData.Template>();

/** `dropNulls`: for models with empty values (an unset number input), at the cost of a copy. */
export function expand<Model extends object>(template: object, model: Model, dropNulls = false): AdaptiveCard {
  let parsed = prepared.get(template);
  if (!parsed) {
    parsed = new ACData.Template(template);
    prepared.set(template, parsed);
  }
  const card = parsed.expand({ $root: model });
  return (dropNulls ? withoutNulls(card) : card) as AdaptiveCard;
}

/** An attachment for sendActivity / updateActivity. */
export function attachment(card: AdaptiveCard) {
  return { contentType: adaptiveCardContentType, content: card };
}

// A value the model leaves empty (an unset number input) expands to null: leave the
// property out instead, as a hand-written card would.
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}
