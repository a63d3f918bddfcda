// What a turn sends (a reply to a command) counts against Teams' per-conversation limits like the
// outbox's posts and updates: over HTTP with the fake Bot Connector, a burst of commands in a
// channel, with cards posted there meanwhile, reaches Teams within 7 sends in any second.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { post, startTestApp } from '../support/app';
import { fullForm } from '../support/briefs';
import { FakeConnector } from '../support/fakeConnector';
import { channelMessage, channelOf, channels, routeTier, send } from '../support/teamsActivities';

/** The most sends (POST and PUT) to `channel` and its threads that reached the fake within any `windowMs`. */
function mostWithin(teams: FakeConnector, channel: string, windowMs: number): number {
  const times = teams.requests
    .filter((r) => (r.method === 'POST' || r.method === 'PUT') && channelOf(r.conversationId ?? '') === channel)
    .map((r) => r.time.getTime())
    .sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while ((times[last] as number) - (times[first] as number) >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe("A turn's replies and Teams' pace", () => {
  let app: RunningApp;
  let teams: FakeConnector;

  before(async () => {
    teams = await FakeConnector.start();
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
    await teams.close();
  });

  it('keeps replies to commands and the cards posted in one channel within 7 sends a second, and answers every command', async () => {
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    const commands = Array.from({ length: 9 }, () =>
      send(app.url, channelMessage({ serviceUrl: teams.url, channel: channels.engineering, text: 'routes' })),
    );
    const raised = [1, 2].map(() => post(`${app.url}/api/escalations`, { ...fullForm, requester: { name: 'Dana' } }));
    for (const answer of await Promise.all(commands)) assert.equal(answer.status, 200);
    for (const answer of await Promise.all(raised)) assert.equal(answer.status, 201);
    await teams.waitFor(() => teams.posts().filter((p) => p.kind === 'create').length === 2, 15_000);
    const replies = teams.requests.filter((r) => r.route === 'replyToActivity' || r.route === 'sendToConversation');
    assert.ok(replies.length >= 10, `every command was answered (${replies.length} replies)`);
    assert.ok(mostWithin(teams, channels.engineering.id, 1_000) <= 7, 'at most 7 sends in any second');
    assert.ok(mostWithin(teams, channels.engineering.id, 2_000) <= 8, 'at most 8 sends in any 2 seconds');
  });
});
