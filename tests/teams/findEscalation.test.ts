// "Find an escalation" from the message box, the command box and Copilot (composeExtension/query),
// over HTTP with the real bot and a fake Bot Connector: by id, by customer, by words, only what the
// person may see; their own open ones first when nothing is typed; a page at a time; Copilot's
// parameters (empty, null, numbers, labels, names we do not know) answered, never a 5xx. The card a
// result inserts is valid, refreshes for its reader, acts for a tier member (every other copy
// follows), and shows an outsider nothing of a Security escalation.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { startTestApp } from '../support/app';
import { fullForm } from '../support/briefs';
import { actionsOf, cardJson, cardProblems, textOf } from '../support/cardValidation';
import { FakeConnector, type PostedActivity, rosterFrom } from '../support/fakeConnector';
import {
  cardAction,
  channels,
  type Persona,
  personas,
  routeTier,
  type SearchQueryOptions,
  searchQuery,
  send,
  submitAction,
} from '../support/teamsActivities';

/** What must stay inside the Security escalation's circle. */
const secret = { summary: 'Invoices of Initech shown to Globex through the export API', customer: 'Contoso Ltd' };

const forms = {
  security: {
    ...fullForm,
    signals: 'data_exposure',
    target: 'security',
    severity: 'critical',
    summary: secret.summary,
    customerNames: secret.customer,
  },
  invoices: { ...fullForm, customerNames: 'Contoso Ltd, Acme GmbH' },
  checkout: {
    ...fullForm,
    summary: 'Checkout fails for EU buyers paying by card',
    description: 'Every card payment from the EU answers 500 since the morning deploy.',
    expected: 'The payment goes through',
    actual: 'HTTP 500',
    environment: 'Production EU-West',
    customerNames: 'Northwind Traders',
  },
  vat: {
    ...fullForm,
    signals: 'feature_gap',
    target: 'product',
    severity: 'medium',
    summary: 'Invoices need a VAT column per line',
    description: 'Finance asks for VAT per line on the invoice.',
    customerNames: 'contoso pharma',
  },
};

const huddle = '19:customer-huddle@thread.v2';

describe('Find an escalation (search command)', () => {
  let app: RunningApp;
  let teams: FakeConnector;

  before(async () => {
    teams = await FakeConnector.start();
    // Sol and Lena are in Security; Eli and Lena in Engineering. Priya is in neither.
    teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.lead]));
    teams.rosters.set(channels.engineering.id, rosterFrom([personas.engineer, personas.lead]));
    app = await startTestApp();
    await routeTier(app.url, teams.url, 'security', channels.security);
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    // ESC-1 Security and ESC-2 Engineering raised by Dana; ESC-3 Engineering and ESC-4 Product by Sam.
    await escalate(personas.agent, forms.security);
    await escalate(personas.agent, forms.invoices);
    await escalate(personas.supportL2, forms.checkout);
    await escalate(personas.supportL2, forms.vat);
  });
  after(async () => {
    await app.close();
    await teams.close();
  });

  async function escalate(user: Persona, form: Record<string, unknown>) {
    const answer = await send(
      app.url,
      submitAction({ serviceUrl: teams.url, user, data: { ...form, verb: 'escalation.submit' } }),
    );
    assert.equal(answer.status, 200);
  }

  /** The search's answer, which must be a 200 of Teams' composeExtension shape. */
  async function search(user: Persona, options: Omit<SearchQueryOptions, 'serviceUrl'>) {
    const answer = await send(app.url, searchQuery({ serviceUrl: teams.url, user, groupChatId: huddle, ...options }));
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const extension = answer.body?.composeExtension;
    assert.ok(extension?.type === 'result' || extension?.type === 'message', JSON.stringify(answer.body));
    return { extension, raw: JSON.stringify(answer.body) };
  }
  /** The ids of the results, as their preview lines name them. */
  async function ids(user: Persona, options: Omit<SearchQueryOptions, 'serviceUrl'>) {
    const { extension } = await search(user, options);
    assert.equal(extension.type, 'result');
    assert.equal(extension.attachmentLayout, 'list');
    return extension.attachments.map((a: any) => /^ESC-\d+/.exec(a.preview.content.title)?.[0]);
  }

  it('finds by id (ESC-2, esc-2, 2), and never an id the person may not see', async () => {
    for (const query of ['ESC-2', 'esc-2', '2', 'What is the status of ESC-2?']) {
      assert.deepEqual(await ids(personas.product, { parameters: { query } }), ['ESC-2'], query);
    }
    const { extension } = await search(personas.product, { parameters: { query: 'ESC-2' } });
    assert.equal(extension.attachments[0].preview.content.title, 'ESC-2 · High · Engineering · New');
    assert.match(extension.attachments[0].preview.content.text, /Invoices export as empty PDFs/);
    for (const query of ['ESC-1', '1']) {
      const hidden = await search(personas.product, { parameters: { query } });
      assert.deepEqual(hidden.extension.attachments, [], 'Teams shows "no results"');
    }
    assert.deepEqual(await ids(personas.agent, { parameters: { query: 'esc-1' } }), ['ESC-1'], 'Dana raised it');
    assert.deepEqual(await ids(personas.security, { parameters: { query: '1' } }), ['ESC-1'], 'Sol is in Security');
  });

  it('finds by customer and by words what the person may see, never the Security escalation', async () => {
    const byCustomer = await ids(personas.product, { parameters: { customer: 'contoso' } });
    assert.deepEqual(byCustomer.sort(), ['ESC-2', 'ESC-4']);
    const typedInTheBox = await ids(personas.product, { parameters: { query: 'Conto' } });
    assert.deepEqual(typedInTheBox.sort(), ['ESC-2', 'ESC-4'], "a customer's name typed in the search box");
    assert.deepEqual((await ids(personas.product, { parameters: { query: 'invoices' } })).sort(), ['ESC-2', 'ESC-4']);
    assert.deepEqual(await ids(personas.product, { parameters: { query: 'card payment EU' } }), ['ESC-3']);
    assert.deepEqual((await ids(personas.security, { parameters: { query: 'invoices' } })).sort(), [
      'ESC-1',
      'ESC-2',
      'ESC-4',
    ]);
    for (const parameters of [{ query: 'invoices' }, { customer: 'Contoso' }, { query: 'Initech Globex' }, {}]) {
      const { raw } = await search(personas.product, { parameters });
      assert.ok(!raw.includes(secret.summary) && !/ESC-1(?!\d)/.test(raw), `nothing of ESC-1: ${raw.slice(0, 300)}`);
    }
  });

  it('opened with nothing typed lists the person’s own open escalations first, then the rest due soonest', async () => {
    const sams = await ids(personas.supportL2, { initialRun: true });
    assert.deepEqual(sams.slice(0, 2).sort(), ['ESC-3', 'ESC-4'], 'what Sam raised');
    assert.deepEqual(sams.slice(2), ['ESC-2'], 'and not the Security one');
    const danas = await ids(personas.agent, { initialRun: true });
    assert.deepEqual(danas.slice(0, 2).sort(), ['ESC-1', 'ESC-2']);
    assert.deepEqual(danas.slice(2).sort(), ['ESC-3', 'ESC-4']);
  });

  it('pages with skip and count', async () => {
    const first = await ids(personas.agent, { initialRun: true, skip: 0, count: 3 });
    const second = await ids(personas.agent, { initialRun: true, skip: 3, count: 3 });
    assert.equal(first.length, 3);
    assert.equal(second.length, 1);
    assert.deepEqual([...first, ...second], await ids(personas.agent, { initialRun: true }));
    assert.deepEqual(await ids(personas.agent, { initialRun: true, skip: 4 }), []);
  });

  it('answers Copilot-shaped queries sensibly: empty, null, numbers, lists, labels, names it does not know', async () => {
    const copilot = { channelId: 'm365extensions' };
    const asked = (parameters: Record<string, unknown>) => ids(personas.product, { ...copilot, parameters });
    assert.deepEqual((await asked({ query: '', customer: null, tier: 'Engineering', status: 'New' })).sort(), [
      'ESC-2',
      'ESC-3',
    ]);
    assert.deepEqual(await asked({ query: 2 }), ['ESC-2']);
    assert.deepEqual(await asked({ query: 'escalations', customer: 'Contoso', severity: ['Medium'] }), ['ESC-4']);
    assert.deepEqual(
      await asked({ query: 'Contoso', customer: 'Contoso', status: 'still open', severity: 'high' }),
      ['ESC-2'],
      'the customer is not searched again as words',
    );
    assert.deepEqual(await asked({ status: 'Waiting on customer' }), []);
    assert.deepEqual(await asked({ tier: 'l2', mood: 'urgent', constructor: 'x' }), [], 'no L2 Support escalation');
    assert.equal(
      (await asked({ query: null, customer: { name: 'Contoso' }, tier: [], status: ['new', 'closed'] })).length,
      3,
    );

    const unreadable = await search(personas.product, { ...copilot, parameters: { tier: 'Marketing' } });
    assert.equal(unreadable.extension.type, 'message');
    assert.match(unreadable.extension.text, /“Marketing” is not a tier: name L2 Support, Engineering, Product/);
    const badStatus = await search(personas.product, { parameters: { status: 'pending' } });
    assert.match(badStatus.extension.text, /“pending” is not a status/);
    const numbered = await search(personas.product, { ...copilot, parameters: { severity: 1 } });
    assert.equal(numbered.extension.text, '“1” is not a severity: name Critical, High or Medium.');

    const prototypeKeys = JSON.parse('[{"name": "__proto__", "value": "x"}, {"name": "toString", "value": "y"}]');
    for (const rawParameters of [
      null,
      'query',
      [null, 1, 'x', { name: 'query' }, { value: 'ESC-2' }],
      {},
      [[]],
      prototypeKeys,
    ]) {
      await search(personas.product, { ...copilot, rawParameters });
    }
    for (const rawQueryOptions of [null, { skip: -5, count: 'ten' }, { skip: 1e308, count: 1e9 }, 'all']) {
      await search(personas.product, { parameters: { query: 'invoices' }, rawQueryOptions });
    }
  });

  describe('the card a result inserts', () => {
    let inserted: any;
    before(async () => {
      const { extension } = await search(personas.engineer, { parameters: { query: 'ESC-2' } });
      inserted = extension.attachments[0];
    });

    it('is a valid brief card that refreshes first for its reader', () => {
      assert.equal(inserted.contentType, 'application/vnd.microsoft.card.adaptive');
      assert.equal(inserted.preview.contentType, 'application/vnd.microsoft.card.thumbnail');
      assert.deepEqual(cardProblems(inserted.content), []);
      assert.ok(!cardJson(inserted.content).includes('${'), 'no ${ survives expansion');
      assert.match(textOf(inserted.content), /Invoices export as empty PDFs/);
      const refresh = inserted.content.refresh;
      assert.equal(refresh.action.type, 'Action.Execute');
      assert.equal(refresh.action.verb, 'escalation.refresh');
      assert.ok(refresh.userIds.includes(personas.engineer.id), 'their Teams id');
      assert.ok(refresh.userIds.includes(`8:orgid:${personas.engineer.aadObjectId}`), 'their Entra id');
    });

    it('acts for a tier member who clicks it in the chat it was put in, and every other copy follows', async () => {
      const channelCard = teams
        .posts(channels.engineering.id)
        .find((p: PostedActivity) => p.kind === 'create' && (p.activity.summary ?? '').startsWith('ESC-2:'));
      assert.ok(channelCard, 'ESC-2 was posted in the Engineering channel');
      const acknowledge = actionsOf(inserted.content).find(
        (a: any) => a.verb === 'escalation.setStatus' && a.data?.status === 'acknowledged',
      );
      assert.ok(acknowledge, JSON.stringify(actionsOf(inserted.content).map((a: any) => a.verb)));
      const clicked = await send(
        app.url,
        cardAction({
          serviceUrl: teams.url,
          user: personas.engineer,
          card: { conversationId: huddle, activityId: '1765000000001' },
          verb: acknowledge.verb,
          data: acknowledge.data,
        }),
      );
      assert.equal(clicked.status, 200);
      assert.equal(clicked.body.statusCode, 200);
      assert.equal((await app.store.getEscalation('ESC-2'))?.status, 'acknowledged');
      assert.match(textOf(clicked.body.value), /Acknowledged/);
      assert.doesNotMatch(textOf(clicked.body.value), /can't see|refused|not allowed/i);
      const updated = await teams.waitFor(() =>
        teams
          .updates(channelCard.conversationId, channelCard.activityId)
          .find((u) => /Acknowledged/.test(cardJson(u.activity))),
      );
      assert.ok(updated, 'the channel’s copy shows it acknowledged');
    });

    it('offers Follow to a reader who does not follow it, and its click makes them a follower', async () => {
      const { extension } = await search(personas.product, { parameters: { query: 'ESC-3' } });
      const card = extension.attachments[0].content;
      const verbsOffered = () => actionsOf(card).map((a: any) => a.verb);
      assert.match(textOf(card), /1 person follows this\./);
      const follow = actionsOf(card).find((a: any) => a.verb === 'escalation.follow');
      assert.ok(follow, JSON.stringify(verbsOffered()));
      assert.ok(!verbsOffered().includes('escalation.unfollow'));
      const clicked = await send(
        app.url,
        cardAction({
          serviceUrl: teams.url,
          user: personas.product,
          card: { conversationId: huddle, activityId: '1765000000003' },
          verb: follow.verb,
          data: follow.data,
        }),
      );
      assert.equal(clicked.status, 200);
      assert.equal(clicked.body.statusCode, 200);
      assert.deepEqual(
        (await app.store.followers('ESC-3')).map((person) => person.id),
        [personas.product.aadObjectId],
      );
      const answer = actionsOf(clicked.body.value).map((a: any) => a.verb);
      assert.ok(
        answer.includes('escalation.unfollow') && !answer.includes('escalation.follow'),
        JSON.stringify(answer),
      );
      assert.match(textOf(clicked.body.value), /2 people follow this, you among them\./);
    });

    it('shows an outsider who refreshes a Security escalation’s inserted card nothing of it', async () => {
      const { extension } = await search(personas.agent, { parameters: { query: 'ESC-1' } });
      const card = extension.attachments[0].content;
      assert.match(textOf(card), new RegExp(secret.summary));
      const refreshed = await send(
        app.url,
        cardAction({
          serviceUrl: teams.url,
          user: personas.product,
          card: { conversationId: huddle, activityId: '1765000000002' },
          verb: card.refresh.action.verb,
          data: card.refresh.action.data,
          trigger: 'automatic',
        }),
      );
      assert.equal(refreshed.status, 200);
      const shown = JSON.stringify(refreshed.body);
      assert.match(textOf(refreshed.body.value), /can't see this escalation/);
      assert.ok(!shown.includes(secret.summary) && !shown.includes(secret.customer), shown.slice(0, 400));
    });
  });

  // Last: it raises one more escalation.
  it('a customer’s name typed in the box finds that customer’s escalations first, and the words’ too', async () => {
    await escalate(personas.supportL2, {
      ...forms.vat,
      summary: 'Northwind reports VAT rounding in exports',
      customerNames: 'Fabrikam',
    });
    const found = await ids(personas.product, { parameters: { query: 'Northwind' } });
    assert.deepEqual(found, ['ESC-3', 'ESC-5'], 'Northwind Traders’ escalation, then the one that names Northwind');
  });
});
