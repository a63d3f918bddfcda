// The brief as an actionable email, over HTTP: the real server, the fake Bot Connector for
// Teams, and a fake Microsoft Graph (token endpoint and sendMail) on loopback. What is emailed
// to whom, what Outlook would find in it, clicks from Outlook, and sending that survives 429s
// and a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { fullForm } from '../support/briefs';
import { cardProblems, elements, textOf } from '../support/cardValidation';
import { FakeConnector, type PostedActivity, rosterFrom } from '../support/fakeConnector';
import { cardIn, FakeGraph } from '../support/fakeGraph';
import {
  cardAction,
  channelMessage,
  channels,
  type Persona,
  personas,
  routeTier,
  send,
} from '../support/teamsActivities';

const originator = '9f3c2a51-3d4e-4b8a-9c7d-2e1f0a9b8c7d';
const requester = { name: 'Dana Agent' };
const sections = [
  'IMPACT',
  'ISSUE DESCRIPTION',
  'REPRODUCTION STEPS',
  "WHAT'S BEEN TRIED",
  'CUSTOMER COMMUNICATION',
  "WHAT'S NEEDED",
];

/** An Outlook click: the same invoke as Teams', through the Azure Bot's Outlook channel. */
function outlookAction(
  serviceUrl: string,
  user: Partial<Persona> & { id: string },
  verb: string,
  data: object,
  id?: string,
) {
  const activity = cardAction({
    serviceUrl,
    user: user as Persona,
    card: { conversationId: 'a:1outlook', activityId: '1' },
    verb,
    data: data as never,
    ...(id ? { id } : {}),
  }) as Record<string, any>;
  return {
    ...activity,
    channelId: 'outlook',
    conversation: { id: `outlook-${user.id}` },
    channelData: {},
    entities: [],
  };
}

/** Every action of a card a person can click, nested ones included (not its refresh). */
const actionsOf = (card: Record<string, unknown>) =>
  elements({ ...card, refresh: undefined }).filter((e) => typeof e.type === 'string' && e.type.startsWith('Action.'));

describe('The brief as an actionable email', () => {
  let teams: FakeConnector;
  let graph: FakeGraph;
  let app: RunningApp;
  let dir: string;

  const env = () => ({
    DATABASE_URL: `sqlite:${join(dir, 'escalations.db')}`,
    MAIL_SENDER: 'escalations@contoso.example',
    ...graph.appEnv(),
    OUTLOOK_ORIGINATOR_ID: originator,
  });
  const startApp = () => startTestApp(env(), { delivery: { pollMs: 50, backoffBaseMs: 50 } });
  const say = (channel: { id: string }, user: Persona, text: string) =>
    send(app.url, channelMessage({ serviceUrl: teams.url, channel, user, text }));

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
    teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.lead]));
    graph.sent.length = 0;
    graph.requests.length = 0;
    graph.clearFaults();
    dir = mkdtempSync(join(tmpdir(), 'outlook-'));
    app = await startApp();
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    await routeTier(app.url, teams.url, 'security', channels.security);
    await say(channels.engineering, personas.lead, 'email engineering am@contoso.example, vp@contoso.example');
    await say(channels.security, personas.lead, 'email security ciso@contoso.example');
  });
  afterEach(() => app.close());

  it('emails a Critical escalation once to its tier’s list: a readable brief with a 1.4 card Outlook acts on', async () => {
    const made = await post(`${app.url}/api/escalations`, { ...fullForm, severity: 'critical', requester });
    assert.equal(made.status, 201);
    const mail = await graph.waitFor(() => graph.sent[0]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(graph.sent.length, 1, 'one email');
    assert.equal(mail.sender, 'escalations@contoso.example');
    assert.deepEqual(mail.to, ['am@contoso.example', 'vp@contoso.example']);
    assert.equal(mail.subject, `[ESC-1 · Critical · Engineering] ${fullForm.summary}`);

    const { card } = mail;
    assert.equal(card.version, '1.4');
    assert.equal(card.originator, originator);
    assert.equal(card.hideOriginalBody, true);
    assert.deepEqual(cardProblems(card, '1.4'), []);
    assert.ok(!JSON.stringify(card).includes('Input.Time'), 'no Input.Time');
    const actions = actionsOf(card);
    assert.ok(actions.length > 0);
    assert.ok(!actions.some((a) => a.type === 'Action.Submit'), 'no Action.Submit');
    for (const action of actions.filter((a) => a.verb !== undefined)) assert.equal(action.type, 'Action.Execute');
    assert.deepEqual(
      actions
        .filter((a) => a.type === 'Action.Execute')
        .map((a) => a.verb)
        .sort()
        .filter((v, i, all) => all.indexOf(v) === i),
      [
        'escalation.addNote',
        'escalation.assign',
        'escalation.email',
        'escalation.link',
        'escalation.logCustomerUpdate',
        'escalation.retarget',
        'escalation.setStatus',
      ],
    );
    assert.equal(card.refresh.action.type, 'Action.Execute');
    assert.equal(card.refresh.action.verb, 'escalation.refresh');
    assert.match(textOf(card), /\[Open in Teams\]\(https:\/\/teams\.microsoft\.com\/l\/message\//);

    // Readable with the card hidden: every section of the brief, and a way into Teams.
    const body = mail.html.replace(/<script[\s\S]*?<\/script>/, '');
    for (const section of sections) assert.ok(body.includes(`<h3>${section.replace("'", "'")}</h3>`), section);
    assert.ok(body.includes(`<h2>${fullForm.summary}</h2>`));
    assert.ok(body.includes('Acme CFO threatens to escalate'));
    assert.match(body, /<a href="https:\/\/teams\.microsoft\.com\/l\/message\/[^"]+">Open it in Teams<\/a>/);
    assert.match(body, /Brief as text<\/a>/);
  });

  it('takes an Outlook click with the same handlers: applied once, answered with the 1.4 card, every Teams copy updated', async () => {
    await post(`${app.url}/api/escalations`, { ...fullForm, severity: 'critical', requester });
    const channelPost = (await teams.waitFor(() =>
      teams.posts(channels.engineering.id).find((p) => p.kind === 'create'),
    )) as PostedActivity;
    const click = outlookAction(
      teams.url,
      personas.engineer,
      'escalation.setStatus',
      {
        escalationId: 'ESC-1',
        version: 1,
        status: 'acknowledged',
      },
      'outlook-click-1',
    );
    const answer = await send(app.url, click);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.statusCode, 200);
    assert.equal(answer.body.value.version, '1.4');
    assert.equal(answer.body.value.originator, originator);
    assert.deepEqual(cardProblems(answer.body.value, '1.4'), []);
    assert.match(textOf(answer.body.value), /Version 2 ·/);
    // Delivered twice (a retry): applied once.
    await send(app.url, click);
    const detail = await json(await fetch(`${app.url}/api/escalations/ESC-1`));
    assert.equal(detail.status, 'acknowledged');
    assert.equal(detail.timeline.filter((e: any) => e.kind === 'acknowledged').length, 1);
    await teams.waitFor(() =>
      /Version 2 ·/.test(textOf(teams.card(channelPost.conversationId, channelPost.activityId))),
    );

    // Opened again: the refresh answers the card as it is now.
    const refreshed = await send(
      app.url,
      outlookAction(teams.url, personas.engineer, 'escalation.refresh', { escalationId: 'ESC-1', version: 1 }),
    );
    assert.match(textOf(refreshed.body.value), /Version 2 ·/);
    assert.equal(refreshed.body.value.version, '1.4');
  });

  it('takes an Outlook click from a member of the tier’s channel whose from.id is Outlook’s, not a Teams id', async () => {
    await post(`${app.url}/api/escalations`, { ...fullForm, severity: 'critical', requester });
    await teams.waitFor(() => teams.posts(channels.engineering.id).find((p) => p.kind === 'create'));
    // As Outlook sends it: the person's Entra object id, and an id of Outlook's own.
    const engineer = { ...personas.engineer, id: 'outlook:ea1c2b3d-engineer' };
    const answer = await send(
      app.url,
      outlookAction(teams.url, engineer, 'escalation.setStatus', {
        escalationId: 'ESC-1',
        version: 1,
        status: 'acknowledged',
      }),
    );
    assert.equal(answer.body.statusCode, 200);
    assert.doesNotMatch(textOf(answer.body.value), /Only its owner/);
    assert.equal((await json(await fetch(`${app.url}/api/escalations/ESC-1`))).status, 'acknowledged');
    // Teams is asked by the Entra object id, never by Outlook's id taken for a Teams one.
    const asked = teams.requests.filter((r) => r.route === 'getConversationMember').map((r) => r.memberId);
    assert.ok(!asked.includes(engineer.id), asked.join(', '));
  });

  it('gives a click without an Entra object id a read-only card, and changes nothing', async () => {
    await post(`${app.url}/api/escalations`, { ...fullForm, severity: 'critical', requester });
    await teams.waitFor(() => teams.posts(channels.engineering.id).find((p) => p.kind === 'create'));
    const stranger = { id: 'outlook-user', name: 'Someone' };
    const answer = await send(
      app.url,
      outlookAction(teams.url, stranger, 'escalation.setStatus', {
        escalationId: 'ESC-1',
        version: 1,
        status: 'acknowledged',
      }),
    );
    assert.equal(answer.body.statusCode, 200);
    assert.match(textOf(answer.body.value), /Teams did not tell us who you are, so nothing was changed/);
    const acting = actionsOf(answer.body.value).filter(
      (a) => a.type === 'Action.Execute' || a.type === 'Action.ShowCard',
    );
    assert.deepEqual(acting, [], 'nothing to act with');
    assert.match(textOf(answer.body.value), /\[Open in Teams\]\(https:\/\/teams\.microsoft\.com\//);
    assert.equal((await json(await fetch(`${app.url}/api/escalations/ESC-1`))).version, 1);
  });

  it('sends once after Graph answers 429 with Retry-After, and a restart sends what was pending', async function () {
    this.timeout(30_000);
    graph.failNext(1, 429, 1);
    await post(`${app.url}/api/escalations`, { ...fullForm, severity: 'critical', requester });
    await graph.waitFor(() => graph.sent[0]);
    const sends = graph.requests.filter((r) => r.path.endsWith('/sendMail'));
    assert.deepEqual(
      sends.map((r) => r.status),
      [429, 202],
    );
    assert.ok((sends[1]?.time.getTime() ?? 0) - (sends[0]?.time.getTime() ?? 0) >= 950, 'after Retry-After');
    assert.equal(graph.sent.length, 1);

    // Graph is down: the next email waits in the outbox when the bot stops.
    graph.failNext(1000, 503);
    await post(`${app.url}/api/escalations`, {
      ...fullForm,
      summary: 'Checkout fails',
      severity: 'critical',
      requester,
    });
    await graph.waitFor(() => graph.requests.some((r) => r.status === 503));
    await app.close();
    graph.clearFaults();
    app = await startApp();
    const second = await graph.waitFor(() => graph.sent[1], 15_000);
    assert.match(second.subject, /^\[ESC-2 · Critical · Engineering\] Checkout fails$/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(graph.sent.length, 2);
  });

  it('emails a Security escalation to the Security list only, and shares it with nobody else', async () => {
    const made = await post(`${app.url}/api/escalations`, {
      ...fullForm,
      signals: 'data_exposure',
      target: 'security',
      severity: 'high',
      requester,
    });
    assert.equal(made.status, 201);
    const mail = await graph.waitFor(() => graph.sent[0]);
    assert.deepEqual(mail.to, ['ciso@contoso.example']);
    const securityPost = (await teams.waitFor(() =>
      teams.posts(channels.security.id).find((p) => p.kind === 'create'),
    )) as PostedActivity;
    const share = (to: string, version: number, user = personas.security) =>
      send(
        app.url,
        cardAction({
          serviceUrl: teams.url,
          user,
          card: securityPost,
          verb: 'escalation.email',
          data: { escalationId: 'ESC-1', version, addresses: to },
        }),
      );
    const refused = await share('am@contoso.example', 1);
    assert.match(
      textOf(refused.body.value),
      /A Security brief is emailed only to the Security list: am@contoso\.example is not on it/,
    );
    const shared = await share('ciso@contoso.example', 1);
    assert.match(textOf(shared.body.value), /Sol Security emailed the brief to ciso@contoso\.example/);
    await graph.waitFor(() => graph.sent[1]);
    assert.deepEqual(
      graph.sent.map((m) => m.to),
      [['ciso@contoso.example'], ['ciso@contoso.example']],
    );
    // A Critical of another tier goes to its own list, never to Security's.
    await post(`${app.url}/api/escalations`, { ...fullForm, severity: 'critical', requester });
    await graph.waitFor(() => graph.sent[2]);
    assert.ok(
      graph.sent.every(
        (m) =>
          !m.html.includes(fullForm.summary) ||
          m.to.every((a) => a !== 'am@contoso.example') ||
          m.subject.includes('ESC-2'),
      ),
    );
  });

  it('refuses "Email the brief" from someone with no role on it, and outside the organisation', async () => {
    await post(`${app.url}/api/escalations`, { ...fullForm, requester });
    const channelPost = (await teams.waitFor(() =>
      teams.posts(channels.engineering.id).find((p) => p.kind === 'create'),
    )) as PostedActivity;
    teams.rosters.set(channels.engineering.id, rosterFrom([personas.engineer, personas.lead]));
    const fromChat = { conversationId: 'a:1priya-product', activityId: '1' };
    const stranger = await send(
      app.url,
      cardAction({
        serviceUrl: teams.url,
        user: personas.product,
        card: fromChat,
        verb: 'escalation.email',
        data: { escalationId: 'ESC-1', version: 1, addresses: 'am@contoso.example' },
      }),
    );
    assert.match(textOf(stranger.body.value), /may email the brief/);
    const outside = await send(
      app.url,
      cardAction({
        serviceUrl: teams.url,
        user: personas.engineer,
        card: channelPost,
        verb: 'escalation.email',
        data: { escalationId: 'ESC-1', version: 1, addresses: 'someone@fabrikam.example' },
      }),
    );
    assert.match(
      textOf(outside.body.value),
      /Briefs are emailed only inside contoso\.example: someone@fabrikam\.example is outside it/,
    );
    const bad = await send(
      app.url,
      cardAction({
        serviceUrl: teams.url,
        user: personas.engineer,
        card: channelPost,
        verb: 'escalation.email',
        data: { escalationId: 'ESC-1', version: 1, addresses: 'not an address' },
      }),
    );
    assert.match(textOf(bad.body.value), /is not an email address/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(
      graph.sent.length,
      0,
      'a High engineering escalation is not emailed on its own, and nothing was shared',
    );
    assert.equal((await json(await fetch(`${app.url}/api/escalations/ESC-1`))).version, 1);
  });

  it('shows and sets the email lists: routes, and over REST', async () => {
    await say(channels.general, personas.engineer, 'routes');
    const routes = teams.posts(channels.general.id).at(-1)?.activity.text as string;
    assert.match(
      routes,
      /\*\*Engineering\*\*: Engineering in Customer Operations; emailed to am@contoso\.example, vp@contoso\.example/,
    );
    await say(channels.general, personas.engineer, 'email engineering ceo@contoso.example');
    assert.match(teams.posts(channels.general.id).at(-1)?.activity.text, /Only this team's owners and admins/);
    const put = await fetch(`${app.url}/api/tiers/leadership/emails`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ addresses: ['vp@contoso.example'] }),
    });
    assert.equal(put.status, 200);
    const tiers = await json(await fetch(`${app.url}/api/tiers`));
    assert.deepEqual(tiers.find((t: any) => t.target === 'leadership').emails, ['vp@contoso.example']);
    const bad = await fetch(`${app.url}/api/tiers/leadership/emails`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ addresses: ['nope'] }),
    });
    assert.equal(bad.status, 400);
  });
});

describe('Emails without Microsoft Graph', () => {
  it('writes each email as an .eml file in the data folder, with its card', async () => {
    const teams = await FakeConnector.start();
    const dir = mkdtempSync(join(tmpdir(), 'eml-'));
    const app = await startTestApp(
      { DATABASE_URL: `sqlite:${join(dir, 'escalations.db')}` },
      { delivery: { pollMs: 50 } },
    );
    try {
      await routeTier(app.url, teams.url, 'engineering', channels.engineering);
      await send(
        app.url,
        channelMessage({
          serviceUrl: teams.url,
          channel: channels.engineering,
          user: personas.lead,
          text: 'email engineering am@contoso.example',
        }),
      );
      await post(`${app.url}/api/escalations`, { ...fullForm, severity: 'critical', requester });
      const folder = join(dir, 'mail');
      await teams.waitFor(() => {
        try {
          return readdirSync(folder).some((f) => f.endsWith('.eml'));
        } catch {
          return false;
        }
      });
      const [file] = readdirSync(folder);
      const eml = readFileSync(join(folder, file as string), 'utf8');
      assert.match(eml, /^From: escalation-desk@localhost\r\nTo: am@contoso\.example\r\nSubject: =\?UTF-8\?B\?/);
      const html = Buffer.from(eml.split('\r\n\r\n')[1] as string, 'base64').toString('utf8');
      const card = cardIn(html);
      assert.equal(card.version, '1.4');
      assert.deepEqual(cardProblems(card, '1.4'), []);
      // Without an originator Outlook acts on no card: this one is to read.
      assert.equal(card.actions, undefined);
      assert.ok(html.includes('<h3>ISSUE DESCRIPTION</h3>'));
    } finally {
      await app.close();
      await teams.close();
    }
  });
});

describe('A raise to Leadership by email', () => {
  let teams: FakeConnector;
  let graph: FakeGraph;
  let dir: string;
  before(async () => {
    teams = await FakeConnector.start();
    graph = await FakeGraph.start();
  });
  after(async () => {
    await teams.close();
    await graph.close();
  });

  /** A Critical Engineering and a Critical Security escalation breach their SLA of seconds and are raised. */
  async function raiseBoth(leadershipSeesSecurity: boolean) {
    teams.reset();
    graph.sent.length = 0;
    dir = mkdtempSync(join(tmpdir(), 'raise-mail-'));
    writeFileSync(
      join(dir, 'sla.json'),
      JSON.stringify({ critical: { acknowledge: 'PT1S', customerUpdate: 'PT1S', resolve: 'PT2S' } }),
    );
    const app = await startTestApp(
      {
        DATABASE_URL: `sqlite:${join(dir, 'escalations.db')}`,
        MAIL_SENDER: 'escalations@contoso.example',
        ...graph.appEnv(),
        SLA_POLICY: join(dir, 'sla.json'),
        SLA_CHECK_INTERVAL: 'PT0.2S',
        LEADERSHIP_SEES_SECURITY: String(leadershipSeesSecurity),
      },
      { delivery: { pollMs: 50 } },
    );
    try {
      for (const tier of ['engineering', 'security', 'leadership'] as const) {
        await routeTier(app.url, teams.url, tier, channels[tier]);
      }
      await send(
        app.url,
        channelMessage({
          serviceUrl: teams.url,
          channel: channels.leadership,
          user: personas.lead,
          text: 'email leadership vp@contoso.example',
        }),
      );
      const made = [];
      for (const target of ['engineering', 'security']) {
        const answer = await post(`${app.url}/api/escalations`, {
          ...fullForm,
          target,
          severity: 'critical',
          requester,
        });
        made.push((await json(answer)).id as string);
      }
      const raised = async (id: string) => {
        const detail = await json(await fetch(`${app.url}/api/escalations/${id}`));
        return detail.timeline.some((entry: { kind: string }) => entry.kind === 'raised');
      };
      for (
        const deadline = Date.now() + 15_000;
        !((await raised(made[0] as string)) && (await raised(made[1] as string)));
      ) {
        assert.ok(Date.now() < deadline, 'both raised to Leadership');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Time for an email to go, had one been queued.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { made, toLeadership: graph.sent.filter((mail) => mail.to.includes('vp@contoso.example')) };
    } finally {
      await app.close();
    }
  }

  it('emails each raise once to Leadership’s list; a Security one only where Leadership may see Security', async function () {
    this.timeout(60_000);
    const closed = await raiseBoth(false);
    assert.equal(closed.toLeadership.length, 1, 'the Engineering raise, once');
    assert.match(closed.toLeadership[0]?.subject ?? '', new RegExp(`^\\[${closed.made[0]} ·`));
    assert.match(closed.toLeadership[0]?.html ?? '', /Raised to Leadership: its SLA is breached/);

    const open = await raiseBoth(true);
    assert.equal(open.toLeadership.length, 2, 'and the Security raise, now that Leadership may see Security');
  });
});
