// Adaptive Card templates (cards/*.json, written in the Adaptive Card Templating language) compiled
// once into a function of their model. adaptivecards-templating re-reads every expression each
// time it expands a card, about 0.3 ms for the brief; a card is drawn for every click, so each
// template is compiled here instead, for the part of the language the cards use: `${path}`
// (a whole value keeps its type; inside text it is written in), `$data` (an array repeats the
// element for each item, which becomes the scope of `${...}` and `${$data}`) and `$when`, with
// `path`, `count(path)` and comparisons with a number or 'text'. Anything else is refused when
// the template is compiled. tests/teams/templates.test.ts holds the output to
// adaptivecards-templating's, card by card.

/** What a compiled piece makes in a scope, or `omitted` (an element whose `$when` is false, or a `$data` of none). */
type Piece = (scope: unknown) => unknown;
const omitted = Symbol('omitted');
/** An element whose `$data` is an array: one copy per item, spliced into the array it stands in. */
class Repeated {
  constructor(readonly items: unknown[]) {}
}

export type CompiledTemplate = (model: object) => unknown;

export function compileTemplate(template: unknown): CompiledTemplate {
  const piece = compileValue(template);
  return (model) => piece(model);
}

function compileValue(value: unknown): Piece {
  if (typeof value === 'string') return compileText(value);
  if (Array.isArray(value)) return compileArray(value);
  if (value !== null && typeof value === 'object') return compileObject(value as Record<string, unknown>);
  return () => value;
}

const whole = /^\$\{([^}]*)\}$/;
const embedded = /\$\{([^}]*)\}/g;

function compileText(text: string): Piece {
  const exact = whole.exec(text);
  if (exact) {
    const read = compileExpression(exact[1] as string);
    // An expression that finds nothing stays as it was written, as adaptivecards-templating leaves it.
    return (scope) => {
      const found = read(scope);
      return found === undefined ? text : found;
    };
  }
  if (!text.includes('${')) return () => text;
  const parts: (string | { source: string; read: Piece })[] = [];
  let last = 0;
  for (const match of text.matchAll(embedded)) {
    parts.push(text.slice(last, match.index));
    parts.push({ source: match[0], read: compileExpression(match[1] as string) });
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(text.slice(last));
  return (scope) => {
    let written = '';
    for (const part of parts) {
      if (typeof part === 'string') written += part;
      else {
        const found = part.read(scope);
        written +=
          found === undefined ? part.source : typeof found === 'object' ? JSON.stringify(found) : String(found);
      }
    }
    return written;
  };
}

function compileArray(items: unknown[]): Piece {
  const pieces = items.map(compileValue);
  return (scope) => {
    const made: unknown[] = [];
    for (const piece of pieces) {
      const value = piece(scope);
      if (value === omitted) continue;
      if (value instanceof Repeated) made.push(...value.items);
      else made.push(value);
    }
    return made;
  };
}

function compileObject(element: Record<string, unknown>): Piece {
  const data = typeof element.$data === 'string' ? compileText(element.$data) : undefined;
  const when = typeof element.$when === 'string' ? compileText(element.$when) : undefined;
  const fields = Object.entries(element)
    .filter(([key]) => key !== '$data' && key !== '$when')
    .map(([key, value]) => [key, compileValue(value)] as const);
  const make = (scope: unknown): unknown => {
    if (when && !truthy(when(scope))) return omitted;
    const made: Record<string, unknown> = {};
    for (const [key, piece] of fields) {
      const value = piece(scope);
      if (value !== omitted) made[key] = value instanceof Repeated ? value.items : value;
    }
    return made;
  };
  if (!data) return make;
  // What an element makes of an array depends on that array alone (its items are the scope), so
  // an array the model hands again (a brief's sections, kept by teams/cards/briefCard.ts) is made
  // once: the cards drawn from it share those parts, which nothing changes once made.
  const madeOf = new WeakMap<unknown[], unknown>();
  return (scope) => {
    const bound = data(scope);
    if (!Array.isArray(bound)) return make(bound);
    let made = madeOf.get(bound);
    if (made === undefined) {
      const items = bound.map(make).filter((item) => item !== omitted);
      made = items.length > 0 ? new Repeated(items) : omitted;
      madeOf.set(bound, made);
    }
    return made;
  };
}

function truthy(value: unknown): boolean {
  return value !== false && value !== undefined && value !== null && value !== '' && value !== 0;
}

// Expressions: `path`, `count(path)`, and either compared with a number or 'text'.
const comparison = /^\s*(.+?)\s*(==|!=|>=|<=|>|<)\s*(.+?)\s*$/;
const countOf = /^count\((.+)\)$/;
const pathOf = /^\$?[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*$/;

function compileExpression(source: string): Piece {
  const compared = comparison.exec(source);
  if (compared) {
    const [, left, operator, right] = compared as unknown as [string, string, string, string];
    return compare(compileOperand(left, source), operator, literal(right, source));
  }
  return compileOperand(source.trim(), source);
}

function compileOperand(text: string, source: string): Piece {
  const counted = countOf.exec(text);
  if (counted) {
    const read = compilePath(counted[1] as string, source);
    return (scope) => {
      const value = read(scope);
      return Array.isArray(value) || typeof value === 'string' ? value.length : 0;
    };
  }
  return compilePath(text, source);
}

function compilePath(text: string, source: string): Piece {
  if (!pathOf.test(text)) throw new Error(`A card template uses "\${${source}}", which its compiler does not read`);
  const [first, ...rest] = text.split('.') as [string, ...string[]];
  return (scope) => {
    let value: unknown = first === '$data' ? scope : field(scope, first);
    for (const name of rest) value = field(value, name);
    return value;
  };
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, name)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function literal(text: string, source: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const quoted = /^'([^']*)'$/.exec(text);
  if (quoted) return quoted[1];
  throw new Error(`A card template compares with "${text}" in "\${${source}}": use a number or 'text'`);
}

function compare(read: Piece, operator: string, right: unknown): Piece {
  return (scope) => {
    const left = read(scope) as never;
    switch (operator) {
      case '==':
        return left === right;
      case '!=':
        return left !== right;
      case '>':
        return left > (right as never);
      case '<':
        return left < (right as never);
      case '>=':
        return left >= (right as never);
      default:
        return left <= (right as never);
    }
  };
}
