// Followers hear of an SLA clock coming due or breached, over HTTP with the real bot, its SLA
// watcher on a policy of seconds and the fake Bot Connector: the customer update goes to the
// requester first (they talk to the customer), the other followers a notice window later and only
// if it is still due then; each clock's state is told once.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningApp } from '../../src/main';
import { startTestApp } from '../support/app';
import { FakeConnector } from '../support/fakeConnector';
import { alertsTo, clickOnCard, escalatedToEngineering } from '../support/followedEscalation';
import { type Persona, personas } from '../support/teamsActivities';

/** Others hear of a due customer update this long after the requester. */
const windowMs = 1_500;

describe('Followers are told of SLA clocks', () => {
  let app: RunningApp;
  let teams: FakeConnector;
  let policy: string;

  before(async () => {
    teams = await FakeConnector.start();
    policy = join(mkdtempSync(join(tmpdir(), 'clock-notices-')), 'sla.json');
    // A High escalation's customer update is at risk after 3 s and breached after 4 s; the rest wait an hour.
    writeFileSync(policy, JSON.stringify({ high: { acknowledge: 'PT1H', customerUpdate: 'PT4S', resolve: 'PT1H' } }));
  });
  after(() => teams.close());
  beforeEach(async () => {
    teams.reset();
    app = await startTestApp(
      { SLA_POLICY: policy, SLA_CHECK_INTERVAL: 'PT0.2S' },
      { noticeWindowMs: windowMs, delivery: { pollMs: 100 } },
    );
    await escalatedToEngineering(app.url, teams);
    assert.equal((await click(personas.lead, 'escalation.follow')).status, 200);
  });
  afterEach(() => app.close());

  const click = (user: Persona, verb: string, data: Record<string, unknown> = {}) =>
    clickOnCard(app.url, teams, user, verb, data);
  const noticesTo = (user: Persona) =>
    alertsTo(teams, user).map((p) => ({ text: p.activity.text as string, time: p.time }));

  it('tells the requester of the customer update first, the other followers later, and each once', async function () {
    this.timeout(20_000);
    const [first] = await teams.waitFor(
      () => noticesTo(personas.agent).length >= 1 && noticesTo(personas.agent),
      8_000,
    );
    assert.match(first?.text ?? '', /^ESC-1 \(Engineering\): Invoices export as empty PDFs/);
    assert.match(first?.text ?? '', /⏰ Customer update due in \d+ s: you talk to the customer, update them\./);
    const [lead] = await teams.waitFor(() => noticesTo(personas.lead).length >= 1 && noticesTo(personas.lead), 8_000);
    assert.match(lead?.text ?? '', /Customer update (due in|overdue by)/);
    assert.doesNotMatch(lead?.text ?? '', /you talk to the customer/);
    assert.ok(
      (lead?.time.getTime() ?? 0) >= (first?.time.getTime() ?? 0) + windowMs - 300,
      'the lead hears of it later',
    );
    // Breached too, once each; nothing more for the same clock's states.
    await teams.waitFor(
      () => noticesTo(personas.agent).some((n) => /🔴 Customer update overdue by/.test(n.text)),
      8_000,
    );
    await new Promise((resolve) => setTimeout(resolve, windowMs + 1_000));
    const told = noticesTo(personas.agent).map((n) => n.text.split('\n\n')[1]?.slice(0, 20));
    assert.equal(told.length, 2, told.join(' | '));
  });

  it('tells the other followers nothing when the requester updates the customer in time', async function () {
    this.timeout(20_000);
    await teams.waitFor(() => noticesTo(personas.agent).length >= 1, 8_000);
    const logged = await click(personas.agent, 'escalation.logCustomerUpdate', {
      lastUpdateSummary: 'Sent the workaround',
      customerExpectation: 'Fix by Monday',
      version: 1,
    });
    assert.equal(logged.status, 200);
    await new Promise((resolve) => setTimeout(resolve, windowMs + 800));
    assert.deepEqual(noticesTo(personas.lead), [], 'the update was given: the lead is not told it was due');
  });
});
