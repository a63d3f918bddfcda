// The board: the queue (counts, filters, open escalations soonest due first, CSV), one escalation
// in full with its actions, and the charts. Everything shown comes from the board's JSON routes,
// which answer only what the person may see.
import {
  type SlaStatus,
  type Status,
  severities,
  severityLabels,
  slaStatuses,
  slaStatusLabels,
  statuses,
  statusLabels,
  targetLabels,
  targets,
} from '../domain/vocabulary';
import {
  ApiError,
  type BoardApi,
  type BoardView,
  type Me,
  type Queue,
  type QueueItem,
  queuePage,
  queueQuery,
} from './api';
import { rowBadge } from './badges';
import { openDetail } from './detail';
import { h, replaceChildren, when } from './dom';

/** The most rows the queue shows (the API's limit). */
const mostShown = 500;

export interface BoardContext {
  api: BoardApi;
  me: Me;
  view: BoardView;
  /** Opens a Teams link (a card's thread): in Teams itself when the board is in Teams. */
  openLink: (url: string) => Promise<void>;
  channel?: string;
}

interface Filters {
  target: string;
  severity: string;
  status: string;
  owner: string;
  sla: string;
  q: string;
}

function choice(id: string, label: string, options: [string, string][], value: string): HTMLElement {
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
 * Draws the board in `root` and loads its queue at once, while who is looking (`me`) is still
 * being asked; `shown` settles when the first queue is on screen.
 */
export function startBoard(
  root: HTMLElement,
  start: Omit<BoardContext, 'me'> & { me: Promise<Me>; first?: Promise<Queue> },
): { me: Promise<Me>; shown: Promise<void> } {
  const board = start;
  const filters: Filters = {
    target: board.view.tier ?? '',
    severity: '',
    status: '',
    owner: '',
    sla: '',
    q: '',
  };
  /** The queue shows the soonest due first, a page at a time ("Show more" adds one). */
  let shown = queuePage;
  const query = () => queueQuery(board.view, { ...filters }, shown);
  /** The first queue, asked for before the page's components loaded (main.ts), if it was. */
  let first = start.first;

  const counts = h('section', { class: 'counts', 'aria-label': 'Counts of what matches' });
  const rows = h('tbody');
  const caption = h('caption', { class: 'visually-hidden' }, 'Open escalations, soonest due first');
  const table = h(
    'table',
    { class: 'queue', id: 'queue' },
    caption,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Escalation', 'Summary', 'Tier', 'Severity', 'Status', 'Owner', 'SLA', 'Next due'].map((name) =>
          h('th', { scope: 'col' }, name),
        ),
      ),
    ),
    rows,
  );
  const status = h('p', { class: 'queue-status', role: 'status', 'aria-live': 'polite' });
  const search = h('input', {
    id: 'search',
    type: 'search',
    placeholder: 'Words in the summary',
    maxlength: 200,
    autocomplete: 'off',
  });
  const filterBar = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter the queue', onsubmit: (e: Event) => e.preventDefault() },
    choice(
      'target',
      'Tier',
      [['', 'All tiers'], ...targets.map((t): [string, string] => [t, targetLabels[t]])],
      filters.target,
    ),
    choice(
      'severity',
      'Severity',
      [['', 'Any'], ...severities.map((s): [string, string] => [s, severityLabels[s]])],
      '',
    ),
    choice(
      'status',
      'Status',
      [['', 'Open (any)'], ...statuses.map((s): [string, string] => [s, statusLabels[s]])],
      '',
    ),
    choice(
      'owner',
      'Owner',
      [
        ['', 'Anyone'],
        ['me', 'Me'],
        ['none', 'Nobody yet'],
      ],
      '',
    ),
    choice('sla', 'SLA', [['', 'Any'], ...slaStatuses.map((s): [string, string] => [s, slaStatusLabels[s]])], ''),
    h('div', { class: 'field grow' }, h('label', { for: 'search' }, 'Search'), search),
    h(
      'fluent-button',
      { id: 'download-csv', appearance: 'outline', type: 'button', onclick: () => void downloadCsv() },
      'Download CSV',
    ),
  );

  const more = h(
    'fluent-button',
    {
      id: 'show-more',
      appearance: 'outline',
      hidden: true,
      onclick: () => {
        shown = Math.min(shown + queuePage, mostShown);
        void load();
      },
    },
    'Show more',
  );
  const queueView = h('section', { id: 'queue-view', 'aria-label': 'Queue' }, counts, filterBar, status, table, more);
  const chartsView = h('section', { id: 'charts-view', 'aria-label': 'Charts', hidden: true });
  const tabs = h(
    'fluent-tablist',
    { id: 'views', 'aria-label': 'Board views', activeid: 'tab-queue' },
    h('fluent-tab', { id: 'tab-queue' }, 'Queue'),
    h('fluent-tab', { id: 'tab-charts' }, 'Charts'),
  );
  tabs.addEventListener('change', () => {
    const charts = (tabs as HTMLElement & { activeid?: string }).activeid === 'tab-charts';
    queueView.hidden = charts;
    chartsView.hidden = !charts;
    if (charts) void drawCharts();
  });
  const scope = board.view.tier
    ? h(
        'p',
        { class: 'scope' },
        `${targetLabels[board.view.tier]} escalations${board.channel ? ` (${board.channel})` : ''}`,
      )
    : board.view.mine
      ? h('p', { class: 'scope' }, 'What you raised or own')
      : null;
  replaceChildren(root, scope, tabs, queueView, chartsView);

  let asked = 0;
  async function load(): Promise<void> {
    const mine = ++asked;
    root.setAttribute('aria-busy', 'true');
    try {
      const request = first ?? board.api.board(query());
      first = undefined;
      const queue = await request;
      if (mine !== asked) return;
      drawCounts(queue);
      drawRows(queue);
      // When the board first shows its queue: what `npm run bench` measures as first render.
      if (performance.getEntriesByName('board-rendered').length === 0) performance.mark('board-rendered');
    } catch (error) {
      if (mine !== asked) return;
      status.textContent = error instanceof ApiError ? error.message : 'The queue could not be loaded; try again.';
    } finally {
      if (mine === asked) root.setAttribute('aria-busy', 'false');
    }
  }

  function drawCounts(queue: Queue): void {
    const slaButton = (sla: SlaStatus) =>
      h(
        'button',
        {
          type: 'button',
          class: `count count-${sla}`,
          'aria-pressed': filters.sla === sla ? 'true' : 'false',
          onclick: () => setFilter('sla', filters.sla === sla ? '' : sla),
        },
        h('span', { class: 'number' }, queue.bySla[sla] ?? 0),
        h('span', { class: 'label' }, slaStatusLabels[sla]),
      );
    replaceChildren(
      counts,
      h(
        'div',
        { class: 'count total' },
        h('span', { class: 'number' }, queue.total),
        h('span', { class: 'label' }, 'Open'),
      ),
      ...(['breached', 'at_risk', 'within'] as const).map(slaButton),
      h(
        'p',
        { class: 'by-tier' },
        targets
          .filter((t) => queue.byTier[t])
          .map((t) => `${targetLabels[t]} ${queue.byTier[t]}`)
          .join(' · ') || 'Nothing open matches',
      ),
    );
  }

  function drawRows(queue: Queue): void {
    replaceChildren(rows, ...queue.items.map(row));
    status.textContent =
      queue.items.length === 0
        ? 'Nothing matches: change a filter or the search.'
        : queue.total > queue.items.length
          ? `Showing the ${queue.items.length} due soonest of ${queue.total}.`
          : `${queue.total} ${queue.total === 1 ? 'escalation' : 'escalations'}.`;
    more.hidden = queue.total <= queue.items.length || shown >= mostShown;
  }

  function row(item: QueueItem): HTMLElement {
    return h(
      'tr',
      { 'data-id': item.id },
      h(
        'td',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            'aria-label': `Open ${item.id}: ${item.summary}`,
            onclick: () => void show(item.id),
          },
          item.id,
        ),
      ),
      h('td', { class: 'summary' }, item.summary),
      h('td', {}, targetLabels[item.target]),
      h('td', {}, rowBadge('severity', item.severity)),
      h('td', {}, statusLabels[item.status as Status]),
      h('td', {}, item.owner?.name ?? h('span', { class: 'muted' }, 'Nobody yet')),
      h(
        'td',
        {},
        rowBadge('sla', item.sla.status),
        item.sla.next ? h('div', { class: 'muted small' }, item.sla.next) : null,
      ),
      h('td', {}, when(item.sla.dueAt)),
    );
  }

  function setFilter(name: keyof Filters, value: string): void {
    filters[name] = value;
    shown = queuePage;
    const control = document.getElementById(name === 'q' ? 'search' : name) as
      | HTMLInputElement
      | HTMLSelectElement
      | null;
    if (control && control.value !== value) control.value = value;
    void load();
  }

  filterBar.addEventListener('change', (event) => {
    const target = event.target as HTMLSelectElement;
    if (target.tagName === 'SELECT' && target.id in filters) setFilter(target.id as keyof Filters, target.value);
  });
  let typing: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => setFilter('q', search.value.trim()), 250);
  });

  async function downloadCsv(): Promise<void> {
    try {
      const blob = await board.api.csv(query());
      const url = URL.createObjectURL(blob);
      const link = h('a', { href: url, download: `escalations-${new Date().toISOString().slice(0, 10)}.csv` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      status.textContent = 'The CSV of what is filtered is downloaded.';
    } catch (error) {
      status.textContent = error instanceof ApiError ? error.message : 'The CSV could not be made; try again.';
    }
  }

  async function show(id: string): Promise<void> {
    await openDetail({ ...board, me: await board.me }, id, () => void load());
  }

  async function drawCharts(): Promise<void> {
    const { renderCharts } = await import('./charts');
    await renderCharts(chartsView, board.api, filters.target);
  }

  return { me: board.me, shown: load() };
}
