// The board: the queue (counts, filters, open escalations soonest due first, CSV), one escalation
// in full with its actions, and the charts. Everything shown comes from the board's JSON routes,
// which answer only what the person may see.
import { targetLabels } from '../domain/vocabulary';
import { ApiError, type BoardApi, type BoardView, type Me, type Queue, queuePage, queueQuery } from './api';
import { openDetail } from './detail';
import { h, replaceChildren } from './dom';
import { type FilterName, filterBar, filtersFor, showFilter } from './filters';
import { drawCounts, drawRows, queueSummary, queueTable } from './queue';

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

/**
 * Draws the board in `root` and loads its queue at once, while who is looking (`me`) is still
 * being asked; `shown` settles when the first queue is on screen.
 */
export function startBoard(
  root: HTMLElement,
  board: Omit<BoardContext, 'me'> & { me: Promise<Me>; first?: Promise<Queue> },
): { me: Promise<Me>; shown: Promise<void> } {
  const filters = filtersFor(board.view);
  /** The queue shows the soonest due first, a page at a time ("Show more" adds one). */
  let shown = queuePage;
  const query = () => queueQuery(board.view, { ...filters }, shown);
  /** The first queue, asked for before the page's components loaded (main.ts), if it was. */
  let first = board.first;

  const counts = h('section', { class: 'counts', 'aria-label': 'Counts of what matches' });
  const { table, rows } = queueTable();
  const status = h('p', { class: 'queue-status', role: 'status', 'aria-live': 'polite' });
  const showMore = () => {
    shown = Math.min(shown + queuePage, mostShown);
    void load();
  };
  const more = h(
    'fluent-button',
    { id: 'show-more', appearance: 'outline', hidden: true, onclick: showMore },
    'Show more',
  );
  const filtering = filterBar(filters, setFilter, () => void downloadCsv(board.api, query(), status));
  const queueView = h('section', { id: 'queue-view', 'aria-label': 'Queue' }, counts, filtering, status, table, more);
  const chartsView = h('section', { id: 'charts-view', 'aria-label': 'Charts', hidden: true });
  const charts = async () => (await import('./charts')).renderCharts(chartsView, board.api, filters.target);
  replaceChildren(root, scopeLine(board), viewTabs(queueView, chartsView, charts), queueView, chartsView);

  let asked = 0;
  async function load(): Promise<void> {
    const mine = ++asked;
    root.setAttribute('aria-busy', 'true');
    try {
      const request = first ?? board.api.board(query());
      first = undefined;
      const queue = await request;
      if (mine !== asked) return;
      drawQueue(queue);
      // When the board first shows its queue: what `npm run bench` measures as first render.
      if (performance.getEntriesByName('board-rendered').length === 0) performance.mark('board-rendered');
    } catch (error) {
      if (mine !== asked) return;
      status.textContent = error instanceof ApiError ? error.message : 'The queue could not be loaded; try again.';
    } finally {
      if (mine === asked) root.setAttribute('aria-busy', 'false');
    }
  }

  function drawQueue(queue: Queue): void {
    drawCounts(counts, queue, filters.sla, (sla) => setFilter('sla', filters.sla === sla ? '' : sla));
    drawRows(rows, queue.items, (id) => void open(id));
    status.textContent = queueSummary(queue);
    more.hidden = queue.total <= queue.items.length || shown >= mostShown;
  }

  function setFilter(name: FilterName, value: string): void {
    filters[name] = value;
    shown = queuePage;
    showFilter(name, value);
    void load();
  }

  async function open(id: string): Promise<void> {
    await openDetail({ ...board, me: await board.me }, id, () => void load());
  }

  return { me: board.me, shown: load() };
}

/** Whose escalations the board shows, when not everyone's it may see: a tier's, or the person's own. */
function scopeLine(board: { view: BoardView; channel?: string }): HTMLElement | null {
  const { tier, mine } = board.view;
  if (tier) {
    return h('p', { class: 'scope' }, `${targetLabels[tier]} escalations${board.channel ? ` (${board.channel})` : ''}`);
  }
  return mine ? h('p', { class: 'scope' }, 'What you raised or own') : null;
}

/** The tabs between the queue and the charts; the charts are drawn each time they are shown. */
function viewTabs(queueView: HTMLElement, chartsView: HTMLElement, drawCharts: () => Promise<void>): HTMLElement {
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
  return tabs;
}

/** Downloads the CSV of what is filtered, and says so (or why not) in `status`. */
async function downloadCsv(api: BoardApi, query: URLSearchParams, status: HTMLElement): Promise<void> {
  try {
    const url = URL.createObjectURL(await api.csv(query));
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
