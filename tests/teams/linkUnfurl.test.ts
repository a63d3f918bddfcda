// A link of ours pasted in a chat unfurls into the escalation's card, over HTTP with the real bot:
// the short link, the board's, the signed brief's and the API's; an escalation the person may not
// see, or a link to none, unfurls into a card that says so and shows nothing of it.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { minimalForm } from '../support/briefs';
import { cardProblems, textOf } from '../support/cardValidation';
import { FakeConnector } from '../support/fakeConnector';
import { fetchTask, type Persona, personas, send } from '../support/teamsActivities';

describe('Pasting a link of ours', () => {
  let teams: FakeConnector;
  let app: RunningApp;
  let open: { id: string; links: Record<string, string> };
  let security: { id: string };

  before(async () => {
    teams = await FakeConnector.start();
    app = await startTestApp();
    const raise = async (form: object) => {
      const by = { 'x-dev-user': personas.agent.aadObjectId, 'x-dev-user-name': personas.agent.name };
      return json(await post(`${app.url}/api/escalations`, { ...form, requester: { name: personas.agent.name } }, by));
    };
    open = await raise({ ...minimalForm, summary: 'Invoices export as [empty](https://evil.example) PDFs' });
    security = await raise({ ...minimalForm, target: 'security', severity: 'critical', signals: 'data_exposure' });
  });
  after(async () => {
    await app.close();
    await teams.close();
  });

  const unfurl = async (url: unknown, user: Persona = personas.engineer) => {
    const invoke = fetchTask({ serviceUrl: teams.url, user, groupChatId: '19:chat@thread.v2', commandId: 'x' });
    const answer = await send(app.url, { ...invoke, name: 'composeExtension/queryLink', value: { url } } as never);
    assert.equal(answer.status, 200);
    const result = answer.body?.composeExtension;
    assert.equal(result?.type, 'result');
    assert.equal(result.attachments.length, 1);
    return result.attachments[0];
  };

  it('unfurls the short link, the board’s, the signed brief’s and the API’s into the card, refreshed for the reader', async () => {
    const brief = (await json(await fetch(`${app.url}/api/escalations/${open.id}`))).links?.brief;
    const links = [
      `http://localhost:3978/escalations/${open.id}`,
      `http://localhost:3978/tab/index.html?escalation=${open.id}`,
      `http://localhost:3978/api/escalations/${open.id}`,
      ...(typeof brief === 'string' ? [brief] : []),
    ];
    assert.ok(links.length === 4, 'the signed brief link is among the escalation’s links');
    for (const link of links) {
      const attachment = await unfurl(link);
      assert.equal(attachment.contentType, 'application/vnd.microsoft.card.adaptive');
      assert.deepEqual(cardProblems(attachment.content), []);
      assert.match(textOf(attachment.content), /Invoices export as/);
      assert.ok(!JSON.stringify(attachment.content).includes('](https://evil.example)'), 'no link people wrote');
      assert.ok(attachment.content.refresh.userIds.includes(`8:orgid:${personas.engineer.aadObjectId}`), link);
      assert.match(attachment.preview.content.title, new RegExp(`^${open.id} · Medium · L2 Support · New$`));
    }
  });

  it('unfurls a Security escalation the person may not see, and a link to none, into a card that says so', async () => {
    const hidden = await unfurl(`http://localhost:3978/escalations/${security.id}`);
    assert.match(textOf(hidden.content), /can't see this escalation/);
    assert.ok(!JSON.stringify(hidden).includes(minimalForm.summary), 'nothing of it');
    for (const link of [
      'http://localhost:3978/escalations/ESC-999',
      'https://evil.example/escalations/ESC-1',
      42,
      null,
      'x'.repeat(5000),
    ]) {
      const none = await unfurl(link);
      assert.match(textOf(none.content), /No escalation at this link/);
    }
    // Its requester sees it.
    const own = await unfurl(`http://localhost:3978/escalations/${security.id}`, personas.agent);
    assert.match(textOf(own.content), new RegExp(security.id));
  });
});
