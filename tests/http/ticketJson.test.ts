// A help-desk ticket on an escalation raised over the JSON API, with a fake Zendesk connected on
// loopback: "4821" is read as Zendesk's ticket, the escalation's JSON (one, and the list) carries
// it at top level, the text brief names it under Target:, and a ticket that names nothing is a
// 400 naming the field.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { minimalForm } from '../support/briefs';
import { deskEnv, FakeZendesk } from '../support/fakeHelpdesks';

describe('A ticket on an escalation’s JSON and text brief', () => {
  let zendesk: FakeZendesk;
  let app: RunningApp;

  before(async () => {
    zendesk = await new FakeZendesk().start();
    app = await startTestApp(deskEnv(zendesk));
  });
  after(async () => {
    await app?.close();
    await zendesk?.stop();
  });

  const raise = async (form: object) => {
    const answer = await post(`${app.url}/api/escalations`, { ...form, requester: { name: 'Dana Agent' } });
    assert.equal(answer.status, 201, await answer.clone().text());
    return json(answer);
  };

  it('carries ticket {system, id, url} in the JSON, keeps it in the brief, and puts a Ticket: line under Target:', async () => {
    const url = `${zendesk.url}/agent/tickets/4821`;
    const expected = { system: 'zendesk', id: '4821', url };
    const created = await raise({ ...minimalForm, ticket: '4821' });
    assert.deepEqual(created.ticket, expected);
    const plain = await raise(minimalForm);
    assert.equal('ticket' in plain, false, 'an escalation without a ticket has no ticket key');

    const one = await json(await fetch(`${app.url}/api/escalations/${created.id}`));
    assert.deepEqual(one.ticket, expected);
    assert.deepEqual(one.brief.ticket, expected);

    const list = await json(await fetch(`${app.url}/api/escalations`));
    assert.deepEqual(list.find((e: any) => e.id === created.id).ticket, expected);
    assert.equal('ticket' in list.find((e: any) => e.id === plain.id), false);

    const text = await (await fetch(`${app.url}/api/escalations/${created.id}/brief.txt`)).text();
    const lines = text.split('\n');
    const target = lines.findIndex((line) => line.startsWith('Target: '));
    assert.equal(lines[target + 1], `Ticket: Zendesk #4821 <${url}>`, text);
  });

  it('answers 400 naming the ticket field when the ticket names nothing, and stores nothing', async () => {
    const before = (await json(await fetch(`${app.url}/api/escalations`))).length;
    const answer = await post(`${app.url}/api/escalations`, {
      ...minimalForm,
      ticket: 'banana',
      requester: { name: 'Dana Agent' },
    });
    assert.equal(answer.status, 400);
    const body = await json(answer);
    assert.deepEqual(
      body.problems.map((p: any) => p.field),
      ['ticket'],
    );
    assert.match(body.problems[0].message, /Zendesk/);
    assert.equal((await json(await fetch(`${app.url}/api/escalations`))).length, before);
  });
  it('refuses a second escalation of a ticket while the first is open (409 on the ticket field), naming it only to who may see it', async () => {
    const requester = { name: 'Dana Agent' };
    const first = await json(await post(`${app.url}/api/escalations`, { ...minimalForm, ticket: '4900', requester }));
    const again = await post(`${app.url}/api/escalations`, {
      ...minimalForm,
      summary: 'Other words',
      ticket: '4900',
      requester,
    });
    assert.equal(again.status, 409);
    const said = await json(again);
    assert.equal(said.problems[0].field, 'ticket');
    assert.match(said.message, new RegExp(`Zendesk #4900 is already escalated as ${first.id}`));

    const security = {
      ...minimalForm,
      target: 'security',
      severity: 'critical',
      signals: 'data_exposure',
      ticket: '4901',
    };
    const before = (await json(await fetch(`${app.url}/api/escalations`))).length;
    const secret = await json(await post(`${app.url}/api/escalations`, { ...security, requester }));
    const outsider = { 'x-dev-user': 'aad00000-0000-4000-8000-0000000000aa', 'x-dev-user-name': 'Oscar Outsider' };
    const refused = await post(`${app.url}/api/escalations`, { ...security, requester }, outsider);
    assert.equal(refused.status, 409);
    const told = await json(refused);
    assert.match(told.message, /Zendesk #4901 is already escalated and still open/);
    assert.doesNotMatch(JSON.stringify(told), new RegExp(secret.id));
    assert.equal((await json(await fetch(`${app.url}/api/escalations`))).length, before + 1);
  });
});
