// Escalating from Teams, over HTTP against the real server, with a fake Bot Connector
// as the far side: what the person gets back and what lands in the channels.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { fullForm, minimalForm } from '../support/briefs';
import { cardJson, cardProblems, inputsOf, textOf } from '../support/cardValidation';
import { adaptiveCardOf, FakeConnector } from '../support/fakeConnector';
import {
  cardAction,
  channelMessage,
  channels,
  fetchTask,
  personalMessage,
  personas,
  routeTier,
  send,
  submitAction,
} from '../support/teamsActivities';

const inputIds = [
  'signals',
  'summary',
  'severity',
  'target',
  'customersAffected',
  'customerNames',
  'workflowImpact',
  'revenueAtRisk',
  'slaStatus',
  'description',
  'reproSteps',
  'expected',
  'actual',
  'environment',
  'tried',
  'lastUpdateDate',
  'lastUpdateSummary',
  'customerExpectation',
  'escalationRisk',
  'asks',
  'deadlineDate',
  'deadlineTime',
  'ticket',
];

function assertValidCard(card: unknown) {
  assert.deepEqual(cardProblems(card), []);
  assert.ok(!cardJson(card).includes('${'), 'no ${ survives expansion');
}

describe('Escalating from Teams', () => {
  let app: RunningApp;
  let teams: FakeConnector;
  const serviceUrl = () => teams.url;

  before(async () => {
    teams = await FakeConnector.start();
  });
  after(() => teams.close());
  beforeEach(async () => {
    teams.reset();
    app = await startTestApp();
  });
  afterEach(() => app.close());

  const bind = (target: string, channel = channels.engineering) => routeTier(app.url, serviceUrl(), target, channel);
  const dialogCard = (body: any) => body.task.value.card.content;
  const submit = (data: Record<string, unknown>, options: { id?: string } = {}) =>
    send(
      app.url,
      submitAction({
        serviceUrl: serviceUrl(),
        groupChatId: '19:support-chat@thread.v2',
        user: personas.agent,
        data: { ...data, verb: 'escalation.submit' },
        ...options,
      }),
    );
  const channelPosts = (channel: { id: string }) =>
    teams.posts().filter((p) => p.kind === 'create' && p.conversationId.startsWith(channel.id));

  it('opens the form in a dialog holding every input of the contract', async () => {
    const answer = await send(
      app.url,
      fetchTask({ serviceUrl: serviceUrl(), groupChatId: '19:support-chat@thread.v2', user: personas.agent }),
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.body.task.type, 'continue');
    const card = dialogCard(answer.body);
    assert.deepEqual(
      inputsOf(card)
        .map((i) => i.id)
        .sort(),
      [...inputIds].sort(),
    );
    const required = ['summary', 'severity', 'target', 'customersAffected', 'workflowImpact', 'description', 'asks'];
    for (const input of inputsOf(card)) {
      assert.equal(
        input.label.endsWith('(required)'),
        required.includes(input.id),
        `${input.id} is marked as required or not`,
      );
      // Client-side isRequired would block "Recommend" until the whole brief is filled in;
      // the bot names each missing field instead.
      assert.equal(input.isRequired, undefined, input.id);
    }
    assert.match(textOf(card), /Recommend team and severity/);
    assertValidCard(card);
  });

  it("prefills the form from a message's ... menu: its text, author and link", async () => {
    const answer = await send(
      app.url,
      fetchTask({
        serviceUrl: serviceUrl(),
        channel: channels.support,
        user: personas.agent,
        message: {
          content: '<p>Acme says exports are empty since this morning.<br>They need them for payroll.</p>',
          author: personas.supportL2,
        },
      }),
    );
    const card = dialogCard(answer.body);
    const values = Object.fromEntries(inputsOf(card).map((i) => [i.id, i.value]));
    assert.equal(values.summary, 'Acme says exports are empty since this morning.');
    assert.match(
      values.description,
      /^Acme says exports are empty since this morning\.\nThey need them for payroll\.\n\nFrom a Teams message by Sam Support: https:\/\/teams\.microsoft\.com\/l\/message\//,
    );
    assert.match(textOf(card), /Prefilled from Sam Support's message/);
    assertValidCard(card);
  });

  it('recommends target and severity from the signals, keeping what was typed', async () => {
    const answer = await send(
      app.url,
      submitAction({
        serviceUrl: serviceUrl(),
        groupChatId: '19:support-chat@thread.v2',
        user: personas.agent,
        data: {
          verb: 'triage.evaluate',
          signals: 'data_exposure,bug_confirmed',
          summary: 'Invoices visible to another tenant',
        },
      }),
    );
    const card = dialogCard(answer.body);
    const values = Object.fromEntries(inputsOf(card).map((i) => [i.id, i.value]));
    assert.equal(values.target, 'security');
    assert.equal(values.severity, 'critical');
    assert.equal(values.summary, 'Invoices visible to another tenant');
    assert.match(textOf(card), /Recommended: Security, Critical \(escalate immediately\)/);
    assert.match(textOf(card), /Customer data may be exposed -> Security/);
    assert.match(textOf(card), /Still missing for Security: /);
    assertValidCard(card);
  });

  it('posts a full brief as exactly one card in the bound channel, with every section, and confirms with a link', async () => {
    await bind('engineering');
    const answer = await submit(fullForm);
    assert.equal(answer.status, 200);
    const confirmation = dialogCard(answer.body);
    assertValidCard(confirmation);
    assert.match(textOf(confirmation), /^Escalated as ESC-1$/m);
    const open = confirmation.actions.find((a: any) => a.title === 'Open the post');
    assert.match(open.url, /^https:\/\/teams\.microsoft\.com\/l\/message\/19%3Aengineering%40thread\.tacv2\//);
    // Done closes the dialog: Teams closes a task module on an empty answer.
    const done = confirmation.actions.find((a: any) => a.title === 'Done');
    assert.equal(done?.type, 'Action.Submit');
    const closed = await send(
      app.url,
      submitAction({
        serviceUrl: serviceUrl(),
        groupChatId: '19:support-chat@thread.v2',
        user: personas.agent,
        data: done.data,
      }),
    );
    assert.deepEqual([closed.status, closed.body], [200, {}]);
    assert.equal(channelPosts(channels.engineering).length, 1, 'Done makes nothing more');

    const posts = channelPosts(channels.engineering);
    assert.equal(posts.length, 1);
    const post = posts[0] as (typeof posts)[number];
    assert.equal(post.parameters.channelData.channel.id, channels.engineering.id);
    assert.equal(post.conversationId, `${channels.engineering.id};messageid=${post.activityId}`);
    const card = adaptiveCardOf(post.activity);
    assertValidCard(card);
    const text = textOf(card);
    for (const expected of [
      'ESC-1 · High · Engineering',
      fullForm.summary,
      'Customers affected',
      '3 (Acme GmbH, Globex SARL, Initech BV)',
      fullForm.workflowImpact,
      fullForm.revenueAtRisk,
      fullForm.description,
      'Reproduction steps',
      '1. Sign in as an EU admin',
      'Production EU-West, web app 2.14.1, Chrome 131',
      "What's been tried",
      '1. Cleared the export cache -> same empty file',
      'Customer communication',
      '2026-11-27 — Told Acme we reproduced it and escalated to engineering',
      fullForm.escalationRisk,
      "What's needed",
      '- Find the cause in the 2.14 PDF renderer',
      // In each reader's own zone: Teams fills in the date and time (17:00 in London, the sender's zone).
      '{{DATE(2026-11-30T17:00:00Z,SHORT)}} {{TIME(2026-11-30T17:00:00Z)}}',
      'Dana Agent',
    ]) {
      assert.ok(text.includes(expected), `the posted card shows "${expected}"`);
    }
    // The posted copy is stored, to be kept current.
    const detail = await json(await fetch(`${app.url}/api/escalations/ESC-1`));
    assert.equal(detail.requester.name, 'Dana Agent');
    assert.equal(detail.requester.id, personas.agent.aadObjectId);
  });

  it('refuses an incomplete brief: posts nothing, keeps the inputs, names each missing field', async () => {
    await bind('engineering');
    const answer = await submit({ summary: 'Exports are empty', target: 'engineering', customersAffected: 'many' });
    const card = dialogCard(answer.body);
    assertValidCard(card);
    const text = textOf(card);
    assert.match(text, /Please fix 5 things before escalating/);
    for (const problem of [
      'Severity is required: choose critical, high or medium',
      'Customers affected must be a whole number',
      'Workflow impact is required',
      'Description is required',
      "What's needed is required",
    ]) {
      assert.ok(text.includes(problem), `names "${problem}"`);
    }
    const values = Object.fromEntries(inputsOf(card).map((i) => [i.id, i.value]));
    assert.equal(values.summary, 'Exports are empty');
    assert.equal(channelPosts(channels.engineering).length, 0);
    assert.deepEqual(await json(await fetch(`${app.url}/api/escalations`)), []);
  });

  it('saves the escalation of an unbound tier, says how to bind a channel, and posts it once one is bound', async () => {
    const answer = await submit({ ...minimalForm, target: 'product' });
    const text = textOf(dialogCard(answer.body));
    assert.match(text, /Saved, not posted yet/);
    assert.match(text, /@mention Escalation Desk with "route product"/);
    assert.equal(teams.posts().filter((p) => p.kind === 'create').length, 0);

    await bind('product', channels.product);
    assert.equal(channelPosts(channels.product).length, 1);
    const said = teams
      .posts()
      .map((p) => p.activity.text ?? '')
      .join('\n');
    assert.match(said, /This channel now takes \*\*Product\*\* escalations/);
    assert.match(said, /Posted 1 escalation\(s\) that were waiting: ESC-1/);
  });

  it('creates and posts one escalation when Teams delivers the same submit twice', async () => {
    await bind('engineering');
    const first = await submit(fullForm, { id: 'invoke-1' });
    const again = await submit(fullForm, { id: 'invoke-1' });
    assert.match(textOf(dialogCard(first.body)), /Escalated as ESC-1/);
    assert.match(textOf(dialogCard(again.body)), /Already escalated as ESC-1/);
    assert.equal(channelPosts(channels.engineering).length, 1);
    const both = await Promise.all([submit(minimalForm), submit(minimalForm)]);
    assert.equal(new Set(both.map((b) => textOf(dialogCard(b.body)).match(/ESC-\d+/)?.[0])).size, 1);
    assert.equal((await json(await fetch(`${app.url}/api/escalations`))).length, 2);
  });

  it("posts a Security brief at once, mentioning the channel's people", async () => {
    await bind('security', channels.security);
    await submit({ ...minimalForm, target: 'security', severity: 'critical', signals: 'data_exposure' });
    const posts = channelPosts(channels.security);
    assert.equal(posts.length, 1);
    const card = adaptiveCardOf(posts[0]?.activity);
    assertValidCard(card);
    assert.match(textOf(card), /Security escalation for <at>Dana Agent<\/at>/);
    const mentioned = card.msteams.entities.map((e: any) => e.mentioned.name);
    assert.ok(mentioned.includes('Sol Security'));
    for (const entity of card.msteams.entities) assert.ok(textOf(card).includes(entity.text));
  });

  it('posts an escalation created over the API to its channel like any other', async () => {
    await bind('engineering');
    const response = await post(`${app.url}/api/escalations`, { ...fullForm, requester: { name: 'CRM integration' } });
    assert.equal(response.status, 201);
    const body = await json(response);
    assert.equal(channelPosts(channels.engineering).length, 1);
    assert.equal(body.posted.activityId, channelPosts(channels.engineering)[0]?.activityId);
  });

  it('lists and removes channel bindings', async () => {
    await bind('engineering');
    await send(
      app.url,
      channelMessage({ serviceUrl: serviceUrl(), channel: channels.support, text: 'routes', user: personas.lead }),
    );
    await send(
      app.url,
      channelMessage({
        serviceUrl: serviceUrl(),
        channel: channels.support,
        text: 'unroute engineering',
        user: personas.lead,
      }),
    );
    await send(
      app.url,
      channelMessage({
        serviceUrl: serviceUrl(),
        channel: channels.engineering,
        text: 'unroute engineering',
        user: personas.lead,
      }),
    );
    await send(
      app.url,
      channelMessage({
        serviceUrl: serviceUrl(),
        channel: channels.engineering,
        text: 'route sales',
        user: personas.lead,
      }),
    );
    const said = teams.posts().map((p) => p.activity.text ?? '');
    assert.ok(said.some((t) => /- \*\*Engineering\*\*: Engineering in Customer Operations/.test(t)));
    assert.ok(said.some((t) => /- \*\*Product\*\*: no channel yet/.test(t)));
    assert.ok(said.some((t) => /posted in Engineering in Customer Operations, not here/.test(t)));
    assert.ok(said.some((t) => /Engineering escalations are no longer posted here/.test(t)));
    assert.ok(said.some((t) => /Which tier\? Say \*\*route\*\* and one of: support, engineering/.test(t)));
    await submit(minimalForm);
    assert.equal(teams.posts().filter((p) => p.kind === 'create').length, 0);
  });

  it('answers new, mine, show and help in personal chat', async () => {
    const say = (text: string) =>
      send(app.url, personalMessage({ serviceUrl: serviceUrl(), user: personas.agent, text }));
    await say('new');
    const form = adaptiveCardOf(teams.posts().at(-1)?.activity);
    assert.deepEqual(
      inputsOf(form)
        .map((i) => i.id)
        .sort(),
      [...inputIds].sort(),
    );
    assert.ok(form.actions.some((a: any) => a.type === 'Action.Execute' && a.verb === 'escalation.submit'));
    assertValidCard(form);

    // The form in chat submits with Action.Execute; the answer replaces it.
    const formPost = teams.posts().at(-1) as { conversationId: string; activityId: string };
    const answer = await send(
      app.url,
      cardAction({
        serviceUrl: serviceUrl(),
        user: personas.agent,
        card: formPost,
        verb: 'escalation.submit',
        data: fullForm,
      }),
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.body.statusCode, 200);
    assert.equal(answer.body.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(textOf(answer.body.value), /Escalated as ESC-1/);

    await say('mine');
    assert.match(teams.posts().at(-1)?.activity.text, /\*\*ESC-1\*\* · High · Engineering · New: Invoices export/);
    await say('show esc-1');
    const shown = adaptiveCardOf(teams.posts().at(-1)?.activity);
    assertValidCard(shown);
    assert.match(textOf(shown), /ESC-1 · High · Engineering/);
    await say('show ESC-99');
    assert.match(teams.posts().at(-1)?.activity.text, /No escalation ESC-99/);
    await say('what now?');
    assert.match(
      teams.posts().at(-1)?.activity.text,
      /I don’t know “what”[\s\S]*\*\*new\*\*: open the escalation form/,
    );
  });
});
