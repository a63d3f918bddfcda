// Followers' notices in the Teams activity feed when Microsoft Graph is configured (TEAMS_APP_ID and
// an identity), over HTTP with the real bot, the fake Bot Connector and a fake Graph that checks each
// notification against the manifest's activity types: once per window, never for one's own
// changes, a 429 waited out and sent once, a person the app is not installed for asked once.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningApp } from '../../src/main';
import { startTestApp } from '../support/app';
import { FakeConnector, rosterFrom } from '../support/fakeConnector';
import { FakeGraph } from '../support/fakeGraph';
import { alertsTo, clickOnCard, escalatedToEngineering } from '../support/followedEscalation';
import { channels, type Persona, personas, routeTier } from '../support/teamsActivities';

const teamsAppId = '00000000-0000-4000-8000-00000000e5c1';
const windowMs = 400;
const feedPath = (user: Persona) => `/v1.0/users/${user.aadObjectId}/teamwork/sendActivityNotification`;

describe('Followers told in the Teams activity feed (Graph configured)', () => {
  let app: RunningApp;
  let teams: FakeConnector;
  let graph: FakeGraph;

  before(async () => {
    teams = await FakeConnector.start();
    graph = await FakeGraph.start();
  });
  after(async () => {
    await teams.close();
    await graph.close();
  });
  beforeEach(async () => {
    teams.reset();
    teams.rosters.clear();
    graph.clearFaults();
    graph.feed.length = 0;
    graph.requests.length = 0;
    graph.notInstalled.clear();
    graph.feedNotGranted = false;
  });
  afterEach(() => app.close());

  const start = async (env: Record<string, string> = {}) => {
    app = await startTestApp(
      {
        ...env,
        TEAMS_APP_ID: teamsAppId,
        ...graph.appEnv(),
      },
      { noticeWindowMs: windowMs, delivery: { pollMs: 100, backoffBaseMs: 50 } },
    );
    await escalatedToEngineering(app.url, teams);
  };
  const click = (user: Persona, verb: string, data: Record<string, unknown> = {}) =>
    clickOnCard(app.url, teams, user, verb, data);
  const feedOf = (user: Persona) => graph.feed.filter((n) => n.userId === user.aadObjectId);
  const asked = (user: Persona) => graph.requests.filter((r) => r.path === feedPath(user));
  const windowPasses = () => new Promise((resolve) => setTimeout(resolve, windowMs * 3));

  it("tells the requester of the owner's Acknowledge in their feed, once, opening the card; nothing to the owner, no chat message", async () => {
    await start();
    await click(personas.engineer, 'escalation.setStatus', { status: 'acknowledged', version: 1 });
    const [told] = await graph.waitFor(() => feedOf(personas.agent).length === 1 && feedOf(personas.agent));
    await windowPasses();
    assert.equal(feedOf(personas.agent).length, 1);
    assert.equal(told?.activityType, 'escalationChanged');
    assert.deepEqual(told?.templateParameters, { escalation: 'ESC-1', change: 'Eli Engineer acknowledged it' });
    assert.match(told?.previewText ?? '', /^Invoices export as empty PDFs[^:]*: Eli Engineer acknowledged it$/);
    assert.equal(told?.topic.value, 'ESC-1');
    // It opens the card: its thread in the Engineering channel (the requester's own copy needs the bot's id).
    assert.match(
      told?.topic.webUrl ?? '',
      /^https:\/\/teams\.microsoft\.com\/l\/message\/19%3Aengineering%40thread\.tacv2\//,
    );
    assert.equal(told?.teamsAppId, teamsAppId);
    assert.deepEqual(feedOf(personas.engineer), []);
    assert.deepEqual(alertsTo(teams, personas.agent), [], 'the feed, not an alerting chat message');
  });

  it('makes three changes within the window one notification', async () => {
    await start();
    await click(personas.engineer, 'escalation.setStatus', { status: 'acknowledged', version: 1 });
    await click(personas.engineer, 'escalation.setStatus', { status: 'fix_in_progress', version: 2 });
    await click(personas.engineer, 'escalation.setStatus', { status: 'waiting_on_customer', version: 3 });
    await graph.waitFor(() => feedOf(personas.agent).length >= 1);
    await windowPasses();
    assert.equal(feedOf(personas.agent).length, 1);
    assert.equal(feedOf(personas.agent)[0]?.templateParameters.change, 'Eli Engineer acknowledged it (and 2 more)');
  });

  it('waits out a 429 and sends once', async () => {
    await start();
    graph.failNextNotifications(1, 429, 1);
    await click(personas.engineer, 'escalation.setStatus', { status: 'acknowledged', version: 1 });
    await graph.waitFor(() => feedOf(personas.agent).length === 1, 10_000);
    await windowPasses();
    assert.deepEqual(
      asked(personas.agent).map((r) => r.status),
      [429, 204],
    );
    assert.equal(feedOf(personas.agent).length, 1);
  });

  it('asks Graph once for a person the app is not installed for, not again for each change', async () => {
    graph.notInstalled.add(personas.agent.aadObjectId);
    await start();
    await click(personas.engineer, 'escalation.setStatus', { status: 'acknowledged', version: 1 });
    await graph.waitFor(() => asked(personas.agent).length === 1);
    await windowPasses();
    await click(personas.engineer, 'escalation.setStatus', { status: 'fix_in_progress', version: 2 });
    await windowPasses();
    assert.deepEqual(
      asked(personas.agent).map((r) => r.status),
      [404],
    );
  });

  it('tells followers in their chat while the app may not send to activity feeds (TeamsActivity.Send not granted), and holds nothing against them', async () => {
    graph.feedNotGranted = true;
    await start();
    await click(personas.engineer, 'escalation.setStatus', { status: 'acknowledged', version: 1 });
    await teams.waitFor(() => alertsTo(teams, personas.agent).length === 1);
    assert.match(alertsTo(teams, personas.agent)[0]?.activity.text ?? '', /Eli Engineer acknowledged it/);
    graph.feedNotGranted = false;
    await windowPasses();
    await click(personas.engineer, 'escalation.setStatus', { status: 'fix_in_progress', version: 2 });
    await graph.waitFor(() => feedOf(personas.agent).length === 1);
    assert.equal(alertsTo(teams, personas.agent).length, 1);
  });

  it('tells the requester of a customer update coming due as an SLA clock notification', async function () {
    this.timeout(15_000);
    const policy = join(mkdtempSync(join(tmpdir(), 'feed-clock-')), 'sla.json');
    writeFileSync(policy, JSON.stringify({ high: { acknowledge: 'PT1H', customerUpdate: 'PT4S', resolve: 'PT1H' } }));
    await start({ SLA_POLICY: policy, SLA_CHECK_INTERVAL: 'PT0.2S' });
    const told = await graph.waitFor(() => feedOf(personas.agent).find((n) => n.activityType === 'slaClock'), 8_000);
    assert.equal(told.templateParameters.escalation, 'ESC-1');
    assert.match(told.templateParameters.clock ?? '', /^customer update due in \d+ s$/);
    assert.match(told.previewText, /you talk to the customer, update them/);
  });

  it('tells a follower who may no longer see it after a move to Security nothing more', async () => {
    teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.engineer]));
    await start();
    await routeTier(app.url, teams.url, 'security', channels.security);
    await click(personas.supportL2, 'escalation.follow');
    await click(personas.engineer, 'escalation.retarget', { target: 'security', reason: 'Data exposure', version: 1 });
    await windowPasses();
    assert.deepEqual(feedOf(personas.supportL2), []);
    assert.ok(feedOf(personas.agent).some((n) => /Security/.test(n.previewText)));
  });
});
