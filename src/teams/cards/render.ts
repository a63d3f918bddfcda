// Expands an Adaptive Card template (cards/*.json) with its typed model.
import { type CompiledTemplate, compileTemplate } from './template';

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

export const adaptiveCardContentType = 'application/vnd.microsoft.card.adaptive';

/** Each template compiled once (template.ts), then expanded as often as cards are drawn. */
const compiled = new WeakMap<object, CompiledTemplate>();

/** `dropNulls`: for models with empty values (an unset number input), at the cost of a copy. */
export function expand<Model extends object>(template: object, model: Model, dropNulls = false): AdaptiveCard {
  let expandWith = compiled.get(template);
  if (!expandWith) {
    expandWith = compileTemplate(template);
    compiled.set(template, expandWith);
  }
  const card = expandWith(model);
  return (dropNulls ? withoutNulls(card) : card) as AdaptiveCard;
}

/**
 * Text a person wrote, shown where Teams reads markdown (TextBlock, FactSet, chat messages):
 * an invisible space breaks link, image and reference syntax and tags, so `[x](javascript:…)`
 * or `<at>` in a summary stays the text it was.
 */
export function neverALink(text: string): string {
  // Most text has neither: it is drawn for every click, so it is looked at once and left as it is.
  if (!linkish.test(text)) return text;
  return text.replace(/\](\s*)([(:[])/g, ']$1\u200B$2').replace(/</g, '<\u200B');
}

const linkish = /[\]<]/;

/** Every string of a card model through neverALink, but those under the keys kept (markdown of ours, URLs). */
export function userTextSafe<Model>(model: Model, keep: ReadonlySet<string>): Model {
  const walk = (value: unknown, key?: string): unknown => {
    if (key !== undefined && keep.has(key)) return value;
    if (typeof value === 'string') return neverALink(value);
    if (Array.isArray(value)) return value.map((item) => walk(item));
    if (value && typeof value === 'object') {
      const safe: Record<string, unknown> = {};
      for (const name in value) safe[name] = walk((value as Record<string, unknown>)[name], name);
      return safe;
    }
    return value;
  };
  return walk(model) as Model;
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
