// Followers are told of the changes that matter to them, over HTTP with the real bot and the fake
// Bot Connector: a short message in their chat with the bot whose alert flag puts it in their
// activity feed (no Graph configured), once for the changes of one window, never of their own.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { startTestApp } from '../support/app';
import { FakeConnector, rosterFrom } from '../support/fakeConnector';
import { alertsTo, clickOnCard, escalatedToEngineering } from '../support/followedEscalation';
import { channels, type Persona, personas, routeTier } from '../support/teamsActivities';

/** Changes this close together make one notice (a deployment's minute, shortened). */
const windowMs = 400;

describe('Followers are told of what changes', () => {
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
    app = await startTestApp({}, { noticeWindowMs: windowMs });
    await escalatedToEngineering(app.url, teams);
  });
  afterEach(() => app.close());

  const click = (user: Persona, verb: string, data: Record<string, unknown> = {}) =>
    clickOnCard(app.url, teams, user, verb, data);
  const noticesTo = (user: Persona): string[] => alertsTo(teams, user).map((p) => p.activity.text as string);
  /** Long enough for a window to close and its notices to go. */
  const windowPasses = () => new Promise((resolve) => setTimeout(resolve, windowMs * 3));

  it("tells the requester once of the owner's Acknowledge, and the owner nothing of their own", async () => {
    assert.equal(
      (await click(personas.engineer, 'escalation.setStatus', { status: 'acknowledged', version: 1 })).status,
      200,
    );
    await teams.waitFor(() => noticesTo(personas.agent).length === 1);
    await windowPasses();
    const [notice] = noticesTo(personas.agent);
    assert.match(notice ?? '', /^ESC-1 \(Engineering\): Invoices export as empty PDFs/);
    assert.match(notice ?? '', /Eli Engineer acknowledged it/);
    assert.equal(noticesTo(personas.agent).length, 1);
    assert.deepEqual(noticesTo(personas.engineer), []);
  });

  it('makes three changes within the window one notice', async () => {
    await click(personas.engineer, 'escalation.setStatus', { status: 'acknowledged', version: 1 });
    await click(personas.engineer, 'escalation.setStatus', { status: 'fix_in_progress', version: 2 });
    await click(personas.engineer, 'escalation.setStatus', { status: 'waiting_on_customer', version: 3 });
    await teams.waitFor(() => noticesTo(personas.agent).length >= 1);
    await windowPasses();
    assert.equal(noticesTo(personas.agent).length, 1);
    const notice = noticesTo(personas.agent)[0] ?? '';
    assert.match(notice, /acknowledged it[\s\S]*Fix in progress[\s\S]*Waiting on customer/);
  });

  it('tells a follower added from the card of Resolve, with the resolution', async () => {
    await click(personas.lead, 'escalation.follow');
    await click(personas.engineer, 'escalation.setStatus', {
      status: 'resolved',
      resolution: 'Patched the PDF renderer',
      version: 1,
    });
    await teams.waitFor(() => noticesTo(personas.lead).length === 1);
    assert.match(noticesTo(personas.lead)[0] ?? '', /resolved it: Patched the PDF renderer/);
  });

  it('tells a follower who may no longer see it after a move to Security nothing more', async () => {
    teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.engineer]));
    await routeTier(app.url, teams.url, 'security', channels.security);
    await click(personas.supportL2, 'escalation.follow');
    await click(personas.engineer, 'escalation.retarget', { target: 'security', reason: 'Data exposure', version: 1 });
    await windowPasses();
    await click(personas.security, 'escalation.setStatus', { status: 'acknowledged', version: 2 });
    await teams.waitFor(() => noticesTo(personas.agent).length >= 1);
    await windowPasses();
    assert.deepEqual(noticesTo(personas.supportL2), []);
    // The requester still sees it, and hears of it.
    assert.ok(noticesTo(personas.agent).some((text) => /Sol Security acknowledged it/.test(text)));
  });

  it('tries a requester the bot cannot reach once, and not again for each change', async () => {
    await app.close();
    teams.reset();
    teams.failNext(5, 403, { match: (r) => r.route === 'createConversation' && !r.body?.channelData?.channel });
    app = await startTestApp({}, { noticeWindowMs: windowMs });
    await escalatedToEngineering(app.url, teams);
    await teams.waitFor(() => teams.pendingFaults() === 4);
    await click(personas.engineer, 'escalation.setStatus', { status: 'acknowledged', version: 1 });
    await windowPasses();
    await click(personas.engineer, 'escalation.setStatus', { status: 'fix_in_progress', version: 2 });
    await windowPasses();
    assert.equal(teams.pendingFaults(), 4, 'asked Teams once, for the card');
    assert.deepEqual(noticesTo(personas.agent), []);
  });
});
