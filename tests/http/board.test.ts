// The Escalation Board's JSON over HTTP: the real server (local mode, people named by
// X-Dev-User) and the fake Bot Connector. What each person sees in the queue, its counts, charts
// and CSV; one escalation in full; actions from the board updating the posted card, with the
// card's stale-version rule; and what hostile requests get.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { fullForm, minimalForm } from '../support/briefs';
import { FakeConnector, rosterFrom } from '../support/fakeConnector';
import { channels, type Persona, personas, routeTier } from '../support/teamsActivities';

const as = (person: Persona) => ({ 'x-dev-user': person.aadObjectId, 'x-dev-user-name': person.name });

describe('The Escalation Board’s routes', () => {
  let teams: FakeConnector;
  let app: RunningApp;

  const get = (path: string, person?: Persona) => fetch(`${app.url}${path}`, { headers: person ? as(person) : {} });
  const board = async (query: string, person: Persona) => {
    const answer = await get(`/api/board${query}`, person);
    assert.equal(answer.status, 200, await answer.clone().text());
    return json(answer);
  };
  const raise = async (form: object, person: Persona = personas.agent) => {
    const answer = await post(`${app.url}/api/escalations`, { ...form, requester: { name: person.name } }, as(person));
    assert.equal(answer.status, 201, await answer.clone().text());
    return (await json(answer)).id as string;
  };
  const actOn = (id: string, person: Persona, body: unknown) =>
    post(`${app.url}/api/escalations/${id}/actions`, body, as(person));

  before(async () => {
    teams = await FakeConnector.start();
  });
  after(() => teams.close());
  beforeEach(async () => {
    teams.reset();
    teams.rosters.clear();
    teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.lead]));
    teams.rosters.set(channels.engineering.id, rosterFrom([personas.engineer, personas.lead]));
    app = await startTestApp({}, { delivery: { pollMs: 50, backoffBaseMs: 50 } });
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    await routeTier(app.url, teams.url, 'security', channels.security);
  });
  afterEach(() => app.close());

  it('shows each person the open escalations they may see, soonest due first, with counts: never a Security one to an outsider', async () => {
    const ticket = 'https://acme.zendesk.com/agent/tickets/4821';
    const invoices = await raise({ ...fullForm, severity: 'critical', ticket });
    const billing = await raise(minimalForm);
    const leak = await raise({
      ...minimalForm,
      summary: 'Customer data visible to another tenant',
      target: 'security',
    });

    const outsider = await board('', personas.product);
    assert.deepEqual(outsider.items.map((i: any) => i.id).sort(), [invoices, billing].sort());
    assert.equal(outsider.total, 2);
    assert.deepEqual(outsider.byTier, { engineering: 1, support: 1 });
    assert.equal(outsider.byTier.security, undefined);
    // Critical first: its acknowledge clock is due soonest.
    assert.equal(outsider.items[0].id, invoices);
    assert.equal(outsider.items[0].sla.status, 'within');
    assert.match(outsider.items[0].sla.next, /^ack due in/);
    assert.ok(Date.parse(outsider.items[0].sla.dueAt) > Date.now());
    // The Ticket column's data: no desk is connected, so the link's host names the desk.
    assert.deepEqual(outsider.items[0].ticket, { system: 'acme.zendesk.com', id: '4821', url: ticket });
    assert.equal(outsider.items[1].ticket, undefined);

    const security = await board('', personas.security);
    assert.equal(security.total, 3);
    assert.equal(security.byTier.security, 1);
    // The requester sees their own Security escalation, though not in the Security channel.
    assert.ok((await board('', personas.agent)).items.some((i: any) => i.id === leak));

    assert.deepEqual(
      (await board('?target=engineering', personas.product)).items.map((i: any) => i.id),
      [invoices],
    );
    assert.deepEqual(
      (await board('?severity=medium', personas.product)).items.map((i: any) => i.id),
      [billing],
    );
    assert.deepEqual(
      (await board('?q=PDFS', personas.product)).items.map((i: any) => i.id),
      [invoices],
    );
    assert.equal((await board('?q=100%25', personas.product)).total, 0, 'a % is a character, not a wildcard');
    assert.equal((await board('?target=security', personas.product)).total, 0);
    assert.equal((await board('?q=tenant', personas.product)).total, 0);
    assert.equal((await board('?owner=none', personas.product)).total, 2);
    assert.equal((await board('?owner=me', personas.product)).total, 0);
    assert.equal((await board('?mine=true', personas.agent)).total, 3, 'what they raised, their Security one too');
    assert.equal((await board('?mine=true', personas.product)).total, 0);
    assert.equal((await board('?sla=breached', personas.product)).total, 0);
    assert.equal((await board('?status=resolved', personas.product)).total, 0);
    assert.equal((await board('?limit=1', personas.product)).items.length, 1);
    assert.equal((await board('?limit=1', personas.product)).total, 2);
  });

  it('draws charts and writes CSV of only what the person may see; a formula in a summary stays text', async () => {
    const invoices = await raise({ ...fullForm, summary: '=HYPERLINK("http://evil.example","click")' });
    const leak = await raise({
      ...minimalForm,
      summary: 'Customer data visible to another tenant',
      target: 'security',
    });
    const other = await raise({ ...minimalForm, summary: 'Secret key in a log', target: 'security' });
    // Two Security escalations linked as the same issue: a pattern only Security may see.
    const linked = await actOn(leak, personas.security, {
      verb: 'escalation.addNote',
      version: 1,
      note: 'same as ESC-3',
    });
    assert.equal(linked.status, 200);

    const charts = await json(await get('/api/board/charts', personas.product));
    assert.deepEqual(charts.openByTierAndSeverity, [{ target: 'engineering', severity: 'high', count: 1 }]);
    assert.equal(charts.timeToAct.length, 1);
    assert.equal(charts.timeToAct[0].target, 'engineering');
    assert.deepEqual(charts.ageOfOpen, [{ bucket: 'under a day', count: 1 }]);
    assert.ok(!JSON.stringify(charts).includes('security'));
    const theirs = await json(await get('/api/board/charts?weeks=4', personas.security));
    assert.equal(theirs.openByTierAndSeverity.find((row: any) => row.target === 'security')?.count, 2);

    const csv = await get('/api/board.csv', personas.product);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment/);
    const text = await csv.text();
    const lines = text.trim().split('\r\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /^"id","summary","tier"/);
    assert.ok(lines[1]?.startsWith(`"${invoices}","'=HYPERLINK(""http://evil.example"",""click"")"`), lines[1]);
    assert.ok(!text.includes('tenant') && !text.includes('Secret key') && !text.includes(other));
    assert.equal((await (await get('/api/board.csv', personas.security)).text()).trim().split('\r\n').length, 4);
  });

  it('opens one escalation in full with what the person may do, its linked ones they may see, and its thread in Teams', async () => {
    const invoices = await raise(fullForm);
    const leak = await raise({
      ...minimalForm,
      summary: 'Customer data visible to another tenant',
      target: 'security',
    });
    await teams.waitFor((fake) => fake.cardsIn(channels.engineering.id)[0]);

    const asEngineer = await json(await get(`/api/escalations/${invoices}`, personas.engineer));
    assert.equal(asEngineer.brief.summary, fullForm.summary);
    assert.equal(asEngineer.sla.clocks.length > 0, true);
    assert.equal(asEngineer.timeline[0].kind, 'created');
    assert.ok(asEngineer.moves.includes('progress') && asEngineer.moves.includes('assign'));
    assert.match(
      asEngineer.teamsLink,
      /^https:\/\/teams\.microsoft\.com\/l\/message\/19%3Aengineering%40thread\.tacv2\//,
    );
    assert.deepEqual(asEngineer.linked, []);

    const asProduct = await json(await get(`/api/escalations/${invoices}`, personas.product));
    assert.deepEqual(asProduct.moves, [], 'no role: nothing to do');

    assert.equal((await get(`/api/escalations/${leak}`, personas.product)).status, 404);
    assert.equal((await get(`/api/escalations/${leak}`, personas.security)).status, 200);
  });

  it('acts through the same code as the card: the posted card updates; a stale version is 409 with what changed; no role is 403', async () => {
    const invoices = await raise(fullForm);
    const posted = await teams.waitFor((fake) => fake.cardsIn(channels.engineering.id)[0]);

    const acknowledged = await actOn(invoices, personas.engineer, {
      verb: 'escalation.setStatus',
      version: 1,
      status: 'acknowledged',
    });
    assert.equal(acknowledged.status, 200);
    const after = await json(acknowledged);
    assert.equal(after.status, 'acknowledged');
    assert.equal(after.version, 2);
    const update = await teams.waitFor((fake) => fake.updates(posted.conversationId, posted.activityId)[0]);
    assert.match(JSON.stringify(update.activity), /Acknowledged/);

    const stale = await actOn(invoices, personas.lead, { verb: 'escalation.assign', version: 1 });
    assert.equal(stale.status, 409);
    const conflict = await json(stale);
    assert.equal(conflict.error, 'conflict');
    assert.match(conflict.message, /^Changed while you were looking/);
    assert.equal(conflict.current.version, 2);

    const mine = await json(await actOn(invoices, personas.lead, { verb: 'escalation.assign', version: 2 }));
    assert.equal(mine.owner.id, personas.lead.aadObjectId);
    assert.equal(mine.owner.name, personas.lead.name);
    assert.deepEqual(
      (await board('?owner=me', personas.lead)).items.map((i: any) => i.id),
      [invoices],
    );

    const refused = await actOn(invoices, personas.product, {
      verb: 'escalation.setStatus',
      version: 3,
      status: 'investigating',
    });
    assert.equal(refused.status, 403);
    assert.equal((await json(refused)).error, 'forbidden');
    assert.equal(
      (await actOn(invoices, personas.product, { verb: 'escalation.addNote', version: 3, note: 'hi' })).status,
      403,
    );
    // The requester may add a note and log a customer update.
    assert.equal(
      (await actOn(invoices, personas.agent, { verb: 'escalation.addNote', version: 3, note: 'Acme called' })).status,
      200,
    );
    const logged = await actOn(invoices, personas.agent, {
      verb: 'escalation.logCustomerUpdate',
      version: 4,
      lastUpdateSummary: 'Told Acme a fix is in progress',
    });
    assert.equal(logged.status, 200);
    const unresolved = await actOn(invoices, personas.lead, {
      verb: 'escalation.setStatus',
      version: 5,
      status: 'resolved',
    });
    assert.equal(unresolved.status, 400);
    assert.match((await json(unresolved)).message, /resolution/i);
    assert.equal((await json(await get(`/api/escalations/${invoices}`, personas.lead))).version, 5, 'nothing changed');
  });

  it('follows and unfollows from the board, for anyone who may see it: its requester follows it already, an outsider of Security finds nothing', async () => {
    const invoices = await raise(fullForm);
    const leak = await raise({
      ...minimalForm,
      summary: 'Customer data visible to another tenant',
      target: 'security',
    });
    const posted = await teams.waitFor((fake) => fake.cardsIn(channels.engineering.id)[0]);
    const detail = async (id: string, person?: Persona) =>
      (await json(await get(`/api/escalations/${id}`, person))).following;
    assert.deepEqual(await detail(invoices, personas.product), { count: 1, you: 'not' });
    assert.equal((await board('?mine=true', personas.product)).total, 0);

    // No version needed: following is no change of the escalation.
    const followed = await actOn(invoices, personas.product, { verb: 'escalation.follow' });
    assert.equal(followed.status, 200, await followed.clone().text());
    const after = await json(followed);
    assert.deepEqual(after.following, { count: 2, you: 'asked' });
    assert.equal(after.version, 1);
    assert.deepEqual(
      (await board('?mine=true', personas.product)).items.map((i: any) => i.id),
      [invoices],
      'My escalations: what they follow too',
    );
    const redrawn = await teams.waitFor((fake) =>
      fake
        .updates(posted.conversationId, posted.activityId)
        .find((u) => /2 people follow this/.test(JSON.stringify(u))),
    );
    assert.ok(redrawn, 'the posted card counts them');
    const again = await actOn(invoices, personas.product, { verb: 'escalation.follow', version: 1 });
    assert.deepEqual((await json(again)).following, { count: 2, you: 'asked' }, 'following twice is following once');
    assert.deepEqual(await detail(invoices, personas.agent), { count: 2, you: 'requester' });
    assert.deepEqual(await detail(invoices), { count: 2, you: null }, 'an integration is nobody');

    const unfollowed = await actOn(invoices, personas.product, { verb: 'escalation.unfollow' });
    assert.equal(unfollowed.status, 200);
    assert.deepEqual((await json(unfollowed)).following, { count: 1, you: 'not' });
    assert.equal((await board('?mine=true', personas.product)).total, 0);

    const requester = await actOn(invoices, personas.agent, { verb: 'escalation.unfollow' });
    assert.equal(requester.status, 400);
    const refusal = await json(requester);
    assert.equal(refusal.error, 'invalid_request');
    assert.match(refusal.message, new RegExp(`You follow ${invoices} as its requester`));

    const hidden = await actOn(leak, personas.product, { verb: 'escalation.follow' });
    assert.equal(hidden.status, 404);
    assert.match((await json(hidden)).message, /No escalation/);
    assert.deepEqual(await detail(leak, personas.security), { count: 1, you: 'not' }, 'nobody followed it');
    assert.equal((await board('?mine=true', personas.product)).total, 0);

    const badVerb = await actOn(invoices, personas.product, { verb: 'escalation.swarm' });
    assert.equal(badVerb.status, 400);
    assert.match((await json(badVerb)).message, /verb must be one of .*escalation\.follow, escalation\.unfollow/);
  });

  it('answers hostile requests with 400, 403 or 404 naming what to fix, and never shows what is hidden', async () => {
    const invoices = await raise(fullForm);
    const leak = await raise({
      ...minimalForm,
      summary: 'Customer data visible to another tenant',
      target: 'security',
    });
    const bad = async (answer: Response, status: number, pattern: RegExp) => {
      const body = await json(answer);
      assert.equal(answer.status, status, `${answer.url}: ${JSON.stringify(body)}`);
      assert.match(body.message, pattern);
    };
    for (const [query, pattern] of [
      ['?target=constructor', /target must be one of/],
      ['?limit=0x10', /limit must be a whole number/],
      ['?mine=yes', /mine must be true/],
      ['?limit=1e3', /limit must be a whole number/],
      ['?limit=501', /limit must be a whole number/],
      ['?owner=%27%3B%20drop', /owner must be/],
      ['?q=a%00b', /control characters/],
      [`?q=${'x'.repeat(201)}`, /at most 200/],
      ['?target=support&target=product', /target must be one of/],
      ['?sla=toString', /sla must be one of/],
      ['?status=__proto__', /status must be one of/],
    ] as const) {
      await bad(await get(`/api/board${query}`, personas.product), 400, pattern);
    }
    await bad(await get('/api/board/charts?weeks=1e3', personas.product), 400, /weeks must be/);
    await bad(await get('/api/board/charts?weeks=53', personas.product), 400, /weeks must be/);

    await bad(await actOn(invoices, personas.engineer, []), 400, /JSON object/);
    await bad(
      await actOn(invoices, personas.engineer, { verb: 'constructor', version: 1 }),
      400,
      /verb must be one of/,
    );
    await bad(
      await actOn(invoices, personas.engineer, { verb: 'escalation.email', version: 1 }),
      400,
      /verb must be one of/,
    );
    await bad(
      await actOn(invoices, personas.engineer, { verb: 'escalation.addNote', version: '1', note: 'x' }),
      400,
      /version/,
    );
    await bad(
      await actOn(invoices, personas.engineer, { verb: 'escalation.addNote', version: 1 }),
      400,
      /Note is required/,
    );
    await bad(
      await actOn(invoices, personas.engineer, { verb: 'escalation.addNote', version: 1, note: { toString: null } }),
      400,
      /Note is required/,
    );
    await bad(
      await actOn(invoices, personas.engineer, { verb: 'escalation.addNote', version: 1, note: 'x'.repeat(1001) }),
      400,
      /at most 1000/,
    );
    await bad(
      await post(
        `${app.url}/api/escalations/${invoices}/actions`,
        '{"verb":"escalation.setStatus","version":1,"__proto__":{"status":"resolved"}}',
        as(personas.engineer),
      ),
      400,
      /Choose a status/,
    );
    await bad(
      await actOn(invoices, personas.engineer, {
        verb: 'escalation.assign',
        version: 1,
        assignee: personas.lead.aadObjectId,
      }),
      400,
      /assign it to yourself/,
    );
    // Hidden or unknown: the same 404, whatever the body.
    await bad(
      await actOn(leak, personas.product, { verb: 'escalation.addNote', version: 1, note: 'x' }),
      404,
      /No escalation/,
    );
    await bad(await actOn(leak, personas.product, []), 404, /No escalation/);
    await bad(await actOn('ESC-999', personas.product, {}), 404, /No escalation/);
    await bad(await actOn('constructor', personas.product, {}), 404, /No escalation/);
    // An integration (no person named) sees everything but acts as nobody.
    await bad(
      await post(`${app.url}/api/escalations/${invoices}/actions`, {
        verb: 'escalation.addNote',
        version: 1,
        note: 'x',
      }),
      403,
      /person/,
    );
    assert.equal(
      (await json(await get(`/api/escalations/${invoices}`, personas.engineer))).version,
      1,
      'nothing changed',
    );
  });

  it('says who is looking, and offers the people the bot has seen in local mode', async () => {
    await raise(fullForm);
    const me = await json(await get('/api/me', personas.lead));
    assert.deepEqual(me, {
      id: personas.lead.aadObjectId,
      name: personas.lead.name,
      admin: true,
      memberOf: ['engineering', 'security'],
      localMode: true,
    });
    const product = await json(await get('/api/me', personas.product));
    assert.deepEqual(product.memberOf, []);
    const people = await json(await get('/api/people'));
    assert.ok(people.some((p: any) => p.id === personas.agent.aadObjectId && p.name === personas.agent.name));
  });
});
