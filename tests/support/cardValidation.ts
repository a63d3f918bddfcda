// The adaptivecards SDK's own validation of a card at schema 1.5, as Teams' renderer parses it.
// (require the bundle: the package's main entry does not load in Node)
const AC: any = require('adaptivecards/dist/adaptivecards.js');

/** Every problem the SDK finds at a schema version (1.5: Teams; 1.4: Outlook): parse events and property validation. */
export function cardProblems(card: unknown, version: '1.5' | '1.4' = '1.5'): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(version === '1.4' ? AC.Versions.v1_4 : AC.Versions.v1_5);
  // The SDK mutates what it parses: give it a copy.
  parsed.parse(structuredClone(card), context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  return problems;
}

/** Text of the whole card, for "no ${ survives" and size checks. */
export function cardJson(card: unknown): string {
  return JSON.stringify(card);
}

/** Every element of a card, depth first. */
export function elements(node: any): any[] {
  if (Array.isArray(node)) return node.flatMap(elements);
  if (!node || typeof node !== 'object') return [];
  return [node, ...Object.values(node).flatMap(elements)];
}

/** The actions of a card, wherever they sit (its ActionSets and ShowCards too). */
export const actionsOf = (card: any) =>
  elements(card).filter((e) => typeof e.type === 'string' && e.type.startsWith('Action.'));

/** The inputs of a card. */
export const inputsOf = (card: any) =>
  elements(card).filter((e) => typeof e.type === 'string' && e.type.startsWith('Input.'));

/** What a person reads on a card: its texts, titles and values, a line each. */
export const textOf = (card: any) =>
  elements(card)
    .flatMap((e) => [e.text, e.title, e.value].filter((v) => typeof v === 'string'))
    .join('\n');

/**
 * How tall a card is in its fullest view (every "Show / hide" section shown), in visible elements
 * one under another: every text, fact, input (its label a line of its own; a multiline box three)
 * and button, where the columns of a row count as their tallest, and each action set opens its
 * tallest ShowCard below its buttons (buttons one a line, as narrow hosts stack them).
 */
export function fullestViewRows(card: any): number {
  return sum((card.body ?? []).map(rowsOf)) + actionRows(card.actions ?? []);
}

function actionRows(actions: any[]): number {
  const opened = actions.filter((a) => a.type === 'Action.ShowCard').map((a) => fullestViewRows(a.card));
  return actions.length + Math.max(0, ...opened);
}

function rowsOf(element: any): number {
  switch (element.type) {
    case 'FactSet':
      return element.facts.length;
    case 'Container':
      return sum(element.items.map(rowsOf));
    case 'ColumnSet':
      return Math.max(0, ...element.columns.map((c: any) => sum(c.items.map(rowsOf))));
    case 'ActionSet':
      return actionRows(element.actions);
    case 'Input.ChoiceSet':
      return (element.label ? 1 : 0) + (element.style === 'expanded' ? element.choices.length : 1);
    default:
      if (String(element.type).startsWith('Input.')) return (element.label ? 1 : 0) + (element.isMultiline ? 3 : 1);
      return 1;
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
