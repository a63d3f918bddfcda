// "Fill from ticket", over HTTP against the real bot: the escalation form (the chat card, the
// messaging extension's dialog, `new <ticket>`, a message's "..." menu) filled from a ticket read
// from fake Zendesk, ServiceNow and Jira on loopback; what the person sees when the desk does not
// know the ticket or does not answer; and the ticket on the brief that is escalated.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { json, startTestApp } from '../support/app';
import { fullForm } from '../support/briefs';
import { cardJson, cardProblems, inputsOf, textOf } from '../support/cardValidation';
import { adaptiveCardOf, FakeConnector } from '../support/fakeConnector';
import {
  cardAction,
  channels,
  fetchTask,
  personalMessage,
  personas,
  routeTier,
  send,
  submitAction,
} from '../support/teamsActivities';
import { addTickets, cases, envOf, jira, postZendeskWebhook, sam, serviceNow, zendesk } from '../support/ticketsToFill';

const valuesOf = (card: unknown) => Object.fromEntries(inputsOf(card).map((i) => [i.id, i.value]));

function assertValidCard(card: unknown) {
  assert.deepEqual(cardProblems(card), []);
  assert.ok(!cardJson(card).includes('${'), 'no ${ survives expansion');
}

function assertFilled(card: unknown, expected: Record<string, string>) {
  const values = valuesOf(card);
  for (const [field, value] of Object.entries(expected)) assert.equal(values[field], value, field);
}

describe('Fill from ticket', () => {
  let app: RunningApp;
  let teams: FakeConnector;

  before(async () => {
    teams = await FakeConnector.start();
    await Promise.all([zendesk.start(), serviceNow.start(), jira.start()]);
    addTickets();
  });
  after(async () => {
    await teams.close();
    await Promise.all([zendesk.stop(), serviceNow.stop(), jira.stop()]);
  });
  beforeEach(async () => {
    teams.reset();
    for (const desk of [zendesk, serviceNow, jira]) desk.downWith = undefined;
    app = await startTestApp(envOf());
  });
  afterEach(() => app.close());

  const say = (text: string) => send(app.url, personalMessage({ serviceUrl: teams.url, user: personas.agent, text }));
  /** `new` in personal chat: the form card it posts, and where it is. */
  const newForm = async (text = 'new') => {
    await say(text);
    const posted = teams.posts().at(-1) as { conversationId: string; activityId: string; activity: unknown };
    return { card: adaptiveCardOf(posted.activity), location: posted };
  };
  /** A click on the chat form (Action.Execute): the card it answers with. */
  const clickInChat = async (verb: string, data: Record<string, unknown>) => {
    const { location } = await newForm();
    const answer = await send(
      app.url,
      cardAction({ serviceUrl: teams.url, user: personas.agent, card: location, verb, data }),
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.body.statusCode, 200);
    return answer.body.value;
  };
  /** A click in the messaging extension's dialog (Action.Submit): the dialog's card. */
  const clickInDialog = async (data: Record<string, unknown>) => {
    const answer = await send(
      app.url,
      submitAction({ serviceUrl: teams.url, groupChatId: '19:support-chat@thread.v2', user: personas.agent, data }),
    );
    assert.equal(answer.status, 200);
    return answer.body.task.value.card.content;
  };

  for (const desk of cases) {
    it(`fills the chat form from a ${desk.name} ticket, keeping what was typed`, async () => {
      const typed = { ticket: desk.typed(), workflowImpact: 'Nobody can close the month', summary: '' };
      const card = await clickInChat('ticket.fill', typed);
      assertValidCard(card);
      assertFilled(card, { ...desk.filled(), workflowImpact: 'Nobody can close the month' });
      assert.match(textOf(card), new RegExp(`Filled from ${desk.label}: check it and complete the rest\\.`));
      // Filled again, it is the same Action.Execute form.
      assert.ok(card.body.some((e: any) => JSON.stringify(e).includes('"verb":"ticket.fill"')));
    });

    it(`fills the dialog form from a ${desk.name} ticket`, async () => {
      const card = await clickInDialog({ verb: 'ticket.fill', ticket: desk.typed(), severity: '' });
      assertValidCard(card);
      assertFilled(card, desk.filled());
      assert.match(textOf(card), new RegExp(`Filled from ${desk.label}`));
    });
  }

  it('keeps what the person typed over what the ticket says', async () => {
    const card = await clickInDialog({
      verb: 'ticket.fill',
      ticket: 'Zendesk #4821',
      summary: 'EU checkout broken',
      severity: 'high',
    });
    assertFilled(card, { summary: 'EU checkout broken', severity: 'high', customerNames: 'Contoso' });
  });

  it('keeps what was typed, with a sentence, when the desk does not know the ticket', async () => {
    const typed = { ticket: '99999', summary: 'Refunds are slow', workflowImpact: 'Finance waits' };
    for (const card of [
      await clickInChat('ticket.fill', typed),
      await clickInDialog({ ...typed, verb: 'ticket.fill' }),
    ]) {
      assertValidCard(card);
      assertFilled(card, typed);
      assert.match(textOf(card), /Zendesk does not know ticket 99999: check the number\./);
      assert.equal(valuesOf(card).description, '');
    }
    const unread = await clickInDialog({ verb: 'ticket.fill', ticket: 'not a ticket', summary: 'Refunds are slow' });
    assertFilled(unread, { ticket: 'not a ticket', summary: 'Refunds are slow' });
    assert.match(textOf(unread), /Ticket "not a ticket" is not a ticket of Zendesk, ServiceNow, Jira/);
  });

  it('keeps what was typed, with a sentence, when the desk is down', async () => {
    zendesk.downWith = 503;
    const typed = { ticket: '4821', summary: 'Checkout broken', workflowImpact: 'No sales in the EU' };
    const card = await clickInChat('ticket.fill', typed);
    assertValidCard(card);
    assertFilled(card, { ...typed, severity: '', description: '' });
    assert.match(
      textOf(card),
      /Zendesk did not answer for ticket 4821 \(Zendesk answered 503 to GET \/api\/v2\/tickets\/4821\.json[^)]*\): the form keeps what you typed; try again or fill it in by hand\./,
    );
  });

  it('opens the form filled from the ticket and its draft on "new Zendesk #4821", as a draft note links it', async () => {
    // The desk escalated a ticket that lacked what the form requires: it is kept as a draft.
    const draft = await postZendeskWebhook(app.url, {
      event: 'escalate',
      ticket: { id: '4830' },
      tier: 'engineering',
      signals: 'bug_confirmed,production_down',
      agent: { name: 'Sam Support', email: sam.email },
    });
    assert.equal(draft.status, 200, await draft.clone().text());
    assert.equal((await json(draft)).outcome, 'draft');

    const { card } = await newForm('new Zendesk #4830');
    assertValidCard(card);
    assertFilled(card, {
      summary: 'Refunds stuck in pending',
      target: 'engineering',
      signals: 'bug_confirmed,production_down',
      ticket: `${zendesk.url}/agent/tickets/4830`,
    });
    assert.match(textOf(card), /Filled from Zendesk #4830 and what Sam Support sent from Zendesk/);
    assert.ok(card.actions.some((a: any) => a.type === 'Action.Execute' && a.verb === 'escalation.submit'));

    for (const desk of cases) {
      const filled = await newForm(`new ${desk.label}`);
      assertFilled(filled.card, desk.filled());
    }
    const plain = await newForm('new');
    assert.equal(valuesOf(plain.card).ticket, '');
    await say('help');
    assert.match(teams.posts().at(-1)?.activity.text, /\*\*new <ticket>\*\*: the form filled from a help-desk ticket/);
  });

  it("fills the form from a ticket linked in a message, from its '...' menu", async () => {
    const message = {
      content: `<p>Carla cannot pay, see <a href="${zendesk.url}/agent/tickets/4821">her ticket</a>.</p>`,
      author: personas.supportL2,
    };
    const open = () =>
      send(app.url, fetchTask({ serviceUrl: teams.url, channel: channels.support, user: personas.agent, message }));
    const card = (await open()).body.task.value.card.content;
    assertValidCard(card);
    assertFilled(card, cases[0]?.filled() ?? {});
    assert.match(textOf(card), /Filled from Zendesk #4821/);

    zendesk.downWith = 503;
    const down = (await open()).body.task.value.card.content;
    assertValidCard(down);
    assertFilled(down, { summary: 'Carla cannot pay, see her ticket.', ticket: `${zendesk.url}/agent/tickets/4821` });
    assert.match(textOf(down), /Prefilled from Sam Support's message/);
    assert.match(textOf(down), /Zendesk did not answer for ticket 4821/);

    const mentioned = await send(
      app.url,
      fetchTask({
        serviceUrl: teams.url,
        channel: channels.support,
        user: personas.agent,
        message: { content: 'Jira SUP-12 again: users loop on login', author: personas.supportL2 },
      }),
    );
    assertFilled(mentioned.body.task.value.card.content, cases[2]?.filled() ?? {});
  });

  it('escalates a form filled from a ticket: the brief links the ticket on its card and in its text', async () => {
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    const { card, location } = await newForm('new Zendesk #4821');
    const filled = valuesOf(card);
    const answer = await send(
      app.url,
      cardAction({
        serviceUrl: teams.url,
        user: personas.agent,
        card: location,
        verb: 'escalation.submit',
        data: { ...fullForm, ticket: filled.ticket },
      }),
    );
    assert.match(textOf(answer.body.value), /Escalated as ESC-1/);
    const posted = teams
      .posts()
      .find((p) => p.kind === 'create' && p.conversationId.startsWith(channels.engineering.id));
    assert.ok(posted, 'the brief is posted in the Engineering channel');
    const link = `${zendesk.url}/agent/tickets/4821`;
    assert.ok(textOf(adaptiveCardOf(posted.activity)).includes(`Ticket: [Zendesk #4821](${link})`));
    const text = await (await fetch(`${app.url}/api/escalations/ESC-1/brief.txt`)).text();
    assert.ok(text.includes(`\nTarget: Engineering\nTicket: Zendesk #4821 <${link}>\n`), text);
  });
});
