// The brief on the board, drawn from its sections (domain/briefSections.ts): the headings, facts,
// lists and "none given" the card, the email and the text brief show, laid out for a page.
import { type BriefLine, type BriefSection, type FactLine, type ListLine, noneGiven } from '../domain/briefSections';
import { day, h, when } from './dom';

/** A titled part of the escalation's detail. */
export function section(title: string, ...content: (Node | string | null | false)[]): HTMLElement {
  return h('section', { class: 'brief-section' }, h('h3', {}, title), ...content);
}

export function briefView(sections: BriefSection[]): HTMLElement[] {
  return sections.map((part) =>
    section(part.heading, ...(part.given ? linesView(part.lines) : [h('p', { class: 'muted' }, noneGiven)])),
  );
}

/** Its lines in order; facts that follow one another make one definition list. */
function linesView(lines: BriefLine[]): HTMLElement[] {
  const drawn: HTMLElement[] = [];
  let facts: HTMLElement | undefined;
  for (const line of lines) {
    if (line.kind !== 'fact') {
      facts = undefined;
      drawn.push(line.kind === 'list' ? listView(line) : h('p', { class: 'prose' }, line.text));
      continue;
    }
    if (!facts) {
      facts = h('dl', { class: 'facts' });
      drawn.push(facts);
    }
    facts.append(h('dt', {}, line.label), h('dd', {}, factShown(line)));
  }
  return drawn;
}

function listView(list: ListLine): HTMLElement {
  if (list.items.length === 0) return h('p', { class: 'muted' }, noneGiven);
  return h(list.numbered ? 'ol' : 'ul', {}, ...list.items.map((item) => h('li', {}, item)));
}

/** A fact's value; a moment in the reader's own zone. */
function factShown(fact: FactLine): string {
  if (fact.moment) return fact.moment.dateOnly ? day(fact.moment.at) : when(fact.moment.at);
  return fact.value ?? noneGiven;
}
