// What an attacker or a broken client sends, to the real server as `npm start` runs it (its
// own process, so a request that stops it shows): every answer is a 4xx that says what to
// fix, never a 5xx, and the process goes on serving.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { json, post } from '../support/app';
import { type BotProcess, startBot } from '../support/botProcess';
import { fullForm, minimalForm } from '../support/briefs';
import { textOf } from '../support/cardValidation';
import { FakeConnector } from '../support/fakeConnector';
import { channels, personalMessage, personas, routeTier, send } from '../support/teamsActivities';

const main = resolve(__dirname, '../../src/main.js');
const requester = { name: 'Dana Agent' };

describe('Hostile requests to the running server', () => {
  let bot: BotProcess;
  let teams: FakeConnector;

  before(async () => {
    teams = await FakeConnector.start();
    const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
    bot = await startBot('the bot', [main], {
      ...process.env,
      BOT_ID: '',
      DATABASE_URL: `sqlite:${join(dir, 'escalations.db')}`,
    });
  });
  after(async () => {
    await bot.stop();
    await teams.close();
  });
  afterEach(async () => {
    assert.ok(bot.alive(), `the server stopped:\n${bot.output()}`);
    assert.equal((await fetch(`${bot.url}/healthz`)).status, 200);
  });

  const raw = (path: string, body: Buffer | string, headers: Record<string, string>) =>
    fetch(`${bot.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('answers a gzip body that is not gzip with 400, on every route, and keeps serving', async () => {
    for (const path of ['/api/messages', '/api/escalations', '/api/triage', '/healthz', '/nowhere']) {
      const answer = await raw(path, 'this is not gzip', { 'content-encoding': 'gzip' });
      assert.equal(answer.status, 400, path);
      assert.match((await json(answer)).message, /Send the body uncompressed/);
    }
  });

  it('refuses a small gzip body that inflates to 20 MB', async () => {
    const bomb = gzipSync(Buffer.from(JSON.stringify({ summary: 'x'.repeat(20 * 1024 * 1024) })));
    assert.ok(bomb.length < 64 * 1024);
    for (const encoding of ['gzip', 'deflate', 'br', 'GZIP']) {
      const answer = await raw('/api/escalations', bomb, { 'content-encoding': encoding });
      assert.equal(answer.status, 400, encoding);
    }
    assert.deepEqual(await json(await fetch(`${bot.url}/api/escalations`)), []);
  });

  it('answers 400 for a body that is not an activity, and never 5xx for what a client sent', async () => {
    const activity = personalMessage({ serviceUrl: teams.url, user: personas.agent, text: 'help' });
    const broken: [string, unknown][] = [
      ['no type', { ...activity, type: undefined }],
      ['a type that is not text', { ...activity, type: 7 }],
      ['no conversation', { ...activity, conversation: undefined }],
      ['a conversation without an id', { ...activity, conversation: { id: 5 } }],
      ['no serviceUrl', { ...activity, serviceUrl: undefined }],
      ['a serviceUrl that is no URL', { ...activity, serviceUrl: 'not a url' }],
      ['a serviceUrl of another scheme', { ...activity, serviceUrl: 'javascript:alert(1)' }],
      ['a from that is text', { ...activity, from: 'dana' }],
      ['an array', [activity]],
      ['null', null],
      ['a number', 7],
    ];
    for (const [what, body] of broken) {
      const answer = await raw('/api/messages', JSON.stringify(body), {});
      assert.equal(answer.status, 400, what);
      assert.equal((await json(answer)).error, 'invalid_request', what);
    }
    // An activity whose serviceUrl answers nobody: the bot cannot reply, nor say it cannot.
    const nowhere = await send(bot.url, { ...activity, serviceUrl: 'http://127.0.0.1:9/' });
    assert.ok(nowhere.status < 500, `${nowhere.status}`);
    const invoke = await send(bot.url, { ...activity, type: 'invoke', name: 'adaptiveCard/action', value: null });
    assert.ok(invoke.status < 500, `${invoke.status}`);
  });

  it('never stringifies what a client sent into a message: objects, nested arrays, huge text', async () => {
    const values: unknown[] = [{ toString: null }, { valueOf: null, toString: null }, deep(2000), 'z'.repeat(200_000)];
    for (const value of values) {
      for (const field of ['severity', 'target', 'signals', 'customersAffected', 'summary', 'slaStatus']) {
        const answer = await post(`${bot.url}/api/escalations`, { ...minimalForm, [field]: value, requester });
        assert.equal(answer.status, 400, field);
        const body = await json(answer);
        assert.ok(
          body.problems.some((p: any) => p.field === field),
          `${field}: ${body.message}`,
        );
        assert.ok(JSON.stringify(body).length < 4000, `${field}: the answer repeats what was sent`);
      }
      const triaged = await post(`${bot.url}/api/triage`, { signals: [value], customersAffected: value });
      assert.equal(triaged.status, 400);
    }
    assert.deepEqual(await json(await fetch(`${bot.url}/api/escalations`)), []);
  });

  it('takes numbers in decimal, dates that exist, and text without control characters', async () => {
    const refused: [string, Record<string, unknown>, RegExp][] = [
      ['hexadecimal', { customersAffected: '0x10' }, /Customers affected must be a whole number/],
      ['an exponent', { customersAffected: '1e3' }, /Customers affected must be a whole number/],
      ['a fraction', { customersAffected: '2.5' }, /Customers affected must be a whole number/],
      ['30 February', { deadlineDate: '2026-02-30' }, /Deadline date must be a real date/],
      ['a 13th month', { lastUpdateDate: '2026-13-01' }, /Last update date must be a real date/],
      ['NUL in a summary', { summary: 'Invoices\u0000 empty' }, /Summary must not contain control characters/],
      ['BEL in a description', { description: 'It beeps\u0007' }, /Description must not contain control characters/],
      ['ESC in a step', { reproSteps: ['Open \u001b[31mred'] }, /Reproduction steps must not contain control/],
      ['a control in a customer', { customerNames: 'Acme\u0001' }, /Customer names must not contain control/],
      ['a control in a name', { requester: { name: 'Dana\u0000' } }, /requester.name must not contain control/],
    ];
    for (const [what, change, message] of refused) {
      const answer = await post(`${bot.url}/api/escalations`, { ...fullForm, requester, ...change });
      assert.equal(answer.status, 400, what);
      assert.match((await json(answer)).message, message, what);
    }
    const triage = await post(`${bot.url}/api/triage`, { signals: ['bug_confirmed'], customersAffected: '0x10' });
    assert.equal(triage.status, 400);
    // Tabs and line breaks are text people type.
    const fine = await post(`${bot.url}/api/escalations`, {
      ...fullForm,
      description: 'Line one.\r\n\tIndented line two.',
      deadlineDate: '2028-02-29',
      requester,
    });
    assert.equal(fine.status, 201);
  });

  it('shows text people wrote on cards and in chat as text, never as a link', async () => {
    await routeTier(bot.url, teams.url, 'engineering', channels.engineering);
    const made = await post(`${bot.url}/api/escalations`, {
      ...fullForm,
      summary: 'Click [here](javascript:alert(1)) now',
      description:
        'See ![img](http://evil.example/x.png) and [ref][1] and <at>Everyone</at>.\n\n[1]: javascript:alert(2)',
      customerNames: '[Acme](http://evil.example)',
      customersAffected: 3,
      requester: { name: '[Dana](http://evil.example)' },
    });
    assert.equal(made.status, 201);
    const { id } = await json(made);
    const post_ = await teams.waitFor(() =>
      teams.posts().find((p) => p.kind === 'create' && p.activity.summary?.startsWith(`${id}:`)),
    );
    const card = post_.activity.attachments[0].content;
    // The one link on the card is ours: the signed "Brief as text".
    const text = textOf(card).replace(/\[Brief as text\]\(http[^)\s]+\)/, '');
    assert.doesNotMatch(text, /\]\(|\]\[|\]:|<at>/, 'no link, image, reference or tag syntax survives');
    assert.match(text, /Click \[here\]\u200B\(javascript:alert\(1\)\) now/);
    for (const action of JSON.stringify(card).match(/"url":"[^"]*"/g) ?? []) {
      assert.match(action, /^"url":"https?:\/\//, action);
    }
    await send(bot.url, personalMessage({ serviceUrl: teams.url, user: personas.agent, text: 'mine' }));
    const escalated = await send(
      bot.url,
      personalMessage({ serviceUrl: teams.url, user: personas.agent, text: 'show ESC-1' }),
    );
    assert.equal(escalated.status, 200);
  });

  it('names the error of a body too large, and echoes a little of an unknown command', async () => {
    const huge = await post(`${bot.url}/api/escalations`, { ...fullForm, description: 'x'.repeat(600 * 1024) });
    assert.equal(huge.status, 413);
    assert.deepEqual(await json(huge), {
      error: 'payload_too_large',
      message: 'The body is too large: at most 512 KB',
    });
    const before = teams.posts().length;
    await send(bot.url, personalMessage({ serviceUrl: teams.url, user: personas.agent, text: 'w'.repeat(400_000) }));
    const reply = teams.posts().slice(before).at(-1)?.activity.text as string;
    assert.ok(reply.length < 2000, `${reply.length} characters`);
  });

  it('pages the list: 50 by default, a limit up to 200, and a Link to the next page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pages-'));
    const other = await startBot('the paged bot', [main], {
      ...process.env,
      BOT_ID: '',
      DATABASE_URL: `sqlite:${join(dir, 'escalations.db')}`,
    });
    try {
      for (let n = 0; n < 60; n++) {
        const made = await post(`${other.url}/api/escalations`, { ...minimalForm, summary: `Case ${n}`, requester });
        assert.equal(made.status, 201);
      }
      const first = await fetch(`${other.url}/api/escalations?target=support`);
      const page = await json(first);
      assert.equal(page.length, 50);
      assert.equal(page[0].id, 'ESC-60');
      const link = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '')?.[1] as string;
      assert.match(link, /\/api\/escalations\?target=support&limit=50&cursor=ESC-11$/);
      const next = await fetch(`${other.url}${new URL(link).pathname}${new URL(link).search}`);
      const rest = await json(next);
      assert.deepEqual(
        rest.map((e: any) => e.id),
        Array.from({ length: 10 }, (_, i) => `ESC-${10 - i}`),
      );
      assert.equal(next.headers.get('link'), null, 'the last page links nowhere');
      assert.equal((await json(await fetch(`${other.url}/api/escalations?limit=200`))).length, 60);
      for (const query of [
        'limit=0',
        'limit=201',
        'limit=1e2',
        'limit=x',
        'cursor=12',
        'cursor=ESC-x',
        'limit=5&limit=6',
      ]) {
        const refused = await fetch(`${other.url}/api/escalations?${query}`);
        assert.equal(refused.status, 400, query);
      }
    } finally {
      await other.stop();
    }
  });
});

function deep(levels: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}
