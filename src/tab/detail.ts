// One escalation in full, in a dialog over the board: the brief in its sections, the SLA clocks,
// linked escalations, the timeline, the help-desk ticket it came from, a link to its card's
// thread in Teams, the actions the person may take, and who follows it (Follow, Unfollow). An
// action goes to the server as a card's click does; if someone changed the escalation meanwhile
// (409), the dialog shows the current version and says so.
import { teamsMessageLink } from '../domain/savedMessage';
import { clockLabels } from '../domain/sla';
import { statusLabels, targetLabels } from '../domain/vocabulary';
import { type Act, actionsView } from './actions';
import { ApiError, type Detail } from './api';
import { severityBadge, slaBadge } from './badges';
import type { BoardContext } from './board';
import { briefView, section } from './brief';
import { h, replaceChildren, when } from './dom';
import { type Follow, followingView } from './following';
import { ticketLink } from './ticketLink';

let dialog: HTMLDialogElement | undefined;

function theDialog(): HTMLDialogElement {
  if (!dialog) {
    dialog = h('dialog', { id: 'detail', class: 'detail', 'aria-labelledby': 'detail-title' });
    document.body.append(dialog);
  }
  return dialog;
}

export async function openDetail(board: BoardContext, id: string, changed: () => void): Promise<void> {
  const view = theDialog();
  replaceChildren(view, h('p', { class: 'loading' }, `Loading ${id}…`));
  if (!view.open) view.showModal();
  try {
    draw(view, board, await board.api.detail(id), changed);
  } catch (error) {
    replaceChildren(
      view,
      h('p', { role: 'alert' }, error instanceof ApiError ? error.message : 'It could not be loaded; try again.'),
      h('fluent-button', { onclick: () => view.close() }, 'Close'),
    );
  }
}

function draw(view: HTMLDialogElement, board: BoardContext, detail: Detail, changed: () => void, said?: string): void {
  const message = h('div', { id: 'detail-message', role: 'status', 'aria-live': 'polite' }, said ?? '');
  const redraw = (after: Detail, saying: string) => {
    draw(view, board, after, changed, saying);
    changed();
  };
  replaceChildren(
    view,
    header(board, detail, () => view.close()),
    message,
    actionsView(detail.offers, acting(board, detail, message, redraw)),
    followingView(detail.following, following(board, detail, message, redraw)),
    clocksView(detail),
    ...briefView(detail.sections),
    linkedView(board, detail, changed),
    timelineView(detail),
  );
}

/**
 * Acting on it: the escalation after the action is shown; a stale version (someone changed it
 * meanwhile) shows the current one and says so; any other refusal says why.
 */
function acting(
  board: BoardContext,
  detail: Detail,
  message: HTMLElement,
  redraw: (after: Detail, saying: string) => void,
): Act {
  return async (verb, data) => {
    message.textContent = 'Saving…';
    try {
      redraw(
        await board.api.act(detail.id, verb, detail.version, data),
        'Done: every copy of its card is being updated.',
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && error.body.current) {
        const current = error.body.current as Detail;
        redraw(
          current,
          `Someone changed it meanwhile: ${error.message} This is the current version; try again if it still applies.`,
        );
        return;
      }
      message.textContent = error instanceof ApiError ? error.message : 'That did not work; try again.';
    }
  };
}

/** Following it or no longer: the escalation is shown as the person now follows it. */
function following(
  board: BoardContext,
  detail: Detail,
  message: HTMLElement,
  redraw: (after: Detail, saying: string) => void,
): Follow {
  return async (follows) => {
    message.textContent = 'Saving…';
    try {
      const after = await board.api.follow(detail.id, follows);
      redraw(
        after,
        follows ? `You follow ${detail.id}: you will be told of its changes.` : `You no longer follow ${detail.id}.`,
      );
    } catch (error) {
      message.textContent = error instanceof ApiError ? error.message : 'That did not work; try again.';
    }
  };
}

/** Its id and summary, badges for severity, status and SLA, who raised it, and the way out. */
function header(board: BoardContext, detail: Detail, close: () => void): HTMLElement {
  const { teamsLink, swarm } = detail;
  const opening = (id: string, url: string, label: string) =>
    h('fluent-button', { id, appearance: 'subtle', onclick: () => void board.openLink(url) }, label);
  return h(
    'header',
    { class: 'detail-header' },
    h('h2', { id: 'detail-title' }, `${detail.id}: ${detail.summary}`),
    h(
      'div',
      { class: 'badges' },
      severityBadge(detail.severity),
      h('fluent-badge', { appearance: 'outline', color: 'brand' }, statusLabels[detail.status]),
      slaBadge(detail.sla.status, detail.sla.next),
      h(
        'span',
        { class: 'muted' },
        `${targetLabels[detail.target]} · raised by ${detail.requester.name} ${when(detail.createdAt)}`,
      ),
      detail.ticket ? h('span', { class: 'muted', id: 'detail-ticket' }, 'Ticket ', ticketLink(detail.ticket)) : null,
    ),
    h(
      'div',
      { class: 'header-actions' },
      teamsLink ? opening('open-in-teams', teamsLink, 'Open its thread in Teams') : null,
      // Teams opens the chat and the meeting as drafts with its requester and owner.
      swarm ? opening('swarm', swarm.chat, 'Swarm') : null,
      swarm ? opening('meet-now', swarm.meeting, 'Meet now') : null,
      h('fluent-button', { id: 'close-detail', appearance: 'subtle', onclick: close }, 'Close'),
    ),
  );
}

function clocksView(detail: Detail): HTMLElement {
  const state = (clock: Detail['sla']['clocks'][number]) =>
    clock.met ? 'met' : clock.paused ? 'paused (waiting on the customer)' : `due ${when(clock.dueAt)}`;
  return section(
    'SLA clocks',
    h(
      'ul',
      { class: 'clocks' },
      ...detail.sla.clocks.map((clock) =>
        h('li', {}, h('strong', {}, clockLabels[clock.clock].title), ' ', slaBadge(clock.status), ' ', state(clock)),
      ),
    ),
  );
}

/** Escalations linked to it as the same issue, each opening in this dialog. */
function linkedView(board: BoardContext, detail: Detail, changed: () => void): HTMLElement | null {
  if (detail.linked.length === 0) return null;
  const open = (id: string) => () => void openDetail(board, id, changed);
  return section(
    'Linked as the same issue',
    h(
      'ul',
      {},
      ...detail.linked.map((other) =>
        h(
          'li',
          {},
          h('button', { type: 'button', class: 'link', onclick: open(other.id) }, other.id),
          ` ${other.summary} (${statusLabels[other.status]})`,
        ),
      ),
    ),
  );
}

/** What happened to it, newest first; a message saved from Teams links to it there. */
function timelineView(detail: Detail): HTMLElement {
  const entries = [...detail.timeline].reverse();
  return section(
    'Timeline',
    h(
      'ol',
      { class: 'timeline' },
      ...entries.map((entry) =>
        h('li', {}, h('time', { datetime: entry.at }, when(entry.at)), ' ', entry.text, ...messageLink(entry.link)),
      ),
    ),
  );
}

/** Only Teams' own https links become one (checked when saved, and again here), in a tab of their own. */
function messageLink(link: string | undefined): (HTMLElement | string)[] {
  const href = teamsMessageLink(link);
  if (!href) return [];
  return [
    ' ',
    h('a', { class: 'saved-message', href, target: '_blank', rel: 'noopener noreferrer' }, 'open the message'),
  ];
}
