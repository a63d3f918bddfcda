// The SLA watcher on a real running server with a policy of seconds, against the fake
// Bot Connector: each reminder once in the card's thread (also across a restart), Leadership
// raised once, nothing for escalations out of the clock.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { type RunningApp, start } from '../../src/main';
import { json, post } from '../support/app';
import { minimalForm } from '../support/briefs';
import { FakeConnector, type PostedActivity } from '../support/fakeConnector';
import { cardAction, channels, personas, routeTier, send } from '../support/teamsActivities';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SLA watcher', () => {
  let teams: FakeConnector;
  let dir: string;
  before(async () => {
    teams = await FakeConnector.start();
    dir = mkdtempSync(join(tmpdir(), 'sla-watch-'));
    writeFileSync(
      join(dir, 'sla.json'),
      JSON.stringify({
        critical: { acknowledge: 'PT2S', customerUpdate: 'PT3S', resolve: 'PT4S' },
        medium: { acknowledge: 'PT1H', customerUpdate: 'PT1H', resolve: 'PT2H' },
      }),
    );
  });
  after(() => teams.close());

  const startApp = () => {
    const config = loadConfig({
      DATABASE_URL: `sqlite:${join(dir, 'escalations.db')}`,
      SLA_POLICY: join(dir, 'sla.json'),
      SLA_CHECK_INTERVAL: 'PT0.2S',
    });
    return start({ ...config, port: 0 }, { log: () => {}, delivery: { pollMs: 100 } });
  };
  const threadReplies = (card: PostedActivity) =>
    teams
      .posts()
      .filter((p) => p.kind === 'reply' || (p.kind === 'send' && p.conversationId === card.conversationId))
      .filter((p) => p.conversationId === card.conversationId);

  it('reminds once per clock in the thread, raises to Leadership once, leaves resolved ones alone, also across a restart', async function () {
    this.timeout(40_000);
    let app: RunningApp = await startApp();
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    await routeTier(app.url, teams.url, 'leadership', channels.leadership);
    const critical = await json(
      await post(`${app.url}/api/escalations`, {
        ...minimalForm,
        target: 'engineering',
        severity: 'critical',
        requester: { name: 'Dana Agent' },
      }),
    );
    const quiet = await json(
      await post(`${app.url}/api/escalations`, {
        ...minimalForm,
        target: 'engineering',
        severity: 'critical',
        summary: 'Resolved at once',
        requester: { name: 'Dana Agent' },
      }),
    );
    const relaxed = await json(
      await post(`${app.url}/api/escalations`, {
        ...minimalForm,
        target: 'engineering',
        severity: 'medium',
        summary: 'Plenty of time',
        requester: { name: 'Dana Agent' },
      }),
    );
    const cardOf = (id: string) =>
      teams.waitFor(
        () =>
          teams
            .posts()
            .find(
              (p) =>
                p.kind === 'create' &&
                p.conversationId.startsWith(channels.engineering.id) &&
                JSON.stringify(p.activity).includes(`${id} ·`),
            ) as PostedActivity,
      );
    const criticalCard = await cardOf(critical.id);
    const quietCard = await cardOf(quiet.id);
    const relaxedCard = await cardOf(relaxed.id);

    // The second one is resolved by its owner before any clock comes due.
    await send(
      app.url,
      cardAction({
        serviceUrl: teams.url,
        user: personas.engineer,
        card: quietCard,
        verb: 'escalation.assign',
        data: { escalationId: quiet.id, version: 1 },
      }),
    );
    await send(
      app.url,
      cardAction({
        serviceUrl: teams.url,
        user: personas.engineer,
        card: quietCard,
        verb: 'escalation.setStatus',
        data: { escalationId: quiet.id, version: 2, status: 'resolved', resolution: 'Config fixed' },
      }),
    );

    // Every clock of the critical one comes due and is breached within about 4 s.
    await teams.waitFor(
      () => threadReplies(criticalCard).filter((p) => /resolution overdue/.test(p.activity.text)).length === 1,
      15_000,
    );
    await wait(1500);
    const texts = threadReplies(criticalCard).map((p) => p.activity.text as string);
    for (const pattern of [
      /acknowledgement due in/,
      /acknowledgement overdue by/,
      /customer update due in/,
      /customer update overdue by/,
      /resolution due in/,
      /resolution overdue by/,
    ]) {
      assert.equal(
        texts.filter((t) => pattern.test(t)).length,
        1,
        `one reminder matching ${pattern}: ${JSON.stringify(texts)}`,
      );
    }
    assert.ok(texts.every((t) => t.includes(`**${critical.id}** (Critical · Engineering)`)));
    assert.ok(texts.every((t) => /Nobody owns it yet: can someone in Engineering take it\?/.test(t)));
    assert.equal(threadReplies(quietCard).length, 0, 'a resolved escalation gets no reminder');
    assert.equal(threadReplies(relaxedCard).length, 0, 'a clock far from due reminds nobody');

    // Raised to Leadership once, with why, noted in the timeline; the cards say so in place.
    const leadership = teams
      .posts()
      .filter((p) => p.kind === 'create' && p.conversationId.startsWith(channels.leadership.id));
    assert.equal(leadership.length, 1);
    assert.match(JSON.stringify(leadership[0]?.activity), new RegExp(`${critical.id} ·`));
    const detail = await json(await fetch(`${app.url}/api/escalations/${critical.id}`));
    const raised = detail.timeline.filter((e: any) => e.kind === 'raised');
    assert.equal(raised.length, 1);
    assert.match(raised[0].text, /^Raised to Leadership\. (Time|Business): /);
    assert.equal(detail.sla.status, 'breached');
    await teams.waitFor(() =>
      JSON.stringify(teams.card(criticalCard.conversationId, criticalCard.activityId)).includes('Raised to Leadership'),
    );
    assert.match(JSON.stringify(teams.card(criticalCard.conversationId, criticalCard.activityId)), /Breached/);

    // A restart repeats nothing.
    await app.close();
    const before = threadReplies(criticalCard).length;
    app = await startApp();
    await wait(1500);
    assert.equal(threadReplies(criticalCard).length, before);
    assert.equal(
      teams.posts().filter((p) => p.kind === 'create' && p.conversationId.startsWith(channels.leadership.id)).length,
      1,
    );
    await app.close();
  });
});
