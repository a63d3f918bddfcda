// Who may see and do what, over HTTP against the real server, with the fake Bot Connector as
// the far side: its rosters (the /v3/conversations/{id}/members routes) say who is in which
// channel. A Security escalation must never reach anyone outside it: every request the bot
// makes to Teams and every answer it gives are searched for its summary, customer and id.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { briefLink } from '../../src/app/briefLinks';
import { anyone } from '../../src/domain/access';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { fullForm } from '../support/briefs';
import { textOf } from '../support/cardValidation';
import { FakeConnector, type PostedActivity, type RosterMember, rosterFrom } from '../support/fakeConnector';
import {
  type BotResponse,
  cardAction,
  channelMessage,
  channels,
  type Persona,
  personalConversationId,
  personalMessage,
  personas,
  routeTier,
  send,
  submitAction,
} from '../support/teamsActivities';

const linkSecret = 'access-test-link-secret-of-32-chars!';

/** What must stay inside the Security escalation's circle. */
const secret = {
  summary: 'Invoices of Initech shown to Globex through the export API',
  customer: 'Initech Confidential',
};

const securityForm = {
  ...fullForm,
  signals: 'data_exposure',
  target: 'security',
  severity: 'critical',
  summary: secret.summary,
  customerNames: secret.customer,
  customersAffected: '1',
  description:
    'The invoice export API returned invoices of another account with ERR_EXPORT_TENANT_SCOPE in the log. Globex saw Initech invoices. It happened twice today. Access logs are kept.',
};

/** An Engineering escalation that looks like the same problem (the same error). */
const engineeringForm = {
  ...fullForm,
  summary: 'Export API answers ERR_EXPORT_TENANT_SCOPE for some accounts',
  description:
    'Calls to the invoice export API fail with ERR_EXPORT_TENANT_SCOPE for accounts migrated last week. The export job retries and gives up. No data is lost. Two customers noticed.',
};

const otherTeam = { id: '19:other-team@thread.tacv2', name: 'Partner Success' };
const otherChannel = { id: '19:partner-success@thread.tacv2', name: 'Partner Success', teamId: otherTeam.id };

const owner = (persona: Persona): RosterMember => ({
  ...(rosterFrom([persona])[0] as RosterMember),
  userRole: 'owner',
});

describe('Who may see and do what', () => {
  let app: RunningApp;
  let teams: FakeConnector;
  /** Every answer the bot gave to an activity, and to whom, for the leak check. */
  let answers: { to: string | undefined; answer: BotResponse }[];

  before(async () => {
    teams = await FakeConnector.start();
  });
  after(() => teams.close());
  beforeEach(async () => {
    teams.reset();
    teams.rosters.clear();
    answers = [];
    // Sol and Lena are in Security; Eli and Lena in Engineering; Erin and Lena in Leadership.
    // The team's roster (asked through its id) has everyone, with Lena its owner.
    teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.lead]));
    teams.rosters.set(channels.engineering.id, rosterFrom([personas.engineer, personas.lead]));
    teams.rosters.set(channels.leadership.id, rosterFrom([personas.executive, personas.lead]));
    teams.rosters.set(otherTeam.id, [owner(personas.product)]);
    teams.rosters.set(otherChannel.id, [owner(personas.product)]);
    app = await startTestApp({ LINK_SECRET: linkSecret });
  });
  afterEach(() => app.close());

  const bot = async (activity: { from?: { id?: string } }) => {
    const answer = await send(app.url, activity);
    answers.push({ to: activity.from?.id, answer });
    return answer;
  };
  const say = (user: Persona, text: string) => bot(personalMessage({ serviceUrl: teams.url, user, text }));
  const sayIn = (channel: { id: string; name?: string | null; teamId?: string }, user: Persona, text: string) =>
    bot(channelMessage({ serviceUrl: teams.url, channel, user, text }));
  const escalate = (user: Persona, form: Record<string, unknown>) =>
    bot(submitAction({ serviceUrl: teams.url, user, data: { ...form, verb: 'escalation.submit' } }));
  const click = (user: Persona, card: { conversationId: string; activityId: string }, verb: string, data = {}) =>
    bot(cardAction({ serviceUrl: teams.url, user, card, verb, data }));
  const repliesTo = (user: Persona) =>
    teams
      .posts(personalConversationId(user))
      .map((p) => p.activity.text ?? textOf(p.activity.attachments?.[0]?.content))
      .join('\n');
  const postIn = (channel: { id: string }, id: string) =>
    teams.waitFor(() =>
      teams.posts(channel.id).find((p) => p.kind === 'create' && (p.activity.summary ?? '').startsWith(`${id}:`)),
    ) as Promise<PostedActivity>;
  const detail = async (id: string) => json(await fetch(`${app.url}/api/escalations/${id}`));

  /** Security and Engineering bound by Lena (the team's owner); Dana raises ESC-1 (Security) and ESC-2 (Engineering). */
  async function twoEscalations() {
    await routeTier(app.url, teams.url, 'security', channels.security);
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    await escalate(personas.agent, securityForm);
    await escalate(personas.agent, engineeringForm);
    return {
      security: await postIn(channels.security, 'ESC-1'),
      engineering: await postIn(channels.engineering, 'ESC-2'),
    };
  }

  /** Telling someone there is nothing they may see under the id they typed is no leak. */
  const echoes = /No escalation ESC-1 that (can be shown here|you can see)/g;
  const found = (text: string) => {
    const said = text.replace(echoes, '');
    return said.includes(secret.summary) || said.includes(secret.customer) || /ESC-1(?!\d)/.test(said);
  };
  /** Everything sent outside the Security channel and the chats of Dana (who raised it) and Sol. */
  function leaks(): string[] {
    const inside = [
      channels.security.id,
      personalConversationId(personas.agent),
      personalConversationId(personas.security),
    ];
    const requests = teams.requests
      .filter((r) => !inside.some((place) => (r.conversationId ?? '').startsWith(place)))
      .filter((r) => found(JSON.stringify(r.body ?? '')))
      .map((r) => `${r.method} ${r.path}: ${r.body?.text ?? JSON.stringify(r.body).slice(0, 600)}`);
    return requests;
  }
  /** Answers to anyone but Dana (who raised it) and Sol (in Security) that name it. */
  const answerLeaks = () =>
    answers
      .filter(({ to }) => to !== personas.agent.id && to !== personas.security.id)
      .filter(({ answer }) => found(JSON.stringify(answer.body ?? '')));

  it('refuses `route security` from a non-admin in another team, and changes nothing', async () => {
    await twoEscalations();
    const before = await app.store.channelFor('security');
    const answer = await sayIn(otherChannel, personas.product, 'route security');
    assert.equal(answer.status, 200);
    const said = teams.posts(otherChannel.id).map((p) => p.activity.text);
    assert.match(said.join('\n'), /Only admins may choose where Security escalations go.*Nothing was changed/);
    assert.deepEqual(await app.store.channelFor('security'), before);
    assert.equal((await app.store.channelMoves(10)).filter((m) => m.target === 'security').length, 1);
    // Nor does a member of the team the bot lives in bind anything; its owner may.
    await sayIn(channels.general, personas.engineer, 'route product');
    assert.equal(await app.store.channelFor('product'), undefined);
    // A team's own owner runs their team: an open tier that is unbound, not one bound elsewhere.
    await sayIn(otherChannel, personas.product, 'route engineering');
    assert.equal((await app.store.channelFor('engineering'))?.target, 'engineering');
    assert.match(teams.posts(otherChannel.id).at(-1)?.activity.text, /bound in another team/);
    await sayIn(otherChannel, personas.product, 'route product');
    assert.match(teams.posts(otherChannel.id).at(-1)?.activity.text, /now takes \*\*Product\*\*/);
    // A new Security escalation still goes to the Security channel, and nowhere else.
    await escalate(personas.agent, { ...securityForm, summary: `${secret.summary} again` });
    await postIn(channels.security, 'ESC-3');
    assert.deepEqual(
      teams.posts(otherChannel.id).filter((p) => p.kind === 'create'),
      [],
    );
    assert.deepEqual(leaks(), []);
  });

  it('says a move in the channel left, and `routes` shows who moved what, when', async () => {
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    await routeTier(app.url, teams.url, 'engineering', channels.product);
    const told = teams.posts(channels.engineering.id).map((p) => p.activity.text ?? '');
    assert.ok(
      told.some((t) =>
        /\*\*Engineering\*\* escalations are now posted in Product in Customer Operations: Lena Lead moved them from here\./.test(
          t,
        ),
      ),
      told.join('\n'),
    );
    await sayIn(channels.general, personas.engineer, 'routes');
    const routes = teams.posts(channels.general.id).at(-1)?.activity.text as string;
    assert.match(routes, /\*\*Engineering\*\*: Product in Customer Operations/);
    assert.match(
      routes,
      /\d{4}-\d\d-\d\d \d\d:\d\d UTC: \*\*Engineering\*\* moved from Engineering in Customer Operations to Product in Customer Operations by Lena Lead/,
    );
    assert.match(routes, /\*\*Engineering\*\* bound to Engineering in Customer Operations by Lena Lead/);
  });

  it('never shows a Security escalation to someone outside it: show, refresh, mine, Recommend, "Possibly the same as"', async () => {
    const { engineering } = await twoEscalations();
    const outsider = personas.product;

    await say(outsider, 'show ESC-1');
    assert.match(repliesTo(outsider), /No escalation ESC-1 that can be shown here/);
    await say(outsider, 'mine');
    await say(outsider, 'show ESC-2');
    assert.match(repliesTo(outsider), /Export API answers ERR_EXPORT_TENANT_SCOPE/);

    // A crafted invoke naming ESC-1, from where she is (Teams delivers a channel's clicks from its members only).
    const herChat = { conversationId: personalConversationId(outsider), activityId: '1' };
    const refreshed = await click(outsider, herChat, 'escalation.refresh', { escalationId: 'ESC-1', version: 1 });
    assert.equal(refreshed.body.statusCode, 200);
    assert.match(textOf(refreshed.body.value), /^You can't see this escalation\./);
    for (const verb of ['escalation.addNote', 'escalation.setStatus', 'escalation.assign', 'escalation.link']) {
      const tried = await click(outsider, herChat, verb, {
        escalationId: 'ESC-1',
        version: 1,
        note: 'x',
        status: 'resolved',
        resolution: 'x',
        otherId: 'ESC-2',
      });
      assert.match(textOf(tried.body.value), /^You can't see this escalation\./, verb);
    }
    // Linking from what one may see to what one may not: as if it did not exist.
    const linked = await click(outsider, engineering, 'escalation.link', {
      escalationId: 'ESC-2',
      version: 1,
      otherId: 'ESC-1',
    });
    assert.match(textOf(linked.body.value), /No escalation ESC-1 that you can see/);

    const recommended = await bot(
      cardAction({
        serviceUrl: teams.url,
        user: outsider,
        card: { conversationId: personalConversationId(outsider), activityId: '1' },
        verb: 'triage.evaluate',
        data: { ...engineeringForm },
      }),
    );
    assert.equal(recommended.body.statusCode, 200);
    assert.doesNotMatch(textOf(recommended.body.value), /ESC-1/);

    // The Engineering card lists look-alikes its channel may see: not the Security one.
    const channelCard = teams.card(engineering.conversationId, engineering.activityId);
    assert.doesNotMatch(textOf(channelCard), /Possibly the same as/);
    const eliRefresh = await click(personas.engineer, engineering, 'escalation.refresh', {
      escalationId: 'ESC-2',
      version: 1,
    });
    assert.doesNotMatch(textOf(eliRefresh.body.value), /ESC-1/);

    // Those inside see it all: the look-alike, the brief, the suggestion.
    const solRefresh = await click(personas.security, engineering, 'escalation.refresh', {
      escalationId: 'ESC-2',
      version: 1,
    });
    assert.match(textOf(solRefresh.body.value), /Possibly the same as ESC-1/);
    const solSuggestion = await bot(
      cardAction({
        serviceUrl: teams.url,
        user: personas.security,
        card: { conversationId: personalConversationId(personas.security), activityId: '1' },
        verb: 'triage.evaluate',
        data: { ...engineeringForm },
      }),
    );
    assert.match(textOf(solSuggestion.body.value), /ESC-1: Invoices of Initech/);
    await say(personas.agent, 'mine');
    assert.match(repliesTo(personas.agent), /\*\*ESC-1\*\* · Critical · Security/);
    const danaShow = await say(personas.agent, 'show ESC-1');
    assert.equal(danaShow.status, 200);
    assert.match(repliesTo(personas.agent), new RegExp(secret.summary));

    assert.deepEqual(leaks(), []);
    assert.deepEqual(answerLeaks(), []);
  });

  it('lists in a group chat only what everyone there may see', async () => {
    await twoEscalations();
    await bot(
      personalMessage({
        serviceUrl: teams.url,
        user: personas.agent,
        text: 'mine',
        groupChatId: '19:support-huddle@thread.v2',
      } as never),
    );
    await bot(
      personalMessage({
        serviceUrl: teams.url,
        user: personas.agent,
        text: 'show ESC-1',
        groupChatId: '19:support-huddle@thread.v2',
      } as never),
    );
    const said = teams.posts('19:support-huddle@thread.v2').map((p) => p.activity.text ?? '');
    assert.match(said.join('\n'), /\*\*ESC-2\*\*/);
    assert.match(said.join('\n'), /No escalation ESC-1 that can be shown here/);
    assert.deepEqual(leaks(), []);
  });

  it('refuses a note from someone with no role on the escalation, and takes one from its channel', async () => {
    const { engineering } = await twoEscalations();
    await say(personas.product, 'show ESC-2');
    const copy = teams.posts(personalConversationId(personas.product)).at(-1) as PostedActivity;
    const refused = await click(personas.product, copy, 'escalation.addNote', {
      escalationId: 'ESC-2',
      version: 1,
      note: 'Saw this at Globex',
    });
    assert.match(
      textOf(refused.body.value),
      /Only its owner, a member of the tier's channel or the person who escalated it may add a note\./,
    );
    assert.equal((await detail('ESC-2')).version, 1);
    // Nor does the card she reads offer what she may not do.
    assert.deepEqual(refused.body.value.actions ?? [], []);
    const taken = await click(personas.engineer, engineering, 'escalation.addNote', {
      escalationId: 'ESC-2',
      version: 1,
      note: 'Looking at the scope check',
    });
    assert.match(textOf(taken.body.value), /Version 2 ·/);
    // Eli is in Engineering's roster: from his personal copy too.
    await say(personas.engineer, 'show ESC-2');
    const eliCopy = teams.posts(personalConversationId(personas.engineer)).at(-1) as PostedActivity;
    const again = await click(personas.engineer, eliCopy, 'escalation.addNote', {
      escalationId: 'ESC-2',
      version: 2,
      note: 'Found it',
    });
    assert.match(textOf(again.body.value), /Version 3 ·/);
  });

  it('links two escalations only for someone with a role on both', async () => {
    await twoEscalations();
    await escalate(personas.supportL2, { ...engineeringForm, summary: 'Export API scope error at Acme' });
    const third = await postIn(channels.engineering, 'ESC-3');
    // Eli works Engineering (ESC-2, ESC-3) but not Security (ESC-1).
    const toSecurity = await click(personas.engineer, third, 'escalation.link', {
      escalationId: 'ESC-3',
      version: 1,
      otherId: 'ESC-1',
    });
    assert.match(textOf(toSecurity.body.value), /No escalation ESC-1 that you can see/);
    const linked = await click(personas.engineer, third, 'escalation.link', {
      escalationId: 'ESC-3',
      version: 1,
      otherId: 'ESC-2',
    });
    assert.match(textOf(linked.body.value), /linked it to ESC-2 as the same issue/);
    // Lena is in both: linking Security to Engineering names neither on the other's card.
    const security = await postIn(channels.security, 'ESC-1');
    const lena = await click(personas.lead, security, 'escalation.link', {
      escalationId: 'ESC-1',
      version: 1,
      otherId: 'ESC-2',
    });
    assert.match(textOf(lena.body.value), /Lena Lead linked it to ESC-2 as the same issue/);
    assert.deepEqual(leaks(), []);
  });

  it('opens "Brief as text" from the card with its signed link; a changed, foreign or expired one is 403', async () => {
    const { security, engineering } = await twoEscalations();
    // The card links to PUBLIC_URL; this server listens on a port of its own.
    const linkOn = (card: unknown) => {
      const link = new URL(/\[Brief as text\]\((\S+?)\)/.exec(textOf(card))?.[1] ?? '/');
      return `${app.url}${link.pathname}${link.search}`;
    };
    const securityLink = linkOn(teams.card(security.conversationId, security.activityId));
    assert.match(securityLink, /\/api\/escalations\/ESC-1\/brief\.txt\?for=c%3Asecurity&exp=\d+&sig=/);
    const opened = await fetch(securityLink);
    assert.equal(opened.status, 200);
    assert.match(await opened.text(), new RegExp(`^ESCALATION: ${secret.summary}`));

    const engineeringLink = linkOn(teams.card(engineering.conversationId, engineering.activityId));
    assert.equal((await fetch(engineeringLink)).status, 200);
    // The Engineering channel's link, pointed at the Security escalation: the signature is the escalation's.
    assert.equal((await fetch(engineeringLink.replace('ESC-2', 'ESC-1'))).status, 403);
    const tampered = new URL(securityLink);
    tampered.searchParams.set('exp', String(Number(tampered.searchParams.get('exp')) + 3600));
    const refused = await fetch(tampered);
    assert.equal(refused.status, 403);
    assert.equal((await json(refused)).error, 'forbidden');
    assert.doesNotMatch(JSON.stringify(await (await fetch(tampered)).text()), /Initech/);

    const base = app.url;
    const weekAgo = new Date(Date.now() - 8 * 86_400_000);
    const expired = briefLink(base, linkSecret, 'ESC-1', { ...anyone, memberOf: new Set(['security']) }, weekAgo);
    assert.equal((await fetch(expired)).status, 403);
    // Made for someone who may not see it (a valid signature): still 403.
    const outsider = { id: personas.product.aadObjectId, admin: false, memberOf: new Set<never>() };
    assert.equal((await fetch(briefLink(base, linkSecret, 'ESC-1', outsider, new Date()))).status, 403);
    const requester = { id: personas.agent.aadObjectId, admin: false, memberOf: new Set<never>() };
    assert.equal((await fetch(briefLink(base, linkSecret, 'ESC-1', requester, new Date()))).status, 200);
  });

  it('answers REST for a person with what they may see: a Security escalation is 404 to an outsider', async () => {
    await twoEscalations();
    const as = (persona: Persona, path: string) =>
      fetch(`${app.url}${path}`, { headers: { 'x-dev-user': persona.aadObjectId } });
    const ids = async (persona: Persona) => (await json(await as(persona, '/api/escalations'))).map((e: any) => e.id);

    assert.deepEqual(await ids(personas.product), ['ESC-2']);
    assert.equal((await as(personas.product, '/api/escalations/ESC-1')).status, 404);
    assert.equal((await as(personas.product, '/api/escalations/ESC-1/brief.txt')).status, 404);
    assert.equal((await as(personas.product, '/api/escalations?target=security')).status, 200);
    assert.deepEqual(await json(await as(personas.product, '/api/escalations?target=security')), []);
    for (const inside of [personas.agent, personas.security, personas.lead]) {
      assert.deepEqual(await ids(inside), ['ESC-2', 'ESC-1'], inside.name);
      assert.equal((await as(inside, '/api/escalations/ESC-1')).status, 200, inside.name);
    }
    // Without a person (local mode, or the API key): everything.
    assert.equal((await json(await fetch(`${app.url}/api/escalations`))).length, 2);
    const bad = await fetch(`${app.url}/api/escalations`, { headers: { 'x-dev-user': 'nobody; drop table' } });
    assert.equal(bad.status, 400);
    assert.match((await json(bad)).message, /X-Dev-User must be the Entra object id/);
    // Raised by someone acting for themselves: theirs to see.
    const made = await post(
      `${app.url}/api/escalations`,
      { ...securityForm, summary: 'Priya found a leak', requester: { name: 'Priya Product' } },
      { 'x-dev-user': personas.product.aadObjectId },
    );
    assert.equal(made.status, 201);
    assert.deepEqual(await ids(personas.product), ['ESC-3', 'ESC-2']);
  });

  it('keeps one copy a person: ten `show`s are one copy, updated once a change', async () => {
    const { engineering } = await twoEscalations();
    for (let i = 0; i < 10; i++) await say(personas.engineer, 'show ESC-2');
    // The requester (who escalated from Teams) has a copy of their own too: the engineer's are counted.
    const copies = (await app.store.postedCards('ESC-2')).filter(
      (c) => c.place === 'personal' && c.viewerId === personas.engineer.aadObjectId,
    );
    assert.equal(copies.length, 1);
    assert.equal(copies[0]?.viewerId, personas.engineer.aadObjectId);
    await click(personas.engineer, engineering, 'escalation.setStatus', {
      escalationId: 'ESC-2',
      version: 1,
      status: 'investigating',
    });
    const personal = personalConversationId(personas.engineer);
    await teams.waitFor(() => teams.updates(personal).length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(teams.updates(personal).length, 1);
    assert.equal(teams.updates(personal)[0]?.activityId, copies[0]?.activityId);
  });

  it('stops keeping a copy Teams no longer has (404 or 403)', async () => {
    const { engineering } = await twoEscalations();
    await say(personas.engineer, 'show ESC-2');
    const personal = personalConversationId(personas.engineer);
    teams.failNext(1, 404, { match: (r) => r.method === 'PUT' && r.conversationId === personal });
    await click(personas.engineer, engineering, 'escalation.setStatus', {
      escalationId: 'ESC-2',
      version: 1,
      status: 'investigating',
    });
    await teams.waitFor(() => teams.requests.some((r) => r.injected));
    for (let i = 0; i < 50; i++) {
      if ((await app.store.postedCards('ESC-2')).every((c) => c.viewerId !== personas.engineer.aadObjectId)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The channel's copy and the requester's own stay; the engineer's, gone from Teams, is forgotten.
    assert.deepEqual((await app.store.postedCards('ESC-2')).map((c) => c.viewerId ?? c.place).sort(), [
      personas.agent.aadObjectId,
      'channel',
    ]);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    assert.match(metrics, /^escalation_desk_deliveries_failed 1$/m);
  });

  it('denies, with a message, what a roster Teams does not answer would have granted', async () => {
    await twoEscalations();
    // Sol is in Security, but Teams fails every roster question for a while.
    teams.failNext(20, 503, { match: (r) => r.route === 'getConversationMember' });
    const solChat = { conversationId: personalConversationId(personas.security), activityId: '1' };
    const refreshed = await click(personas.security, solChat, 'escalation.refresh', {
      escalationId: 'ESC-1',
      version: 1,
    });
    assert.equal(refreshed.body.statusCode, 200);
    const text = textOf(refreshed.body.value);
    assert.match(text, /^You can't see this escalation\./);
    assert.match(
      text,
      /Teams could not tell us just now whether you are in the Security channel.*: try again in a minute\./,
    );
    assert.doesNotMatch(text, /Initech/);
    // Once Teams answers again, she sees it (nothing was remembered of the failure).
    teams.clearFaults();
    const again = await click(personas.security, solChat, 'escalation.refresh', { escalationId: 'ESC-1', version: 1 });
    assert.match(textOf(again.body.value), new RegExp(secret.summary));
  });

  it('treats an activity without an Entra object id as nobody: reads what anyone may, changes nothing', async () => {
    const { engineering } = await twoEscalations();
    const ghost = { id: '29:1ghost', name: 'Ghost' } as Persona;
    const note = await click(ghost, engineering, 'escalation.addNote', {
      escalationId: 'ESC-2',
      version: 1,
      note: 'boo',
    });
    assert.match(textOf(note.body.value), /Teams did not tell us who you are, so nothing was changed/);
    assert.equal((await detail('ESC-2')).version, 1);
    const security = await postIn(channels.security, 'ESC-1');
    // Even clicking in the Security channel: the channel vouches for people, and this is nobody.
    const refreshed = await click(ghost, security, 'escalation.refresh', { escalationId: 'ESC-1', version: 1 });
    assert.match(textOf(refreshed.body.value), /^You can't see this escalation|^This escalation can't be shown here/);
    const submitted = await escalate(ghost, securityForm);
    assert.match(JSON.stringify(submitted.body), /Teams did not tell us who you are/);
    await say(ghost, 'mine');
    assert.match(teams.posts().at(-1)?.activity.text, /Teams did not tell us who you are/);
    assert.equal((await json(await fetch(`${app.url}/api/escalations`))).length, 2);
    assert.deepEqual(leaks(), []);
  });
});

describe('Tenants', () => {
  let app: RunningApp;
  let teams: FakeConnector;
  before(async () => {
    teams = await FakeConnector.start();
  });
  after(() => teams.close());
  beforeEach(async () => {
    teams.reset();
    app = await startTestApp({ ALLOWED_TENANTS: '6f0c2a51-3d4e-4b8a-9c7d-2e1f0a9b8c7d' });
  });
  afterEach(() => app.close());

  it('answers an activity from another tenant with one sentence and changes nothing', async () => {
    const elsewhere = '11111111-2222-4333-8444-555555555555';
    const from = { serviceUrl: teams.url, tenantId: elsewhere };
    const routed = await send(
      app.url,
      channelMessage({ ...from, channel: channels.security, user: personas.lead, text: 'route security' }),
    );
    assert.equal(routed.status, 200);
    const submitted = await send(
      app.url,
      submitAction({ ...from, user: personas.agent, data: { ...securityForm, verb: 'escalation.submit' } }),
    );
    assert.deepEqual(submitted.body, {
      task: {
        type: 'message',
        value: 'Escalation Desk is not available to your organization: ask the admin who runs it to allow your tenant.',
      },
    });
    const clicked = await send(
      app.url,
      cardAction({
        ...from,
        user: personas.agent,
        card: { conversationId: personalConversationId(personas.agent), activityId: '1' },
        verb: 'escalation.addNote',
        data: { escalationId: 'ESC-1', version: 1, note: 'x' },
      }),
    );
    assert.equal(clicked.body.statusCode, 200);
    assert.match(textOf(clicked.body.value), /not available to your organization/);
    await send(app.url, personalMessage({ ...from, user: personas.agent, text: 'mine' }));

    assert.equal(await app.store.channelFor('security'), undefined);
    assert.deepEqual(await app.store.listEscalations(), []);
    const said = teams.posts().map((p) => p.activity.text);
    assert.deepEqual(said, [
      'Escalation Desk is not available to your organization: ask the admin who runs it to allow your tenant.',
      'Escalation Desk is not available to your organization: ask the admin who runs it to allow your tenant.',
    ]);
    assert.deepEqual(
      teams.requests.filter((r) => r.route !== 'sendToConversation' && r.route !== 'replyToActivity'),
      [],
    );
    // The allowed tenant goes on as usual.
    await routeTier(app.url, teams.url, 'security', channels.security);
    assert.equal((await app.store.channelFor('security'))?.target, 'security');
  });
});

describe('Access outside local mode', () => {
  let app: RunningApp;
  const apiKey = 'k'.repeat(32);
  before(async () => {
    app = await startTestApp({
      BOT_ID: '00000000-0000-0000-0000-000000000001',
      BOT_PASSWORD: 'x',
      API_KEY: apiKey,
      ALLOWED_TENANTS: '6f0c2a51-3d4e-4b8a-9c7d-2e1f0a9b8c7d',
      LINK_SECRET: linkSecret,
    });
  });
  after(() => app.close());

  it('opens a signed brief link without the API key; without the signature it needs the key', async () => {
    const made = await post(
      `${app.url}/api/escalations`,
      { ...engineeringForm, requester: { name: 'Dana Agent' } },
      { authorization: `Bearer ${apiKey}` },
    );
    assert.equal(made.status, 201);
    const link = briefLink(app.url, linkSecret, 'ESC-1', anyone, new Date());
    const opened = await fetch(link);
    assert.equal(opened.status, 200);
    assert.match(await opened.text(), /^ESCALATION: Export API answers ERR_EXPORT_TENANT_SCOPE/);
    assert.equal((await fetch(`${app.url}/api/escalations/ESC-1/brief.txt`)).status, 401);
    assert.equal((await fetch(link.replace(/sig=[^&]+/, 'sig=AAAA'))).status, 403);
    // A signature opens only the brief, never the rest of the API.
    const query = new URL(link).search;
    assert.equal((await fetch(`${app.url}/api/escalations/ESC-1${query}`)).status, 401);
    assert.equal((await fetch(`${app.url}/api/escalations${query}`)).status, 401);
    // X-Dev-User is for local mode only: it names nobody here.
    assert.equal(
      (await fetch(`${app.url}/api/escalations`, { headers: { 'x-dev-user': '00000000-0000-4000-8000-000000000001' } }))
        .status,
      401,
    );
  });
});

describe('A Security escalation raised to Leadership', () => {
  let teams: FakeConnector;
  before(async () => {
    teams = await FakeConnector.start();
  });
  after(() => teams.close());

  it('says "a Security escalation breached its SLA: ESC-n" there, and nothing more', async function () {
    this.timeout(20_000);
    const dir = mkdtempSync(join(tmpdir(), 'raise-'));
    writeFileSync(join(dir, 'sla.json'), JSON.stringify({ critical: { acknowledge: 'PT1S', resolve: 'PT2S' } }));
    teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.lead]));
    const app = await startTestApp(
      { SLA_POLICY: join(dir, 'sla.json'), SLA_CHECK_INTERVAL: 'PT0.2S' },
      { delivery: { pollMs: 100 } },
    );
    try {
      await routeTier(app.url, teams.url, 'security', channels.security);
      await routeTier(app.url, teams.url, 'leadership', channels.leadership);
      await send(
        app.url,
        submitAction({
          serviceUrl: teams.url,
          user: personas.agent,
          data: { ...securityForm, verb: 'escalation.submit' },
        }),
      );
      const raised = (await teams.waitFor(
        () => teams.posts(channels.leadership.id).find((p) => p.kind === 'create'),
        10_000,
      )) as PostedActivity;
      assert.equal(raised.activity.summary, 'A Security escalation breached its SLA: ESC-1');
      assert.equal(textOf(raised.activity.attachments[0].content), 'A Security escalation breached its SLA: ESC-1');
      assert.deepEqual(raised.activity.attachments[0].content.actions ?? [], []);
      // Later updates of that copy say the same, and nothing more.
      const leadership = teams.requests.filter((r) => (r.conversationId ?? '').startsWith(channels.leadership.id));
      for (const request of leadership) {
        assert.doesNotMatch(JSON.stringify(request.body), /Initech|export API/i);
      }
      assert.ok(teams.posts(channels.security.id).length >= 1);
    } finally {
      await app.close();
    }
  });
});

describe('The link secret in local mode', () => {
  it('is made once in the data folder and kept across restarts, so links from cards keep opening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'link-secret-'));
    const env = { DATABASE_URL: `sqlite:${join(dir, 'escalations.db')}` };
    let app = await startTestApp(env);
    await post(`${app.url}/api/escalations`, { ...engineeringForm, requester: { name: 'Dana Agent' } });
    const secretFile = join(dir, 'link-secret');
    const made = readFileSync(secretFile, 'utf8').trim();
    assert.ok(made.length >= 32);
    assert.equal(statSync(secretFile).mode & 0o077, 0, 'readable by its owner only');
    const link = briefLink(app.url, made, 'ESC-1', anyone, new Date());
    await app.close();
    app = await startTestApp(env);
    try {
      assert.equal(readFileSync(secretFile, 'utf8').trim(), made);
      const path = new URL(link);
      assert.equal((await fetch(`${app.url}${path.pathname}${path.search}`)).status, 200);
    } finally {
      await app.close();
    }
  });
});
