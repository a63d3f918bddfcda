// bench/results.json laid out as the project's formatter (Biome, lines of 120) lays it out, so
// `biome check` passes on what the bench writes: objects expanded, an array of plain values on
// its key's line when it fits, else numbers filled line by line, anything else one a line.

const lineWidth = 120;
const plainNumber = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/;

export function formatJson(value: unknown): string {
  // Three decimals are more than any figure here means.
  const rounded = (_key: string, v: unknown) =>
    typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v;
  const lines = JSON.stringify(value, rounded, 2).split('\n');
  const out: string[] = [];
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at] as string;
    const items = line.endsWith('[') ? plainItems(lines, at + 1) : undefined;
    if (!items) {
      out.push(line);
      continue;
    }
    const closing = lines[at + items.length + 1] as string;
    out.push(...arrayLines(line, items, closing.trimStart().slice(1)));
    at += items.length + 1;
  }
  return `${out.join('\n')}\n`;
}

/** The items of the array opened on the line before `from`, when they are all plain values (no objects or arrays). */
function plainItems(lines: string[], from: number): string[] | undefined {
  const items: string[] = [];
  for (let at = from; at < lines.length; at++) {
    const item = (lines[at] as string).trim();
    if (item === ']' || item === '],') return items;
    if (item.endsWith('[') || item.endsWith('{')) return undefined;
    items.push(item.replace(/,$/, ''));
  }
  return undefined;
}

/** `opening` ends with "[", `after` is what follows the closing "]" (a comma or nothing). */
function arrayLines(opening: string, items: string[], after: string): string[] {
  const oneLine = `${opening}${items.join(', ')}]${after}`;
  if (oneLine.length <= lineWidth) return [oneLine];
  const indent = `${/^ */.exec(opening)?.[0] ?? ''}  `;
  if (!items.every((item) => plainNumber.test(item))) {
    return [
      opening,
      ...items.map((item, i) => `${indent}${item}${i < items.length - 1 ? ',' : ''}`),
      `${indent.slice(2)}]${after}`,
    ];
  }
  const filled: string[] = [];
  let current = '';
  for (const item of items) {
    const next = current ? `${current}, ${item}` : `${indent}${item}`;
    if (current && next.length + 1 > lineWidth) {
      filled.push(`${current},`);
      current = `${indent}${item}`;
    } else {
      current = next;
    }
  }
  return [opening, ...filled, current, `${indent.slice(2)}]${after}`];
}
