// The queue: open escalations soonest due first, a row each, and the counts above it (open, by SLA
// state, which are filters too, and by tier).
import {
  type SlaStatus,
  slaStatuses,
  slaStatusLabels,
  statusLabels,
  targetLabels,
  targets,
} from '../domain/vocabulary';
import type { Queue, QueueItem } from './api';
import { rowBadge } from './badges';
import { h, replaceChildren, when } from './dom';
import { ticketLink } from './ticketLink';

// Ticket comes last, so the columns people already know keep their places.
const columns = ['Escalation', 'Summary', 'Tier', 'Severity', 'Status', 'Owner', 'SLA', 'Next due', 'Ticket'];

/** The queue's table; its rows are drawn into `rows`. */
export function queueTable(): { table: HTMLElement; rows: HTMLElement } {
  const rows = h('tbody');
  const table = h(
    'table',
    { class: 'queue', id: 'queue' },
    h('caption', { class: 'visually-hidden' }, 'Open escalations, soonest due first'),
    h('thead', {}, h('tr', {}, ...columns.map((name) => h('th', { scope: 'col' }, name)))),
    rows,
  );
  return { table, rows };
}

export function drawRows(rows: HTMLElement, items: QueueItem[], open: (id: string) => void): void {
  replaceChildren(rows, ...items.map((item) => row(item, open)));
}

function row(item: QueueItem, open: (id: string) => void): HTMLElement {
  const opener = h(
    'button',
    { type: 'button', class: 'link', 'aria-label': `Open ${item.id}: ${item.summary}`, onclick: () => open(item.id) },
    item.id,
  );
  return h(
    'tr',
    { 'data-id': item.id },
    h('td', {}, opener),
    h('td', { class: 'summary' }, item.summary),
    h('td', {}, targetLabels[item.target]),
    h('td', {}, rowBadge('severity', item.severity)),
    h('td', {}, statusLabels[item.status]),
    h('td', {}, item.owner?.name ?? h('span', { class: 'muted' }, 'Nobody yet')),
    h(
      'td',
      {},
      rowBadge('sla', item.sla.status),
      item.sla.next ? h('div', { class: 'muted small' }, item.sla.next) : null,
    ),
    h('td', {}, when(item.sla.dueAt)),
    h('td', {}, item.ticket ? ticketLink(item.ticket) : null),
  );
}

/** What the line above the queue says of what it shows. */
export function queueSummary(queue: Queue): string {
  if (queue.items.length === 0) return 'Nothing matches: change a filter or the search.';
  if (queue.total > queue.items.length) return `Showing the ${queue.items.length} due soonest of ${queue.total}.`;
  return `${queue.total} ${queue.total === 1 ? 'escalation' : 'escalations'}.`;
}

/**
 * The counts of what matches: open, then by SLA state, worst first (each a filter: pressed, it
 * shows only those), then by tier.
 */
export function drawCounts(counts: HTMLElement, queue: Queue, pressed: string, press: (sla: SlaStatus) => void): void {
  const slaCount = (sla: SlaStatus) =>
    h(
      'button',
      {
        type: 'button',
        class: `count count-${sla}`,
        'aria-pressed': pressed === sla ? 'true' : 'false',
        onclick: () => press(sla),
      },
      h('span', { class: 'number' }, queue.bySla[sla] ?? 0),
      h('span', { class: 'label' }, slaStatusLabels[sla]),
    );
  const byTier = targets.filter((t) => queue.byTier[t]).map((t) => `${targetLabels[t]} ${queue.byTier[t]}`);
  replaceChildren(
    counts,
    h(
      'div',
      { class: 'count total' },
      h('span', { class: 'number' }, queue.total),
      h('span', { class: 'label' }, 'Open'),
    ),
    ...[...slaStatuses].reverse().map(slaCount),
    h('p', { class: 'by-tier' }, byTier.join(' · ') || 'Nothing open matches'),
  );
}
