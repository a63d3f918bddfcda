// One escalation in full, in a dialog over the board: the brief in its sections, the SLA clocks,
// linked escalations, the timeline, a link to its card's thread in Teams, and the actions the
// person may take. An action goes to the server as a card's click does; if someone changed the
// escalation meanwhile (409), the dialog shows the current version and says so.
import { type SlaStatus, severityLabels, statusLabels, targetLabels } from '../domain/vocabulary';
import { ApiError, type Detail } from './api';
import { severityBadge, slaBadge } from './badges';
import type { BoardContext } from './board';
import { h, replaceChildren, when } from './dom';

const clockNames: Record<string, string> = {
  acknowledge: 'Acknowledge',
  customerUpdate: 'Customer update',
  resolve: 'Resolve',
  deadline: 'What’s needed',
};

/** The statuses "progress" moves to from the board (resolving asks for how; see below). */
const workingStatuses = ['acknowledged', 'investigating', 'waiting_on_customer', 'fix_in_progress'] as const;

let dialog: HTMLDialogElement | undefined;

function theDialog(): HTMLDialogElement {
  if (!dialog) {
    dialog = h('dialog', { id: 'detail', class: 'detail', 'aria-labelledby': 'detail-title' });
    document.body.append(dialog);
  }
  return dialog;
}

function section(title: string, ...content: (Node | string | null | false)[]): HTMLElement {
  return h('section', { class: 'brief-section' }, h('h3', {}, title), ...content);
}

function facts(pairs: [string, string | number | undefined | null][]): HTMLElement {
  const list = h('dl', { class: 'facts' });
  for (const [term, value] of pairs) {
    if (value === undefined || value === null || value === '') continue;
    list.append(h('dt', {}, term), h('dd', {}, String(value)));
  }
  return list;
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
  const { brief } = detail;
  const message = h('div', { id: 'detail-message', role: 'status', 'aria-live': 'polite' }, said ?? '');

  async function act(verb: string, data: Record<string, string> = {}): Promise<void> {
    message.textContent = 'Saving…';
    try {
      const after = await board.api.act(detail.id, verb, detail.version, data);
      draw(view, board, after, changed, 'Done: every copy of its card is being updated.');
      changed();
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && error.body.current) {
        draw(
          view,
          board,
          error.body.current as Detail,
          changed,
          `Someone changed it meanwhile: ${error.message} This is the current version; try again if it still applies.`,
        );
        changed();
        return;
      }
      message.textContent = error instanceof ApiError ? error.message : 'That did not work; try again.';
    }
  }

  const header = h(
    'header',
    { class: 'detail-header' },
    h('h2', { id: 'detail-title' }, `${detail.id}: ${detail.summary}`),
    h(
      'div',
      { class: 'badges' },
      severityBadge(detail.severity),
      h('fluent-badge', { appearance: 'outline', color: 'brand' }, statusLabels[detail.status]),
      slaBadge(detail.sla.status as SlaStatus, detail.sla.next ?? undefined),
      h(
        'span',
        { class: 'muted' },
        `${targetLabels[detail.target]} · raised by ${detail.requester.name} ${when(detail.createdAt)}`,
      ),
    ),
    h(
      'div',
      { class: 'header-actions' },
      detail.teamsLink
        ? h(
            'fluent-button',
            {
              id: 'open-in-teams',
              appearance: 'subtle',
              onclick: () => void board.openLink(detail.teamsLink ?? ''),
            },
            'Open its thread in Teams',
          )
        : null,
      h('fluent-button', { id: 'close-detail', appearance: 'subtle', onclick: () => view.close() }, 'Close'),
    ),
  );

  replaceChildren(
    view,
    header,
    message,
    actions(board, detail, act),
    section(
      'SLA clocks',
      h(
        'ul',
        { class: 'clocks' },
        ...detail.sla.clocks.map((clock) =>
          h(
            'li',
            {},
            h('strong', {}, clockNames[clock.clock] ?? clock.clock),
            ' ',
            slaBadge(clock.status),
            ' ',
            clock.met ? 'met' : clock.paused ? 'paused (waiting on the customer)' : `due ${when(clock.dueAt)}`,
          ),
        ),
      ),
    ),
    section(
      'Impact',
      facts([
        ['Severity', severityLabels[brief.severity]],
        ['Customers affected', brief.impact.customersAffected],
        ['Customers', brief.impact.customerNames.join(', ')],
        ['Workflow impact', brief.impact.workflowImpact],
        ['Revenue at risk', brief.impact.revenueAtRisk],
      ]),
    ),
    section('Description', h('p', { class: 'prose' }, brief.description)),
    section(
      'Reproduction',
      brief.reproduction.steps.length > 0
        ? h('ol', {}, ...brief.reproduction.steps.map((step) => h('li', {}, step)))
        : null,
      facts([
        ['Expected', brief.reproduction.expected],
        ['Actual', brief.reproduction.actual],
        ['Environment', brief.reproduction.environment],
      ]),
    ),
    section(
      'What has been tried',
      brief.tried.length > 0
        ? h('ul', {}, ...brief.tried.map((t) => h('li', {}, h('strong', {}, t.action), ` — ${t.result}`)))
        : h('p', { class: 'muted' }, 'Nothing recorded.'),
    ),
    section(
      'Customer communication',
      facts([
        ['Last update', when(brief.customerCommunication.lastUpdateDate) || brief.customerCommunication.lastUpdateDate],
        ['What we told them', brief.customerCommunication.lastUpdateSummary],
        ['What they expect', brief.customerCommunication.customerExpectation],
        ['Risk of them escalating', brief.customerCommunication.escalationRisk],
      ]),
    ),
    section(
      'What is needed',
      h('ul', {}, ...brief.needed.asks.map((ask) => h('li', {}, ask))),
      facts([['By', when(brief.needed.deadlineAt)]]),
    ),
    detail.linked.length > 0
      ? section(
          'Linked as the same issue',
          h(
            'ul',
            {},
            ...detail.linked.map((other) =>
              h(
                'li',
                {},
                h(
                  'button',
                  { type: 'button', class: 'link', onclick: () => void openDetail(board, other.id, changed) },
                  other.id,
                ),
                ` ${other.summary} (${statusLabels[other.status]})`,
              ),
            ),
          ),
        )
      : null,
    section(
      'Timeline',
      h(
        'ol',
        { class: 'timeline' },
        ...[...detail.timeline]
          .reverse()
          .map((entry) => h('li', {}, h('time', { datetime: entry.at }, when(entry.at)), ' ', entry.text)),
      ),
    ),
  );
}

/** The actions the person may take now, as the card offers them. */
function actions(
  board: BoardContext,
  detail: Detail,
  act: (verb: string, data?: Record<string, string>) => Promise<void>,
): HTMLElement | null {
  const moves = new Set(detail.moves);
  if (moves.size === 0)
    return h('p', { class: 'muted' }, 'You can follow this escalation; acting on it is for its tier.');
  const mine = detail.owner?.id !== undefined && detail.owner.id === board.me.id;
  const buttons = h('div', { class: 'quick-actions', role: 'group', 'aria-label': 'Actions' });
  if (moves.has('progress') && detail.status === 'new') {
    buttons.append(
      h(
        'fluent-button',
        {
          id: 'acknowledge',
          appearance: 'primary',
          onclick: () => void act('escalation.setStatus', { status: 'acknowledged' }),
        },
        'Acknowledge',
      ),
    );
  }
  if (moves.has('assign') && !mine) {
    buttons.append(
      h(
        'fluent-button',
        {
          id: 'assign-to-me',
          appearance: detail.status === 'new' ? 'outline' : 'primary',
          onclick: () => void act('escalation.assign'),
        },
        detail.owner ? 'Take over' : 'Assign to me',
      ),
    );
  }
  if (moves.has('close')) {
    buttons.append(
      h(
        'fluent-button',
        { id: 'close-escalation', onclick: () => void act('escalation.setStatus', { status: 'closed' }) },
        'Close it',
      ),
    );
  }

  const forms = h('div', { class: 'action-forms' });
  if (moves.has('progress') || moves.has('resolve')) {
    const options = [
      ...(moves.has('progress') ? workingStatuses.filter((s) => s !== detail.status) : []),
      ...(moves.has('resolve') ? (['resolved'] as const) : []),
    ];
    const select = h('select', { id: 'new-status' }, ...options.map((s) => h('option', { value: s }, statusLabels[s])));
    const resolution = h('textarea', { id: 'resolution', rows: 2, maxlength: 1000 });
    const resolutionField = h(
      'div',
      { class: 'field', hidden: select.value !== 'resolved' },
      h('label', { for: 'resolution' }, 'How it was resolved'),
      resolution,
    );
    select.addEventListener('change', () => {
      resolutionField.hidden = select.value !== 'resolved';
    });
    forms.append(
      form(
        'Change status',
        'set-status',
        'Set status',
        () =>
          act('escalation.setStatus', {
            status: select.value,
            ...(select.value === 'resolved' ? { resolution: resolution.value } : {}),
          }),
        h('div', { class: 'field' }, h('label', { for: 'new-status' }, 'Status'), select),
        resolutionField,
      ),
    );
  }
  if (moves.has('reopen')) {
    const reason = h('textarea', { id: 'reopen-reason', rows: 2, maxlength: 500 });
    forms.append(
      form(
        'Reopen',
        'reopen',
        'Reopen',
        () => act('escalation.setStatus', { status: 'investigating', reason: reason.value }),
        h('div', { class: 'field' }, h('label', { for: 'reopen-reason' }, 'Why it is reopened'), reason),
      ),
    );
  }
  if (moves.has('note')) {
    const note = h('textarea', { id: 'note', rows: 2, maxlength: 1000 });
    forms.append(
      form(
        'Add a note',
        'add-note',
        'Add note',
        async () => act('escalation.addNote', { note: note.value }),
        h('div', { class: 'field' }, h('label', { for: 'note' }, 'Note'), note),
      ),
    );
  }
  if (moves.has('customerUpdate')) {
    const told = h('textarea', { id: 'customer-told', rows: 2, maxlength: 1000 });
    const expects = h('input', { id: 'customer-expects', maxlength: 500 });
    const risk = h('input', { id: 'customer-risk', maxlength: 500 });
    forms.append(
      form(
        'Log a customer update',
        'log-customer-update',
        'Log update',
        () =>
          act('escalation.logCustomerUpdate', {
            lastUpdateSummary: told.value,
            customerExpectation: expects.value,
            escalationRisk: risk.value,
          }),
        h('div', { class: 'field' }, h('label', { for: 'customer-told' }, 'What we told the customer'), told),
        h('div', { class: 'field' }, h('label', { for: 'customer-expects' }, 'What they expect, by when'), expects),
        h('div', { class: 'field' }, h('label', { for: 'customer-risk' }, 'Risk of them escalating further'), risk),
      ),
    );
  }
  return h('section', { class: 'actions', 'aria-label': 'Act on it' }, buttons, forms);
}

function form(
  title: string,
  id: string,
  submitLabel: string,
  submit: () => Promise<void>,
  ...fields: HTMLElement[]
): HTMLElement {
  const element = h(
    'form',
    { id: `${id}-form`, 'aria-label': title },
    ...fields,
    h('fluent-button', { id, type: 'submit', appearance: 'outline' }, submitLabel),
  );
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });
  return h('details', { class: 'action-form' }, h('summary', {}, title), element);
}
