// Swarm and Meet now from the card, over HTTP: the real bot with the fake Bot Connector and a fake
// Microsoft Graph (chats, installedApps, members). One chat an escalation, its card kept current
// there, nobody added who may not see the escalation; without Graph, Teams' deep links.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { minimalForm } from '../support/briefs';
import { actionsOf, textOf } from '../support/cardValidation';
import { adaptiveCardOf, FakeConnector, type PostedActivity, rosterFrom } from '../support/fakeConnector';
import { FakeGraph } from '../support/fakeGraph';
import {
  type BotResponse,
  cardAction,
  channels,
  type Persona,
  personas,
  routeTier,
  send,
} from '../support/teamsActivities';

const teamsAppId = '00000000-0000-4000-8000-00000000e5c1';
const summary = 'Invoices export as empty PDFs';

describe('Swarm and Meet now from the card', () => {
  let teams: FakeConnector;
  let graph: FakeGraph;
  let app: RunningApp;

  before(async () => {
    teams = await FakeConnector.start();
    graph = await FakeGraph.start();
  });
  after(async () => {
    await teams.close();
    await graph.close();
  });
  afterEach(() => app?.close());

  const startWithGraph = async () => {
    app = await startTestApp({
      TEAMS_APP_ID: teamsAppId,
      ...graph.appEnv(),
    });
  };
  const raise = async (form: object, by: Persona = personas.agent) => {
    const headers = { 'x-dev-user': by.aadObjectId, 'x-dev-user-name': by.name };
    const created = await post(`${app.url}/api/escalations`, { ...form, requester: { name: by.name } }, headers);
    assert.equal(created.status, 201, await created.clone().text());
    return json(created);
  };
  const channelPost = (channelId: string) =>
    teams.waitFor(() => teams.posts().find((p) => p.kind === 'create' && p.conversationId.startsWith(channelId)));
  const swarmClick = (card: PostedActivity, user: Persona, id: string, people: Persona[] | string) =>
    send(
      app.url,
      cardAction({
        serviceUrl: teams.url,
        user,
        card,
        verb: 'escalation.swarm',
        data: {
          escalationId: id,
          version: 1,
          people: typeof people === 'string' ? people : people.map((p) => p.aadObjectId).join(','),
        },
      }),
    );
  const answerText = async (answer: BotResponse) => textOf(answer.body?.value);

  it('opens one chat with the requester, the owner and the people picked, posts the card there and keeps it current; a second Swarm adds to it', async () => {
    teams.reset();
    graph.chats.length = 0;
    await startWithGraph();
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    const { id } = await raise({ ...minimalForm, target: 'engineering', summary });
    const card = await channelPost(channels.engineering.id);
    const swarmButton = actionsOf(adaptiveCardOf(card.activity)).find((a) => a.title === 'Swarm');
    assert.equal(swarmButton?.type, 'Action.ShowCard', 'with Graph, Swarm opens a picker');

    const answer = await swarmClick(card, personas.engineer, id, [personas.lead]);
    assert.match(await answerText(answer), /Opened ESC-1's swarm chat with/);
    assert.equal(graph.chats.length, 1);
    const [chat] = graph.chats;
    assert.equal(chat?.topic, `${id} · ${summary}`);
    assert.deepEqual(
      [...(chat?.members ?? [])].sort(),
      [personas.agent, personas.engineer, personas.lead].map((p) => p.aadObjectId).sort(),
    );
    assert.deepEqual(chat?.apps, [teamsAppId]);
    const inChat = await teams.waitFor(() => teams.posts(chat?.id).find((p) => adaptiveCardOf(p.activity)));
    assert.ok(textOf(adaptiveCardOf(inChat.activity)).includes(summary));
    const detail = await json(await fetch(`${app.url}/api/escalations/${id}`));
    assert.ok(detail.timeline.some((e: any) => e.kind === 'swarm' && /Eli Engineer opened a swarm chat/.test(e.text)));

    // A change on the channel's card updates the chat's copy too.
    await send(
      app.url,
      cardAction({
        serviceUrl: teams.url,
        user: personas.engineer,
        card,
        verb: 'escalation.setStatus',
        data: { escalationId: id, version: 2, status: 'acknowledged' },
      }),
    );
    await teams.waitFor(
      () => /Acknowledged/.test(textOf(teams.card(inChat.conversationId, inChat.activityId))),
      15_000,
    );

    const again = await swarmClick(card, personas.engineer, id, [personas.lead, personas.product]);
    assert.match(await answerText(again), /swarm chat now has/);
    assert.equal(graph.chats.length, 1, 'the same chat');
    assert.ok(chat?.members.includes(personas.product.aadObjectId));
  });

  it('never adds someone who may not see a Security escalation, and says so', async () => {
    teams.reset();
    graph.chats.length = 0;
    teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.lead]));
    await startWithGraph();
    await routeTier(app.url, teams.url, 'security', channels.security);
    const { id } = await raise({
      ...minimalForm,
      target: 'security',
      severity: 'critical',
      signals: 'data_exposure',
      summary,
    });
    const card = await channelPost(channels.security.id);
    const answer = await swarmClick(
      card,
      personas.security,
      id,
      `${personas.lead.aadObjectId},${personas.engineer.aadObjectId}`,
    );
    const said = await answerText(answer);
    assert.match(said, /Eli Engineer may not see ESC-1, so was not added\./);
    const [chat] = graph.chats;
    assert.ok(chat, said);
    assert.equal(chat.members.includes(personas.engineer.aadObjectId), false);
    assert.ok(chat.members.includes(personas.lead.aadObjectId));
    teams.rosters.delete(channels.security.id);
  });

  it('answers hostile Swarm clicks with the card and a sentence, never a 5xx, and makes no chat of them', async () => {
    teams.reset();
    graph.chats.length = 0;
    await startWithGraph();
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    const { id } = await raise({ ...minimalForm, target: 'engineering', summary: '<b>[x](javascript:alert(1))</b>' });
    const card = await channelPost(channels.engineering.id);
    const hostile: unknown[] = [
      'x'.repeat(100_000),
      '__proto__,constructor',
      '<script>alert(1)</script>',
      { toString: 'x' },
      ['a', 'b'],
      42,
      null,
      Array.from({ length: 50 }, (_, n) => `aad-${n}`).join(','),
      '[me](https://evil.example)',
    ];
    for (const people of hostile) {
      const answer = await send(
        app.url,
        cardAction({
          serviceUrl: teams.url,
          user: personas.engineer,
          card,
          verb: 'escalation.swarm',
          data: { escalationId: id, version: 1, people } as never,
        }),
      );
      assert.equal(answer.status, 200, JSON.stringify(people).slice(0, 80));
      const text = textOf(answer.body?.value);
      assert.ok(!/\]\(https:\/\/evil|\]\(javascript:/.test(JSON.stringify(answer.body?.value)), 'no link people wrote');
      assert.ok(text.length > 0);
    }
    // The requester and the one swarming are always in it; nobody a hostile pick named.
    assert.ok(graph.chats.length <= 1);
    const allowed = new Set([personas.agent.aadObjectId, personas.engineer.aadObjectId]);
    assert.ok(
      graph.chats.every((chat) => chat.members.every((m) => allowed.has(m))),
      JSON.stringify(graph.chats),
    );
  });

  it('without Graph, Swarm and Meet now are Teams deep links with the requester and the owner', async () => {
    teams.reset();
    app = await startTestApp();
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    await raise({ ...minimalForm, target: 'engineering', summary });
    const card = adaptiveCardOf((await channelPost(channels.engineering.id)).activity);
    const swarm = actionsOf(card).find((a) => a.title === 'Swarm');
    const meet = actionsOf(card).find((a) => a.title === 'Meet now');
    assert.equal(swarm?.type, 'Action.OpenUrl');
    assert.equal(swarm.url, `https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(personas.agent.email)}`);
    assert.equal(meet?.type, 'Action.OpenUrl');
    assert.match(
      meet.url,
      /^https:\/\/teams\.microsoft\.com\/l\/meeting\/new\?subject=ESC-1%20%C2%B7%20Invoices%20export/,
    );
    assert.match(
      meet.url,
      /&attendees=dana\.agent%40contoso\.example&content=ESC-1%3A%20http%3A%2F%2Flocalhost%3A3978%2Fescalations%2FESC-1$/,
    );
    // The board offers the same links.
    const detail = await json(await fetch(`${app.url}/api/escalations/ESC-1`));
    assert.deepEqual(detail.swarm, { chat: swarm.url, meeting: meet.url });
  });
});
