// The people who care about an escalation, over HTTP with the real bot and the fake Bot
// Connector: the requester's own live card in their chat with the bot; Follow and Unfollow.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { post, startTestApp } from '../support/app';
import { fullForm } from '../support/briefs';
import { cardProblems, textOf } from '../support/cardValidation';
import { FakeConnector, type PostedActivity, rosterFrom } from '../support/fakeConnector';
import {
  cardAction,
  channels,
  type Persona,
  personalConversationId,
  personalMessage,
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
    teams.rosters.clear();
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
      assert.match(
        textOf(confirmation),
        /Its card is also in your chat with Escalation Desk, kept current; you follow it and are told of each change that matters\./,
      );
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

  describe('Follow and Unfollow', () => {
    const buttons = (card: any) =>
      JSON.stringify(card)
        .match(/"title":"(Follow|Unfollow)"/g)
        ?.map((t) => t.slice(9, -1)) ?? [];
    const mineSays = async (user: Persona) => {
      await send(app.url, personalMessage({ serviceUrl: teams.url, user, text: 'mine' }));
      return (teams.posts(personalConversationId(user)).at(-1) as PostedActivity).activity.text as string;
    };

    it('lets a tier member follow from the card, lists it in their mine, and unfollow again', async () => {
      await escalateFromTeams();
      await teams.waitFor(() => channelPost() !== undefined);
      const channelCard = teams.card(channelPost().conversationId, channelPost().activityId);
      assert.match(textOf(channelCard), /1 person follows this\./);
      assert.deepEqual(buttons(channelCard), ['Follow']);
      const followed = await click(personas.engineer, channelPost(), 'escalation.follow');
      const card = followed.body.value;
      assert.deepEqual(cardProblems(card), []);
      assert.match(textOf(card), /2 people follow this, you among them\./);
      assert.deepEqual(buttons(card), ['Unfollow']);
      assert.ok(card.refresh.userIds.includes(personas.engineer.id), 'refreshed for the follower');
      assert.match(await mineSays(personas.engineer), /ESC-1/);
      // The requester follows as the requester: no button to stop.
      const requesters = await click(personas.agent, channelPost(), 'escalation.refresh');
      assert.match(textOf(requesters.body.value), /2 people follow this, you as its requester\./);
      assert.deepEqual(buttons(requesters.body.value), []);
      const unfollowed = await click(personas.engineer, channelPost(), 'escalation.unfollow');
      assert.match(textOf(unfollowed.body.value), /1 person follows this\./);
      assert.deepEqual(buttons(unfollowed.body.value), ['Follow']);
      assert.match(await mineSays(personas.engineer), /follow no escalations/);
    });

    it('lets nobody follow a Security escalation they may not see', async () => {
      teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.lead]));
      await routeTier(app.url, teams.url, 'security', channels.security);
      await escalateFromTeams(personas.agent, {
        ...fullForm,
        target: 'security',
        severity: 'critical',
        signals: 'data_exposure',
      });
      const elsewhere = {
        conversationId: personalConversationId(personas.engineer),
        activityId: '1',
      } as PostedActivity;
      const answer = await click(personas.engineer, elsewhere, 'escalation.follow');
      assert.equal(answer.status, 200);
      assert.match(textOf(answer.body.value), /You can't see this escalation\./);
      assert.doesNotMatch(JSON.stringify(answer.body.value), /Invoices export/);
      assert.match(await mineSays(personas.engineer), /follow no escalations/);
    });
  });
});
