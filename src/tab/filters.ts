// The queue's filters, as the filter bar shows them and the queue asks for them (api.ts
// queueQuery): tier, severity, status, owner, SLA, and words in the summary.
import {
  severities,
  severityLabels,
  slaStatuses,
  slaStatusLabels,
  statuses,
  statusLabels,
  targetLabels,
  targets,
} from '../domain/vocabulary';
import type { BoardView } from './api';
import { h } from './dom';

export interface Filters {
  target: string;
  severity: string;
  status: string;
  owner: string;
  sla: string;
  /** Words in the summary. */
  q: string;
}

export type FilterName = keyof Filters;

/** Nothing filtered, but the channel tab's tier. */
export function filtersFor(view: BoardView): Filters {
  return { target: view.tier ?? '', severity: '', status: '', owner: '', sla: '', q: '' };
}

type Options = [value: string, text: string][];

const labelled = <T extends string>(values: readonly T[], labels: Record<T, string>): Options =>
  values.map((value) => [value, labels[value]]);

/** The filters chosen from a list, with what choosing none means. */
const choices: [FilterName, string, Options][] = [
  ['target', 'Tier', [['', 'All tiers'], ...labelled(targets, targetLabels)]],
  ['severity', 'Severity', [['', 'Any'], ...labelled(severities, severityLabels)]],
  ['status', 'Status', [['', 'Open (any)'], ...labelled(statuses, statusLabels)]],
  [
    'owner',
    'Owner',
    [
      ['', 'Anyone'],
      ['me', 'Me'],
      ['none', 'Nobody yet'],
    ],
  ],
  ['sla', 'SLA', [['', 'Any'], ...labelled(slaStatuses, slaStatusLabels)]],
];

function choice(id: FilterName, label: string, options: Options, value: string): HTMLElement {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h(
      'select',
      { id, name: id },
      ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
    ),
  );
}

/**
 * The filter bar: a list for each filter, the search (taken a moment after typing stops) and
 * "Download CSV" of what is filtered.
 */
export function filterBar(
  filters: Filters,
  setFilter: (name: FilterName, value: string) => void,
  downloadCsv: () => void,
): HTMLElement {
  const search = h('input', {
    id: 'search',
    type: 'search',
    placeholder: 'Words in the summary',
    maxlength: 200,
    autocomplete: 'off',
  });
  let typing: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => setFilter('q', search.value.trim()), 250);
  });
  const bar = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter the queue', onsubmit: (e: Event) => e.preventDefault() },
    ...choices.map(([name, label, options]) => choice(name, label, options, filters[name])),
    h('div', { class: 'field grow' }, h('label', { for: 'search' }, 'Search'), search),
    h(
      'fluent-button',
      { id: 'download-csv', appearance: 'outline', type: 'button', onclick: downloadCsv },
      'Download CSV',
    ),
  );
  bar.addEventListener('change', (event) => {
    const control = event.target as HTMLSelectElement;
    if (control.tagName === 'SELECT' && control.id in filters) setFilter(control.id as FilterName, control.value);
  });
  return bar;
}

/** Shows a filter's value in its control, when it was set from elsewhere (an SLA count). */
export function showFilter(name: FilterName, value: string): void {
  const control = document.getElementById(name === 'q' ? 'search' : name) as
    | HTMLInputElement
    | HTMLSelectElement
    | null;
  if (control && control.value !== value) control.value = value;
}
