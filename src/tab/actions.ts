// The actions a person may take on an escalation from the board: the buttons and forms its card
// offers them (domain/offers.ts), each sending one verb of the verb table (domain/verbs.ts) with
// the inputs that verb reads, capped as the server caps them.
import { caps, moveCaps } from '../domain/caps';
import { reopenedAs } from '../domain/lifecycle';
import type { Offers } from '../domain/offers';
import { verbs } from '../domain/verbs';
import { type Status, statusLabels } from '../domain/vocabulary';
import type { BoardVerb, VerbData } from './api';
import { h } from './dom';

/** Sends one verb with its data; the detail shows what came of it. */
export type Act = <V extends BoardVerb>(verb: V, data?: VerbData<V>) => Promise<void>;

/** What a person who may act on nothing here is told. */
const onlyFollowing = 'You can follow this escalation; acting on it is for its tier.';

export function actionsView(offers: Offers | null, act: Act): HTMLElement {
  const buttons = offers ? quickButtons(offers, act) : [];
  const forms = offers ? actionForms(offers, act) : [];
  if (buttons.length === 0 && forms.length === 0) return h('p', { class: 'muted' }, onlyFollowing);
  return h(
    'section',
    { class: 'actions', 'aria-label': 'Act on it' },
    buttons.length > 0
      ? h('div', { class: 'quick-actions', role: 'group', 'aria-label': 'Actions' }, ...buttons)
      : null,
    forms.length > 0 ? h('div', { class: 'action-forms' }, ...forms) : null,
  );
}

const toStatus = (act: Act, status: Status, more: VerbData<typeof verbs.setStatus> = {}) =>
  act(verbs.setStatus, { ...more, status });

/** One click each: Acknowledge, Assign to me (or Take over), Waiting on customer, Close. */
function quickButtons(offers: Offers, act: Act): HTMLElement[] {
  const button = (id: string, label: string, send: () => Promise<void>, appearance?: string) =>
    h('fluent-button', { id, appearance, onclick: () => void send() }, label);
  const buttons = [
    offers.acknowledge && button('acknowledge', 'Acknowledge', () => toStatus(act, 'acknowledged'), 'primary'),
    offers.assignToMe &&
      button('assign-to-me', offers.assignToMe, () => act(verbs.assign), offers.acknowledge ? 'outline' : 'primary'),
    offers.waitingOnCustomer &&
      button('waiting-on-customer', statusLabels.waiting_on_customer, () => toStatus(act, 'waiting_on_customer')),
    offers.close && button('close-escalation', 'Close', () => toStatus(act, 'closed')),
  ];
  return buttons.filter((drawn): drawn is HTMLElement => drawn !== false && drawn !== '');
}

/** A text a form sends: its element, the label people read, and the most it may hold. */
interface TextInput {
  id: string;
  label: string;
  max: number;
  /** Several lines (a textarea). */
  long?: boolean;
}

function textField(input: TextInput): { field: HTMLElement; value: () => string } {
  const control = input.long
    ? h('textarea', { id: input.id, rows: 2, maxlength: input.max })
    : h('input', { id: input.id, maxlength: input.max });
  const field = h('div', { class: 'field' }, h('label', { for: input.id }, input.label), control);
  return { field, value: () => control.value };
}

/** Forms to fill in first: Change status, Resolve, Reopen, Add a note, Log a customer update. */
function actionForms(offers: Offers, act: Act): HTMLElement[] {
  const forms = [
    offers.statusChoices.length > 0 && changeStatusForm(offers.statusChoices, act),
    offers.resolveNow && resolveForm(act),
    offers.reopen && reopenForm(act),
    offers.note && noteForm(act),
    offers.customerUpdate && customerUpdateForm(act),
  ];
  return forms.filter((drawn): drawn is HTMLElement => drawn !== false);
}

/** Change status, to one of the choices offered; resolving says how. */
function changeStatusForm(choices: Status[], act: Act): HTMLElement {
  const select = h('select', { id: 'new-status' }, ...choices.map((s) => h('option', { value: s }, statusLabels[s])));
  const resolution = textField({
    id: 'resolution',
    label: 'How it was resolved',
    max: moveCaps.resolution,
    long: true,
  });
  const resolving = () => select.value === 'resolved';
  resolution.field.hidden = !resolving();
  select.addEventListener('change', () => {
    resolution.field.hidden = !resolving();
  });
  const status = h('div', { class: 'field' }, h('label', { for: 'new-status' }, 'Status'), select);
  return actionForm(verbs.setStatus.label, 'set-status', 'Set status', [status, resolution.field], () =>
    toStatus(act, select.value as Status, resolving() ? { resolution: resolution.value() } : {}),
  );
}

/** The owner resolves it at once, saying how. */
function resolveForm(act: Act): HTMLElement {
  const how = textField({ id: 'resolve-how', label: 'How it was resolved', max: moveCaps.resolution, long: true });
  return actionForm('Resolve', 'resolve', 'Resolve', [how.field], () =>
    toStatus(act, 'resolved', { resolution: how.value() }),
  );
}

function reopenForm(act: Act): HTMLElement {
  const why = textField({ id: 'reopen-reason', label: 'Why it is reopened', max: moveCaps.reason, long: true });
  return actionForm('Reopen', 'reopen', 'Reopen', [why.field], () =>
    toStatus(act, reopenedAs, { reason: why.value() }),
  );
}

function noteForm(act: Act): HTMLElement {
  const note = textField({ id: 'note', label: 'Note', max: moveCaps.note, long: true });
  return actionForm(verbs.addNote.label, 'add-note', 'Add note', [note.field], () =>
    act(verbs.addNote, { note: note.value() }),
  );
}

function customerUpdateForm(act: Act): HTMLElement {
  const told = textField({ id: 'customer-told', label: 'What we told the customer', max: caps.longText, long: true });
  const expects = textField({ id: 'customer-expects', label: 'What they expect, by when', max: caps.text });
  const risk = textField({ id: 'customer-risk', label: 'Risk of them escalating further', max: caps.text });
  const fields = [told.field, expects.field, risk.field];
  return actionForm(verbs.logCustomerUpdate.label, 'log-customer-update', 'Log update', fields, () =>
    act(verbs.logCustomerUpdate, {
      lastUpdateSummary: told.value(),
      customerExpectation: expects.value(),
      escalationRisk: risk.value(),
    }),
  );
}

/** A form behind its title (opened on asking), sent by its button `id`. */
function actionForm(
  title: string,
  id: string,
  submitLabel: string,
  fields: HTMLElement[],
  submit: () => Promise<void>,
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
