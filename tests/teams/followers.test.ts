// The people who care about an escalation, over HTTP with the real bot and the fake Bot
// Connector: the requester's own live card in their chat with the bot.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { post, startTestApp } from '../support/app';
import { fullForm } from '../support/briefs';
import { cardProblems, textOf } from '../support/cardValidation';
import { FakeConnector, type PostedActivity } from '../support/fakeConnector';
import {
  cardAction,
  channels,
  type Persona,
  personalConversationId,
  personas,
  routeTier,
  send,
  submitAction,
} from '../support/teamsActivities';

/** Polls until `check` holds (at most 5 s). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('not within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('The people who care about an escalation', () => {
  let app: RunningApp;
  let teams: FakeConnector;

  before(async () => {
    teams = await FakeConnector.start();
  });
  after(() => teams.close());
  beforeEach(async () => {
    teams.reset();
    teams.clearFaults();
    app = await startTestApp();
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
  });
  afterEach(() => app.close());

  /** Escalates from the messaging extension's dialog, opened in a group chat (not the person's own chat). */
  const escalateFromTeams = async (user: Persona = personas.agent, form: Record<string, unknown> = fullForm) => {
    const answer = await send(
      app.url,
      submitAction({
        serviceUrl: teams.url,
        groupChatId: '19:support-chat@thread.v2',
        user,
        data: { ...form, verb: 'escalation.submit' },
      }),
    );
    assert.equal(answer.status, 200);
    return answer.body.task.value.card.content;
  };
  const cardsInChatOf = (user: Persona) =>
    teams.posts(personalConversationId(user)).filter((p) => p.activity.attachments?.length);
  const channelPost = () => teams.posts().find((p) => p.kind === 'create') as PostedActivity;
  const click = (user: Persona, card: PostedActivity, verb: string, data: Record<string, unknown> = {}) =>
    send(app.url, cardAction({ serviceUrl: teams.url, user, card, verb, data: { escalationId: 'ESC-1', ...data } }));
  const failedDeliveries = async () => {
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    return Number(/^escalation_desk_deliveries_failed (\d+)/m.exec(metrics)?.[1]);
  };

  describe("the requester's live card", () => {
    it('puts the card in their own chat with the bot, says so, and the owner’s Acknowledge updates it', async () => {
      const confirmation = await escalateFromTeams();
      assert.match(textOf(confirmation), /Its card is also in your chat with Escalation Desk/);
      await teams.waitFor(() => cardsInChatOf(personas.agent).length === 1);
      const mine = cardsInChatOf(personas.agent)[0] as PostedActivity;
      const card = teams.card(mine.conversationId, mine.activityId);
      assert.deepEqual(cardProblems(card), []);
      assert.match(textOf(card), /Invoices export as empty PDFs/);
      await teams.waitFor(() => channelPost() !== undefined);
      const answer = await click(personas.engineer, channelPost(), 'escalation.setStatus', { status: 'acknowledged' });
      assert.equal(answer.status, 200);
      await teams.waitFor(() => /Acknowledged/.test(textOf(teams.card(mine.conversationId, mine.activityId))));
      // One copy a person: a repeated submit makes no second one.
      await escalateFromTeams();
      assert.equal(cardsInChatOf(personas.agent).length, 1);
    });

    it('gives none to a requester without Teams (the API), and says nothing of one', async () => {
      const created = await post(`${app.url}/api/escalations`, { ...fullForm, requester: { name: 'Dana Agent' } });
      assert.equal(created.status, 201);
      await teams.waitFor(() => channelPost() !== undefined);
      assert.equal(cardsInChatOf(personas.agent).length, 0);
      assert.equal(teams.posts().filter((p) => !p.conversationId.startsWith(channels.engineering.id)).length, 0);
    });

    it('records a person the bot cannot reach as failed once, and tries no more', async () => {
      teams.failNext(5, 403, { match: (r) => r.route === 'createConversation' && !r.body?.channelData?.channel });
      await escalateFromTeams();
      await eventually(async () => (await failedDeliveries()) === 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(teams.pendingFaults(), 4, 'asked Teams once');
      assert.equal(cardsInChatOf(personas.agent).length, 0);
    });
  });
});
