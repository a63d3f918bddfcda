// The card templates (cards/*.json) are written in the Adaptive Card Templating language and
// compiled once (src/teams/cards/template.ts) instead of being re-read by adaptivecards-templating
// at every draw. The compiled cards must be exactly what adaptivecards-templating makes of the same
// template and model: every card, in every state people meet it in.
import assert from 'node:assert/strict';
import * as ACData from 'adaptivecards-templating';
import briefTemplate from '../../cards/escalation-brief.json';
import confirmationTemplate from '../../cards/escalation-confirmation.json';
import formTemplate from '../../cards/escalation-form.json';
import hiddenTemplate from '../../cards/escalation-hidden.json';
import saveTemplate from '../../cards/save-to-escalation.json';
import type { Role } from '../../src/domain/access';
import { parseBrief } from '../../src/domain/brief';
import type { Escalation, TimelineEntry } from '../../src/domain/escalation';
import { slaState } from '../../src/domain/sla';
import { defaultSlaPolicy } from '../../src/domain/slaPolicy';
import { triage } from '../../src/domain/triage';
import type { Status } from '../../src/domain/vocabulary';
import { type BriefCardInput, briefCardModel } from '../../src/teams/cards/briefCard';
import { confirmationCardModel } from '../../src/teams/cards/confirmationCard';
import { formCardModel } from '../../src/teams/cards/formCard';
import { expand, userTextSafe } from '../../src/teams/cards/render';
import { saveCardModel } from '../../src/teams/cards/saveCard';
import { compileTemplate } from '../../src/teams/cards/template';
import { fullForm, minimalForm } from '../support/briefs';

const now = new Date('2026-11-28T10:05:00Z');
const briefUrl = 'https://escalations.contoso.example/api/escalations/ESC-1/brief.txt?for=a&exp=1&sig=x';

function escalation(form: object, status: Status, owned: boolean): Escalation {
  const parsed = parseBrief(form);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return {
    id: 'ESC-7',
    brief: parsed.value,
    status,
    ...(owned ? { owner: { id: 'aad-eli', name: 'Eli Engineer', teamsId: '29:eli' } } : {}),
    requester: { id: 'aad-dana', name: 'Dana [Agent](javascript:x) <at>', teamsId: '29:dana' },
    version: 4,
    createdAt: '2026-11-28T09:00:00.000Z',
    updatedAt: '2026-11-28T10:00:00.000Z',
  };
}

const timeline: TimelineEntry[] = [
  {
    escalationId: 'ESC-7',
    version: 1,
    at: '2026-11-28T09:00:00.000Z',
    actor: { name: 'Dana' },
    kind: 'created',
    text: 'Escalated by Dana',
  },
  {
    escalationId: 'ESC-7',
    version: 2,
    at: '2026-11-28T09:10:00.000Z',
    actor: { name: 'Desk' },
    kind: 'pattern',
    text: 'Flagged as a pattern: 3 customers',
  },
  {
    escalationId: 'ESC-7',
    version: 3,
    at: '2026-11-28T09:20:00.000Z',
    actor: { name: 'Desk' },
    kind: 'raised',
    text: 'Raised to Leadership.',
  },
  {
    escalationId: 'ESC-7',
    version: 4,
    at: '2026-11-28T09:30:00.000Z',
    actor: { name: 'Eli', teamsId: '29:eli' },
    kind: 'note',
    text: 'Eli: looking',
  },
  {
    escalationId: 'ESC-7',
    version: 5,
    at: '2026-11-28T09:40:00.000Z',
    actor: { name: 'Eli', teamsId: '29:eli' },
    kind: 'saved',
    text: 'Saved from Teams by Eli: Tom Lee, 09:35 UTC — [x](javascript:alert(1)) still empty',
    link: 'https://teams.microsoft.com/l/message/19:x@thread.tacv2/1700000000000',
  },
];

/** The brief card in the states people meet it in: every status, every role, both hosts, with and without extras. */
function briefModels(): object[] {
  const models: object[] = [];
  const roleSets: Role[][] = [[], ['owner'], ['tierMember'], ['requester'], ['admin', 'leadershipMember']];
  const statuses: Status[] = ['new', 'acknowledged', 'waiting_on_customer', 'resolved', 'closed'];
  for (const form of [fullForm, minimalForm]) {
    for (const status of statuses) {
      for (const roles of roleSets) {
        for (const host of ['teams', 'outlook'] as const) {
          const owned = roles.length % 2 === 0;
          const e = escalation(form, status, owned);
          const input: BriefCardInput = {
            escalation: e,
            sla: slaState(e, timeline, now, defaultSlaPolicy),
            briefUrl,
            roles: new Set(roles),
            host,
            ...(status === 'new'
              ? {}
              : { timeline, similar: ['ESC-1', 'ESC-2'], assignable: [{ id: 'p1', name: 'Pat' }] }),
            ...(host === 'outlook' ? { threadUrl: 'https://teams.microsoft.com/l/message/x/1' } : {}),
            ...(roles.length === 1 ? { message: 'It is already Acknowledged.', mentionText: '<at>Sol</at>' } : {}),
          };
          models.push(userTextSafe(briefCardModel(input), new Set(['mentionText', 'briefUrl', 'threadUrl'])));
        }
      }
    }
  }
  return models;
}

function formModels(): object[] {
  return [
    formCardModel({ mode: 'dialog' }),
    formCardModel({ mode: 'chat' }),
    formCardModel({ mode: 'chat', values: fullForm }),
    formCardModel({
      mode: 'dialog',
      values: { ...fullForm, customersAffected: 'many' },
      recommendation: triage({ signals: ['data_exposure', 'bug_confirmed'] }),
      problems: [
        { field: 'customersAffected', message: 'Customers affected must be a whole number' },
        { field: 'summary', message: 'Summary is required' },
      ],
      notice: 'Prefilled from a message',
      similar: [{ id: 'ESC-1', summary: 'Invoices export as empty PDFs' }],
    }),
    formCardModel({ mode: 'chat', recommendation: triage({ signals: [] }) }),
  ];
}

function confirmationModels(): object[] {
  const e = escalation(fullForm, 'new', false);
  return [
    confirmationCardModel({ escalation: e, postUrl: 'https://teams.microsoft.com/l/message/x/1', briefUrl }),
    confirmationCardModel({ escalation: e, briefUrl, inDialog: true, existing: true }),
    confirmationCardModel({ escalation: e, briefUrl, channelName: 'General', teamName: 'Customer Operations' }),
  ].map((model) => userTextSafe(model, new Set(['postUrl', 'briefUrl'])));
}

function saveModels(): object[] {
  const message = { text: 'The export is <b>empty</b> again', author: 'Tom Lee', at: '2026-11-28T09:35:00.000Z' };
  const open = escalation(fullForm, 'investigating', true);
  return [
    saveCardModel({ message, escalations: [] }),
    saveCardModel({
      message: { ...message, link: 'https://teams.microsoft.com/l/message/19:x@thread.tacv2/1' },
      messageId: '1',
      escalations: [open, { ...open, id: 'ESC-8' }],
      chosen: 'ESC-8',
      typed: 'ESC-99',
      why: 'It is back',
      notice: 'No escalation ESC-99 that you can save to.',
    }),
  ];
}

const hiddenModels = [
  { headline: "You can't see this escalation.", detail: 'A Security escalation is seen only by its owner.' },
  { headline: 'A Security escalation breached its SLA: ESC-3', detail: '' },
];

describe('card templates, compiled', () => {
  const cases: [string, object, object[], boolean][] = [
    ['the posted brief', briefTemplate, briefModels(), false],
    ['the form', formTemplate, formModels(), true],
    ['the confirmation', confirmationTemplate, confirmationModels(), false],
    ['what stands in for a hidden escalation', hiddenTemplate, hiddenModels, false],
    ['the Save to escalation dialog', saveTemplate, saveModels(), false],
  ];
  for (const [name, template, models, dropNulls] of cases) {
    it(`${name}: the same card adaptivecards-templating makes, in ${models.length} states`, () => {
      const reference = new ACData.Template(template);
      for (const [n, model] of models.entries()) {
        const expected = reference.expand({ $root: model });
        const compiled = expand(template, model, dropNulls);
        const withoutNulls = dropNulls
          ? JSON.parse(JSON.stringify(expected, (_k, v) => (v === null ? undefined : v)))
          : expected;
        assert.deepEqual(compiled, withoutNulls, `${name}, state ${n}`);
      }
    });
  }

  it('refuses at compile time what it cannot read, rather than drawing it wrong', () => {
    const expression = (text: string) => `$\{${text}}`;
    assert.throws(() => compileTemplate({ text: expression("if(a, 'x', 'y')") }), /does not read/);
    assert.throws(() => compileTemplate({ $when: expression('a == b') }), /use a number or 'text'/);
  });
});
