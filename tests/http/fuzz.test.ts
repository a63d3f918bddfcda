// Generated hostile input against the real server in its own process: 2,000 bad REST bodies
// and 1,000 bad activities and invokes (wrong types, huge and nested values, prototype keys,
// control characters, bad encodings). No answer is a 5xx, the process stays up, every error
// is JSON naming what was wrong, and exactly the accepted escalations are stored.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { json } from '../support/app';
import { type BotProcess, startBot } from '../support/botProcess';
import { fullForm } from '../support/briefs';
import { signFor } from '../support/deskSigning';
import { FakeConnector } from '../support/fakeConnector';
import { deskEnv, FakeJira, FakeServiceNow, FakeZendesk } from '../support/fakeHelpdesks';
import {
  cardAction,
  channelMessage,
  channels,
  fetchTask,
  personalMessage,
  personas,
  routeTier,
  submitAction,
} from '../support/teamsActivities';

const main = resolve(__dirname, '../../src/main.js');

/** A small seeded generator, so a failure can be replayed (the seed is in the message). */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}

type Random = ReturnType<typeof generator>;

const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];
const controls = ['\u0000', '\u0001', '\u0007', '\u001b[31m', '\u007f', '\ud800', '\uffff'];

function hostileValue(random: Random, depth = 0): unknown {
  switch (random.int(14)) {
    case 0:
      return null;
    case 1:
      return random.pick([0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2]);
    case 2:
      return random.pick([true, false]);
    case 3:
      return random.pick(prototypeKeys);
    case 4:
      return `text${random.pick(controls)}more`;
    case 5:
      return 'x'.repeat(random.pick([1_001, 5_000, 40_000]));
    case 6:
      return random.pick(['0x10', '1e3', '2026-02-30', '25:99', 'ESC-0', 'ESC-99999999999999999999', ' ', '']);
    case 7: {
      let nested: unknown = 'deep';
      for (let i = 0; i < random.pick([10, 200, 1000]); i++) nested = [nested];
      return nested;
    }
    case 8:
      return { toString: null, valueOf: null };
    case 9:
      return JSON.parse(`{"${random.pick(prototypeKeys)}": {"polluted": true}}`);
    case 10:
      return depth < 2 ? Array.from({ length: random.int(4) }, () => hostileValue(random, depth + 1)) : [];
    case 11:
      return depth < 2 ? { [random.pick(prototypeKeys)]: hostileValue(random, depth + 1), x: 1 } : {};
    case 12:
      return '[x](javascript:alert(1)) <at>all</at>';
    default:
      return random.pick(['critical', 'security', 'bug_confirmed,nonsense', 'resolved', '17:00']);
  }
}

/** A value as text for a URL or a message (an object's own toString may be anything). */
const asText = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined'));

/** A value in a URL: a lone surrogate cannot be encoded, so it becomes U+FFFD (as a browser would send it). */
const inUrl = (value: unknown, max: number) =>
  encodeURIComponent(
    asText(value)
      .slice(0, max)
      .replace(/[\ud800-\udfff]/g, '\ufffd'),
  );

/** A brief with some of its fields replaced by hostile values, or extra hostile keys. */
function hostileBrief(random: Random): Record<string, unknown> {
  const body: Record<string, unknown> = { ...fullForm, requester: { name: 'Fuzz' } };
  const keys = [...Object.keys(body), ...prototypeKeys];
  for (let i = 0, n = 1 + random.int(3); i < n; i++) body[random.pick(keys)] = hostileValue(random);
  if (random.int(5) === 0) body.requester = hostileValue(random);
  return body;
}

interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

function hostileRestRequest(random: Random): RawRequest {
  const json = { 'content-type': 'application/json' };
  switch (random.int(13)) {
    case 0:
      return { method: 'POST', path: '/api/triage', headers: json, body: JSON.stringify(hostileValue(random)) };
    case 1:
      return {
        method: 'POST',
        path: '/api/triage',
        headers: json,
        body: JSON.stringify({ signals: hostileValue(random), customersAffected: hostileValue(random) }),
      };
    case 2: {
      const text = JSON.stringify(hostileBrief(random));
      // Cut short, or with a byte that is not UTF-8.
      const body =
        random.int(2) === 0
          ? text.slice(0, random.int(text.length))
          : Buffer.concat([
              Buffer.from(text.slice(0, 20)),
              Buffer.from([0xff, 0xfe, 0xc3]),
              Buffer.from(text.slice(20)),
            ]);
      return { method: 'POST', path: '/api/escalations', headers: json, body };
    }
    case 3:
      return {
        method: 'POST',
        path: '/api/escalations',
        headers: { 'content-type': random.pick(['text/plain', 'application/xml', 'multipart/form-data', '']) },
        body: JSON.stringify(hostileBrief(random)),
      };
    case 4: {
      const query = new URLSearchParams();
      for (const key of ['status', 'target', 'severity', 'limit', 'cursor', random.pick(prototypeKeys)]) {
        if (random.int(2) === 0) query.append(key, asText(hostileValue(random)).slice(0, 200));
      }
      return { method: 'GET', path: `/api/escalations?${query}`, headers: {} };
    }
    case 5:
      return {
        method: 'GET',
        path: `/api/escalations/${inUrl(hostileValue(random), 300)}${random.pick(['', '/brief.txt'])}`,
        headers:
          random.int(2) === 0
            ? {
                'x-dev-user': asText(hostileValue(random))
                  .slice(0, 100)
                  .replace(/[^\x20-\x7e]/g, '?'),
              }
            : {},
      };
    case 6:
      return {
        method: 'GET',
        path: `/api/escalations/ESC-1/brief.txt?sig=${inUrl(hostileValue(random), 100)}&for=${random.pick(['a', 'p:x', 'c:security', '%00'])}&exp=${random.pick(['1', '99999999999', 'x', ''])}`,
        headers: {},
      };
    case 7:
      return {
        method: 'POST',
        path: random.pick(['/api/escalations', '/api/triage', '/api/messages']),
        headers: { ...json, 'content-encoding': random.pick(['gzip', 'deflate', 'br', 'x-unknown', 'gzip, gzip']) },
        body: random.int(2) === 0 ? 'not compressed at all' : gzipSync(JSON.stringify(hostileBrief(random))),
      };
    case 8: {
      // The board's queue, CSV and charts, with hostile filters, as a person or as nobody.
      const query = new URLSearchParams();
      for (const key of ['target', 'severity', 'status', 'sla', 'owner', 'mine', 'q', 'limit', 'weeks']) {
        if (random.int(2) === 0) query.append(key, asText(hostileValue(random)).slice(0, 300));
      }
      if (random.int(4) === 0) query.append(random.pick(prototypeKeys), 'x');
      const path = random.pick(['/api/board', '/api/board.csv', '/api/board/charts', '/api/me', '/api/people']);
      return { method: 'GET', path: `${path}?${query}`, headers: random.int(2) === 0 ? asPerson : {} };
    }
    case 9: {
      // An action from the board: any verb, version and data, on any id.
      const body = random.pick([
        () => hostileValue(random),
        () => ({
          verb: random.pick([
            'escalation.setStatus',
            'escalation.assign',
            'escalation.addNote',
            'escalation.logCustomerUpdate',
            'escalation.follow',
            'escalation.unfollow',
            'constructor',
          ]),
          version: hostileValue(random),
          status: hostileValue(random),
          note: hostileValue(random),
          assignee: hostileValue(random),
        }),
      ])();
      const id = random.int(2) === 0 ? 'ESC-1' : inUrl(hostileValue(random), 100);
      return {
        method: 'POST',
        path: `/api/escalations/${id}/actions`,
        headers: {
          ...json,
          ...asPerson,
          'idempotency-key': asText(hostileValue(random))
            .slice(0, 300)
            .replace(/[^\x20-\x7e]/g, '?'),
        },
        body: JSON.stringify(body ?? null),
      };
    }
    case 10:
      // The board's page: any name under /tab/.
      return { method: 'GET', path: `/tab/${inUrl(hostileValue(random), 200)}`, headers: {} };
    default:
      return { method: 'POST', path: '/api/escalations', headers: json, body: JSON.stringify(hostileBrief(random)) };
  }
}

/** Someone in no tier's channel, as the local board names a person. */
const asPerson = { 'x-dev-user': 'aad00000-0000-4000-8000-000000000005', 'x-dev-user-name': 'Priya Product' };

/**
 * The messages come from many chats and channels, as a flood does: the bot paces its replies in
 * each (Teams' 7 a second), and a thousand replies in two conversations would take minutes.
 */
function fuzzChannel(random: Random) {
  const n = random.int(40);
  return n === 0 ? channels.engineering : { ...channels.engineering, id: `19:fuzz-${n}@thread.tacv2` };
}

function personalMessageIn(random: Random, serviceUrl: string) {
  const message = personalMessage({
    serviceUrl,
    user: personas.agent,
    text: asText(hostileValue(random)).slice(0, 5000),
  });
  return { ...message, conversation: { ...message.conversation, id: `a:1fuzz-chat-${random.int(40)}` } };
}

function hostileActivity(random: Random, serviceUrl: string): unknown {
  const base = { serviceUrl };
  const activity = random.pick([
    () => personalMessageIn(random, serviceUrl),
    () =>
      channelMessage({
        ...base,
        channel: fuzzChannel(random),
        user: personas.lead,
        text: `${random.pick(['route', 'unroute', 'routes', 'show'])} ${asText(hostileValue(random)).slice(0, 300)}`,
      }),
    () =>
      cardAction({
        ...base,
        user: random.pick(Object.values(personas)),
        card: {
          conversationId: random.pick([channels.engineering.id, 'a:1dana-agent', '19:x@thread.v2']),
          activityId: '1',
        },
        verb: random.pick([
          'escalation.addNote',
          'escalation.setStatus',
          'escalation.link',
          'escalation.refresh',
          'escalation.swarm',
          'ticket.fill',
          'triage.evaluate',
          'escalation.submit',
          asText(hostileValue(random)),
        ]),
        data: {
          escalationId: random.pick(['ESC-1', 'ESC-2', hostileValue(random)]),
          version: hostileValue(random),
          note: hostileValue(random),
          status: hostileValue(random),
          otherId: hostileValue(random),
          people: hostileValue(random),
          ticket: hostileValue(random),
          ...(random.int(2) ? hostileBrief(random) : {}),
        } as never,
      }),
    () => fetchTask({ ...base, user: personas.agent, commandId: asText(hostileValue(random)).slice(0, 100) }),
    () => submitAction({ ...base, user: personas.agent, data: hostileBrief(random) }),
  ])() as Record<string, unknown>;
  // Then break it somewhere.
  switch (random.int(6)) {
    case 0:
      activity[random.pick(['type', 'conversation', 'from', 'value', 'channelData', 'name', 'recipient', 'entities'])] =
        hostileValue(random);
      break;
    case 1:
      activity.value = hostileValue(random);
      break;
    case 2:
      (activity.from as Record<string, unknown>).aadObjectId = hostileValue(random);
      break;
    case 3:
      activity.channelData = {
        tenant: { id: hostileValue(random) },
        team: hostileValue(random),
        channel: hostileValue(random),
      };
      break;
    default:
      break;
  }
  return activity;
}

/** Links a message may carry: Teams' own, and links made to pass for them. */
const messageLinks = [
  'https://teams.microsoft.com/l/message/19:fuzz@thread.tacv2/1',
  'https://teams.cloud.microsoft/l/message/19:fuzz@thread.v2/2',
  'javascript:alert(1)',
  'https://evil.example/l/message/1',
  'https://teams.microsoft.com.evil.example/x',
  'https://teams.microsoft.com/l/message/1)[x](javascript:alert(1)',
  'https://teams.microsoft.com@evil.example/',
];

/** Bodies people (or an attacker) write: huge HTML, scripts, markdown links, tags and entities. */
function hostileBody(random: Random): string {
  return random.pick([
    () => `<p>${'word '.repeat(random.pick([1, 2_000, 60_000]))}</p>`,
    () => '<script>alert(1)</script><a href="javascript:alert(2)">click</a><img src=x onerror=alert(3)>',
    () =>
      '[x](javascript:alert(1)) ![i](https://evil.example/i.png) <at>all</at> &lt;script&gt; [y]: https://evil.example',
    () => '<'.repeat(50_000),
    () => `&#${random.int(2_000_000)};&#x${random.int(0x200000).toString(16)};&bogus;`,
    () => asText(hostileValue(random)).slice(0, 50_000),
  ])();
}

/** "Save to escalation" opened or submitted with a hostile message and hostile inputs. */
function hostileSave(random: Random, serviceUrl: string, escalationId: string): Record<string, unknown> {
  const message = {
    content: hostileBody(random),
    contentType: random.pick(['html', 'text', undefined] as const),
    author: random.pick(Object.values(personas)),
    id: String(1_700_000_000_000 + random.int(30)),
  };
  const options = {
    serviceUrl,
    user: personas.agent,
    channel: channels.support,
    commandId: 'saveToEscalation',
    message,
  };
  const activity: Record<string, any> =
    random.int(3) === 0
      ? fetchTask(options)
      : submitAction({
          ...options,
          data: {
            escalationId: random.pick([escalationId, 'ESC-1', hostileValue(random)]),
            ...(random.int(3) === 0 ? { otherEscalationId: hostileValue(random) } : {}),
            why: random.pick([hostileBody(random), hostileValue(random), 'it is back']),
            ...(random.int(4) === 0 ? { message: hostileValue(random) } : {}),
          },
        });
  const payload = activity.value.messagePayload;
  payload.linkToMessage = random.pick(messageLinks);
  for (let i = 0, n = random.int(3); i < n; i++) {
    payload[random.pick(['body', 'from', 'createdDateTime', 'id', 'linkToMessage', ...prototypeKeys])] =
      hostileValue(random);
  }
  if (random.int(8) === 0) delete activity.value.messagePayload;
  if (random.int(10) === 0) activity.value.data = hostileValue(random);
  return activity;
}

/** Every markdown link a card's texts make. */
const linksIn = (card: unknown): string[] => {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const text = (node as { text?: unknown }).text;
    if (typeof text === 'string') for (const m of text.matchAll(/\]\(([^)]*)\)/g)) found.push(m[1] ?? '');
    for (const inner of Object.values(node)) walk(inner);
  };
  walk(card);
  return found;
};

/** What each desk sends when all is well: the fuzz makes these hostile. */
const deskBodies: Record<string, () => Record<string, unknown>> = {
  zendesk: () => ({
    event: 'escalate',
    ticket: { id: '4821' },
    tier: 'engineering',
    signals: 'bug_confirmed',
    agent: { name: 'Sam' },
  }),
  servicenow: () => ({
    event: 'public_reply',
    incident: { sys_id: 'a'.repeat(32), number: 'INC0010001', short_description: 'Exports fail', priority: '2' },
    tier: 'engineering',
    comment: { text: 'We are on it', at: '2026-12-07T10:00:00Z' },
  }),
  jira: () => ({
    webhookEvent: 'jira:issue_created',
    issue: { key: 'SUP-1', fields: { labels: ['escalate-engineering'] } },
    comment: { id: '1', body: 'x', jsdPublic: true },
  }),
  webhook: () => ({
    ...fullForm,
    ticket: { system: 'freshdesk', id: '77', url: 'https://acme.freshdesk.com/a/tickets/77' },
  }),
};

/** A desk's webhook made hostile, signed as the desk signs it (most of the time), or not. */
function hostileWebhook(random: Random, secrets: Record<string, string>): RawRequest {
  const route = random.pick(Object.keys(deskBodies));
  const body = (deskBodies[route] as () => Record<string, unknown>)();
  const keys = [...Object.keys(body), ...prototypeKeys];
  for (let i = 0, n = random.int(4); i < n; i++) body[random.pick(keys)] = hostileValue(random);
  const shape = random.int(10);
  const text =
    shape === 0 ? asText(hostileValue(random)) : shape === 1 ? '{"event": "escalate",' : JSON.stringify(body);
  const secret = secrets[route] as string;
  const signing = random.int(6);
  const headers: Record<string, string> =
    signing === 0 ? {} : signing === 1 ? signFor(route, text, `${secret}0`) : signFor(route, text, secret);
  if (signing === 2)
    for (const name of Object.keys(headers))
      headers[name] = asText(hostileValue(random))
        .slice(0, 300)
        .replace(/[^\x20-\x7e]/g, '?');
  return {
    method: 'POST',
    path: `/api/helpdesk/${route}`,
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
  };
}

describe('Fuzzing the running server', () => {
  let bot: BotProcess;
  let teams: FakeConnector;
  const desks = { zendesk: new FakeZendesk(), servicenow: new FakeServiceNow(), jira: new FakeJira() };
  const secrets: Record<string, string> = { webhook: `whsec_${Buffer.alloc(32, 'generic').toString('base64')}` };
  before(async () => {
    teams = await FakeConnector.start();
    await Promise.all(Object.values(desks).map((desk) => desk.start()));
    const customer = { id: 5, name: 'Carla' };
    desks.zendesk.addTicket({
      id: 4821,
      subject: 'Exports fail',
      description: 'Empty PDFs.',
      priority: 'high',
      requester: customer,
      comments: [],
    });
    const env = { ...deskEnv(...Object.values(desks)), HELPDESK_WEBHOOK_SECRET: secrets.webhook as string };
    for (const [name, desk] of Object.entries(desks)) secrets[name] = desk.connection().webhookSecret;
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
    bot = await startBot('the bot', [main], {
      ...process.env,
      ...env,
      BOT_ID: '',
      DATABASE_URL: `sqlite:${join(dir, 'escalations.db')}`,
    });
    await routeTier(bot.url, teams.url, 'engineering', channels.engineering);
  });
  after(async () => {
    await bot.stop();
    await teams.close();
    await Promise.all(Object.values(desks).map((desk) => desk.stop()));
  });

  it('answers 800 hostile help-desk webhooks, signed and unsigned, with a named 4xx or success, never 5xx', async function () {
    this.timeout(180_000);
    const seed = 20261207;
    const random = generator(seed);
    const answered = new Map<number, number>();
    for (let n = 0; n < 800; n++) {
      const request = hostileWebhook(random, secrets);
      const answer = await fetch(`${bot.url}${request.path}`, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
      });
      const text = await answer.text();
      const what = `webhook ${n} (seed ${seed}): ${request.path} -> ${answer.status} ${text.slice(0, 200)}`;
      assert.ok(answer.status < 500, what);
      answered.set(answer.status, (answered.get(answer.status) ?? 0) + 1);
      if (answer.status >= 400) assert.equal(typeof JSON.parse(text).message, 'string', what);
    }
    assert.ok(bot.alive(), bot.output());
    assert.ok(
      (answered.get(401) ?? 0) > 0 && (answered.get(400) ?? 0) > 0 && (answered.get(200) ?? 0) > 0,
      JSON.stringify([...answered]),
    );
  });

  it('answers 2,000 bad REST requests with a named 4xx or success, never 5xx, and stores exactly what it accepted', async function () {
    this.timeout(180_000);
    const seed = 20261204;
    const random = generator(seed);
    let accepted = 0;
    // Escalations made before (the help desks' fuzz) are not this test's.
    const storedBefore = (await json(await fetch(`${bot.url}/api/escalations?limit=200`))).length;
    for (let n = 0; n < 2000; n++) {
      const request = hostileRestRequest(random);
      const answer = await fetch(`${bot.url}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      const text = await answer.text();
      const what = `request ${n} (seed ${seed}): ${request.method} ${request.path.slice(0, 120)} -> ${answer.status} ${text.slice(0, 200)}`;
      assert.ok(answer.status < 500, what);
      if (answer.status >= 400) {
        const error = JSON.parse(text);
        assert.equal(typeof error.error, 'string', what);
        assert.ok(typeof error.message === 'string' && error.message.length > 0, what);
        assert.ok(text.length < 20_000, `${what}: an error repeats what was sent`);
      }
      if (request.method === 'POST' && request.path === '/api/escalations' && answer.status === 201) accepted += 1;
    }
    assert.ok(bot.alive(), bot.output());
    const stored = await json(await fetch(`${bot.url}/api/escalations?limit=200`));
    assert.equal(stored.length - storedBefore, accepted);
    assert.ok(accepted > 0, 'some generated briefs are valid: the fuzz reaches the store');
  });

  it('answers 400 hostile Save to escalation invokes without a 5xx, and no markup people wrote becomes a link', async function () {
    this.timeout(180_000);
    const seed = 23112026;
    const random = generator(seed);
    const dana = { 'x-dev-user': personas.agent.aadObjectId, 'x-dev-user-name': personas.agent.name };
    const created = await fetch(`${bot.url}/api/escalations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...dana },
      body: JSON.stringify({ ...fullForm, requester: { name: personas.agent.name } }),
    });
    const { id } = await json(created);
    for (let n = 0; n < 400; n++) {
      const activity = hostileSave(random, teams.url, id);
      const body = JSON.stringify(activity);
      const answer = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const text = await answer.text();
      const what = `save ${n} (seed ${seed}) -> ${answer.status} ${text.slice(0, 300)}\n${body.slice(0, 300)}`;
      assert.ok(answer.status < 500, what);
      const card = answer.status === 200 && text ? JSON.parse(text).task?.value?.card?.content : undefined;
      if (card) {
        assert.deepEqual(linksIn(card), [], `${what}: the dialog makes no link`);
        assert.ok(!JSON.stringify(card).includes('${'), `${what}: no \${ survives expansion`);
      }
    }
    assert.ok(bot.alive(), bot.output());
    const detail = await json(await fetch(`${bot.url}/api/escalations/${id}`, { headers: dana }));
    const saved = detail.timeline.filter((entry: { kind: string }) => entry.kind === 'saved');
    assert.ok(saved.length > 0, 'some saves are valid: the fuzz reaches the store');
    for (const entry of saved) {
      if (entry.link !== undefined) assert.match(entry.link, /^https:\/\/teams\.(microsoft\.com|cloud\.microsoft)\//);
    }
    // The card in the tier's channel, once it shows the last save: its only links are ours.
    const posted = await teams.waitFor(() =>
      teams.posts(channels.engineering.id).find((p) => p.kind === 'create' && p.activity.summary?.startsWith(`${id}:`)),
    );
    const card = await teams.waitFor(() => {
      const now = teams.card(posted.conversationId, posted.activityId);
      return JSON.stringify(now).includes(`Version ${detail.version} ·`) && now;
    }, 60_000);
    for (const link of linksIn(card)) {
      assert.match(link, /^(https:\/\/teams\.(microsoft\.com|cloud\.microsoft)\/|http:\/\/localhost:3978\/)/, link);
    }
    assert.ok(!JSON.stringify(card).includes('<script'));
  });

  it('answers 1,000 bad activities and invokes without a 5xx, and keeps serving', async function () {
    this.timeout(240_000);
    const seed = 4122026;
    const random = generator(seed);
    for (let n = 0; n < 1000; n++) {
      const activity = hostileActivity(random, teams.url);
      const body = JSON.stringify(activity);
      const answer = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const text = await answer.text();
      assert.ok(
        answer.status < 500,
        `activity ${n} (seed ${seed}) -> ${answer.status} ${text.slice(0, 300)}\n${body.slice(0, 300)}`,
      );
    }
    assert.ok(bot.alive(), bot.output());
    assert.equal((await fetch(`${bot.url}/healthz`)).status, 200);
  });
});
