// Every card the bot sends: valid Adaptive Cards 1.5, fully expanded, far below Teams' size limit.
import assert from 'node:assert/strict';
import { parseBrief } from '../../src/domain/brief';
import { caps } from '../../src/domain/caps';
import type { Escalation, TimelineEntry } from '../../src/domain/escalation';
import { savedCaps } from '../../src/domain/savedMessage';
import { slaState } from '../../src/domain/sla';
import { defaultSlaPolicy } from '../../src/domain/slaPolicy';
import { triage } from '../../src/domain/triage';
import { briefCard, briefCardModel } from '../../src/teams/cards/briefCard';
import { confirmationCard } from '../../src/teams/cards/confirmationCard';
import { formCard } from '../../src/teams/cards/formCard';
import { hiddenCard, whoSeesText } from '../../src/teams/cards/hiddenCard';
import { expand } from '../../src/teams/cards/render';
import { saveCard } from '../../src/teams/cards/saveCard';
import before from '../fixtures/brief-card-before-compact-more.json';
import { fullForm, minimalForm } from '../support/briefs';
import { cardJson, cardProblems, elements, fullestViewRows, inputsOf } from '../support/cardValidation';

const line = (n: number, fill = 'x') => fill.repeat(n);
const lines = (count: number, length: number) =>
  Array.from({ length: count }, (_, i) => `${i}${line(length - 1 - String(i).length)}.`);

/** Every field at its cap: the largest brief anyone can send. */
const largestForm = {
  signals: 'bug_confirmed,multiple_customers,churn_risk,data_corruption,production_down,executive_involvement',
  summary: line(caps.summary),
  severity: 'critical',
  target: 'engineering',
  customersAffected: String(caps.customersAffected),
  customerNames: Array.from({ length: caps.customerNames }, (_, i) => `${i}${line(caps.customerName - 3)}`).join(', '),
  workflowImpact: line(caps.text),
  revenueAtRisk: line(caps.shortText),
  slaStatus: 'breached',
  description: line(caps.description),
  reproSteps: lines(caps.reproSteps, caps.line).join('\n'),
  expected: line(caps.longText),
  actual: line(caps.longText),
  environment: line(caps.text),
  tried: Array.from({ length: caps.tried }, () => `${line(caps.line)} -> ${line(caps.line)}`).join('\n'),
  lastUpdateDate: '2026-11-27',
  lastUpdateSummary: line(caps.longText),
  customerExpectation: line(caps.text),
  escalationRisk: line(caps.text),
  asks: lines(caps.asks, caps.line).join('\n'),
  deadlineDate: '2026-11-30',
  deadlineTime: '17:00',
};

function escalationOf(form: object): Escalation {
  const parsed = parseBrief(form);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return {
    id: 'ESC-123456',
    brief: parsed.value,
    status: 'fix_in_progress',
    owner: { id: 'aad-eli', name: line(200) },
    requester: { id: 'aad-dana', name: line(200) },
    version: 99,
    createdAt: '2026-11-28T09:00:00.000Z',
    updatedAt: '2026-11-28T10:00:00.000Z',
  };
}

const now = new Date('2026-11-28T10:05:00Z');
const briefUrl = 'https://escalations.contoso.example/api/escalations/ESC-1/brief.txt?for=a&exp=1&sig=x';

const messageLink = 'https://teams.microsoft.com/l/message/19:engineering@thread.tacv2/1700000000000';

/** Messages saved at their caps: the latest three entries the card shows. */
const savedAtCap: TimelineEntry[] = Array.from({ length: 3 }, (_, n) => ({
  escalationId: 'ESC-123456',
  version: 97 + n,
  at: '2026-11-28T09:50:00.000Z',
  actor: { name: line(200) },
  kind: 'saved',
  text: `Saved from Teams by ${line(200)}: ${line(savedCaps.author)}, 09:45 UTC — ${line(savedCaps.text)} (why: ${line(savedCaps.why)})`,
  link: messageLink,
}));

const cards: [string, () => unknown][] = [
  ['the empty form in a dialog', () => formCard({ mode: 'dialog' })],
  ['the empty form in a chat', () => formCard({ mode: 'chat' })],
  [
    'the form with a recommendation and problems',
    () =>
      formCard({
        mode: 'dialog',
        values: { ...fullForm, customersAffected: 'many' },
        recommendation: triage({ signals: ['data_exposure', 'bug_confirmed'] }),
        problems: [{ field: 'customersAffected', message: 'Customers affected must be a whole number' }],
        notice: 'Prefilled from a message',
      }),
  ],
  ['the form with every field at its cap', () => formCard({ mode: 'chat', values: largestForm })],
  [
    'a full posted brief',
    () =>
      briefCard({
        escalation: escalationOf(fullForm),
        sla: slaState(escalationOf(fullForm), [], now, defaultSlaPolicy),
        briefUrl,
      }),
  ],
  [
    'a minimal posted brief',
    () =>
      briefCard({
        escalation: escalationOf(minimalForm),
        sla: slaState(escalationOf(minimalForm), [], now, defaultSlaPolicy),
        briefUrl,
      }),
  ],
  [
    'the posted brief with every field at its cap',
    () =>
      briefCard({
        escalation: escalationOf(largestForm),
        sla: slaState(escalationOf(largestForm), [], now, defaultSlaPolicy),
        briefUrl,
        message: line(300),
        mentionText: Array.from({ length: 20 }, () => `<at>${line(60)}</at>`).join(', '),
        // As the tier's channel sees it: every button, 50 people to assign to, 5 look-alikes.
        roles: new Set(['tierMember'] as const),
        assignable: Array.from({ length: 100 }, (_, i) => ({ id: `aad-${i}`, name: line(60) })),
        similar: ['ESC-1', 'ESC-2', 'ESC-3', 'ESC-4', 'ESC-5'],
      }),
  ],
  [
    'the confirmation of a posted escalation',
    () =>
      confirmationCard({
        escalation: escalationOf(fullForm),
        postUrl: 'https://teams.microsoft.com/l/message/x/1',
        briefUrl,
      }),
  ],
  [
    'what stands in for an escalation someone may not see',
    () =>
      hiddenCard({
        headline: "You can't see this escalation.",
        detail: whoSeesText('security', { leadershipSeesSecurity: false }),
      }),
  ],
  [
    'the confirmation of a waiting escalation',
    () => confirmationCard({ escalation: escalationOf(minimalForm), briefUrl }),
  ],
  [
    'the posted brief showing three messages saved at their caps',
    () =>
      briefCard({
        escalation: escalationOf(largestForm),
        sla: slaState(escalationOf(largestForm), savedAtCap, now, defaultSlaPolicy),
        briefUrl,
        timeline: savedAtCap,
      }),
  ],
  [
    'the Save to escalation dialog with a message at its cap, 20 escalations and a refusal',
    () =>
      saveCard({
        message: {
          text: line(savedCaps.text),
          author: line(savedCaps.author),
          at: '2026-11-28T09:45:00.000Z',
          link: messageLink,
        },
        messageId: '1700000000000',
        escalations: Array.from({ length: 20 }, (_, n) => ({ ...escalationOf(largestForm), id: `ESC-${n + 1}` })),
        typed: line(100),
        why: line(savedCaps.why),
        notice: line(300),
      }),
  ],
  [
    'the Save to escalation dialog for someone with no open escalation',
    () => saveCard({ message: { text: 'Hi', author: 'Tom' }, escalations: [] }),
  ],
];

describe('cards', () => {
  for (const [name, render] of cards) {
    it(`${name}: valid at 1.5, fully expanded, under 80 KB`, () => {
      const card = render() as { version: string };
      assert.equal(card.version, '1.5');
      assert.deepEqual(cardProblems(card), []);
      const text = cardJson(card);
      assert.ok(!text.includes('${'), 'no ${ survives expansion');
      assert.ok(Buffer.byteLength(text) < 80 * 1024, `${Buffer.byteLength(text)} bytes`);
    });
  }

  it('tells the person where the escalation went: posted, on its way, or waiting for a channel', () => {
    const where = (input: { postUrl?: string; channelBound?: boolean }) =>
      JSON.stringify(
        confirmationCard({ escalation: escalationOf(minimalForm), briefUrl, channelName: 'Support L2', ...input }),
      );
    assert.match(
      where({ postUrl: 'https://teams.microsoft.com/l/message/x/1', channelBound: true }),
      /Posted in the Support L2 channel/,
    );
    const onItsWay = where({ channelBound: true });
    assert.match(onItsWay, /on its way to the Support L2 channel/);
    assert.doesNotMatch(onItsWay, /route support/);
    assert.match(where({}), /Saved, not posted yet.*@mention Escalation Desk with \\"route support\\"/);
  });

  it('names the channel and its team in words: "the Engineering channel of Customer Operations"', () => {
    const text = JSON.stringify(
      confirmationCard({
        escalation: escalationOf(fullForm),
        briefUrl,
        channelName: 'Engineering',
        teamName: 'Customer Operations',
        postUrl: 'https://teams.microsoft.com/l/message/x/1',
        channelBound: true,
      }),
    );
    assert.match(text, /Posted in the Engineering channel of Customer Operations\./);
    assert.doesNotMatch(text, /Engineering in Customer Operations channel/);
  });

  it('offers Done, which closes the Escalate dialog, only in the dialog', () => {
    const titles = (inDialog: boolean) =>
      (confirmationCard({ escalation: escalationOf(minimalForm), briefUrl, inDialog }) as any).actions.map(
        (a: any) => a.title,
      );
    assert.ok(titles(true).includes('Done'));
    assert.ok(!titles(false).includes('Done'), 'in a chat the confirmation stays, with nothing to close');
  });

  it('says "none given" for a customer SLA status the brief did not give, and the status when it did', () => {
    const customerSla = (form: object) => {
      const escalation = escalationOf(form);
      const text = cardJson(briefCard({ escalation, sla: slaState(escalation, [], now, defaultSlaPolicy), briefUrl }));
      return /"title":"Customer SLA","value":"([^"]+)"/.exec(text)?.[1];
    };
    assert.equal(customerSla(minimalForm), 'none given');
    assert.equal(customerSla(fullForm), 'At risk');
  });

  it('colours the posted brief by severity', () => {
    const styleOf = (severity: string) =>
      (
        briefCard({
          escalation: escalationOf({ ...minimalForm, severity }),
          sla: slaState(escalationOf(minimalForm), [], now, defaultSlaPolicy),
          briefUrl,
        }) as any
      ).body[0].style;
    assert.deepEqual(['critical', 'high', 'medium'].map(styleOf), ['attention', 'warning', 'emphasis']);
  });

  it('says what the brief still lacks for its target before it is sent', () => {
    const readiness = (values: Record<string, unknown>) =>
      JSON.stringify(formCard({ mode: 'chat', values })).match(/"(Ready: [^"]+|Still missing for [^"]+)"/)?.[1];
    assert.equal(
      readiness({ ...minimalForm, target: 'engineering', signals: 'bug_confirmed' }),
      "Still missing for Engineering: a description of 3-5 sentences, reproduction steps, expected and actual results, the environment, what's been tried, the last customer update, what the customer expects by when, a deadline for what's needed.",
    );
    assert.equal(readiness(fullForm), 'Ready: the brief has what Engineering needs to act at once.');
  });
  describe('the posted brief in its fullest view', () => {
    // As the tier's channel sees the largest brief: every button, people to assign to, "Resolution" in More.
    const input = {
      escalation: escalationOf(largestForm),
      sla: slaState(escalationOf(largestForm), [], now, defaultSlaPolicy),
      briefUrl,
      roles: new Set(['tierMember'] as const),
      assignable: Array.from({ length: 10 }, (_, i) => ({ id: `aad-${i}`, name: `Person ${i}` })),
    };
    const card = briefCard(input) as any;
    const more = card.actions.find((a: any) => a.title === 'More').card;

    it('is no taller than before More was made compact (counted in visible elements, one under another)', () => {
      // The card as it was when issue 13 was filed, drawn from the same model.
      const today = expand(before, briefCardModel(input));
      assert.ok(
        fullestViewRows(card) <= fullestViewRows(today),
        `${fullestViewRows(card)} rows now, ${fullestViewRows(today)} before`,
      );
      assert.ok(fullestViewRows(more) < 12, `More alone: ${fullestViewRows(more)} rows`);
    });

    it('opens More on each move as one row, its inputs beside one button, with no panel inside a panel', () => {
      assert.equal(more.actions, undefined, 'no buttons that open further panels');
      assert.ok(!elements(more).some((e) => e.type === 'Action.ShowCard'));
      const rows = more.body.map((row: any) => ({
        labels: inputsOf(row).map((e) => e.label),
        buttons: elements(row)
          .filter((e) => e.type === 'Action.Execute')
          .map((e) => `${e.title} (${e.verb})`),
      }));
      assert.deepEqual(rows, [
        { labels: ['Change status', 'Resolution (when resolving)'], buttons: ['Save status (escalation.setStatus)'] },
        { labels: ['Assign to'], buttons: ['Assign (escalation.assign)'] },
        { labels: ['Move to', 'Why'], buttons: ['Move (escalation.retarget)'] },
        { labels: ['Same issue as'], buttons: ['Link (escalation.link)'] },
        { labels: ['Email the brief to'], buttons: ['Send (escalation.email)'] },
      ]);
      // Every input of More goes with any of its buttons: none may block another move as required.
      assert.ok(!elements(more).some((e) => e.isRequired), 'the server says what is missing, by move');
      const ids = inputsOf(more).map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length, 'no input id twice in More');
    });

    it('offers Reopen in More, with its reason, once resolved', () => {
      const resolved = { ...input, escalation: { ...input.escalation, status: 'resolved' as const } };
      const panel = (briefCard(resolved) as any).actions.find((a: any) => a.title === 'More').card;
      const titles = elements(panel)
        .filter((e) => e.type === 'Action.Execute')
        .map((e) => e.title);
      assert.deepEqual(titles, ['Reopen', 'Link', 'Send']);
      const reopen = elements(panel).find((e) => e.title === 'Reopen');
      assert.equal(reopen.data.status, 'investigating');
      assert.ok(elements(panel).some((e) => e.id === 'reason' && e.label === 'Why is it reopened?'));
    });
  });
});
