// Building the page's DOM from data: text is always set as text, never parsed as HTML, so nothing
// a person wrote in a brief can become markup or a script on the board.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

/** An element with attributes (on* keys are listeners; false/null/undefined are left out) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes?: Attributes,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function h(tag: string, attributes?: Attributes, ...children: Child[]): HTMLElement;
export function h(tag: string, attributes: Attributes = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

const dayParts = { weekday: 'short', day: 'numeric', month: 'short' } as const;

/** A moment in the reader's own zone and language, e.g. "Fri 4 Dec, 23:22". */
export function when(iso: string | null | undefined): string {
  return shown(iso, { ...dayParts, hour: '2-digit', minute: '2-digit' });
}

/** Its day only, e.g. "Fri 4 Dec": a moment given without a time. */
export function day(iso: string | null | undefined): string {
  return shown(iso, dayParts);
}

function shown(iso: string | null | undefined, parts: Intl.DateTimeFormatOptions): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, parts);
}

/** Minutes as people say them: "45 min", "3.5 h", "2.1 d". */
export function span(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '–';
  if (minutes < 90) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${(minutes / 60).toFixed(1)} h`;
  return `${(minutes / 1440).toFixed(1)} d`;
}
