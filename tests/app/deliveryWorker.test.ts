// The delivery worker against a real SQLite outbox and a scripted Teams: what is sent, how
// often, how fast, and what survives a 429, a 503, a 404, a burst, a second replica and a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type DeliverySender, DeliveryWorker, type DeliveryWorkerDeps } from '../../src/app/deliveryWorker';
import { type Delivery, type QueuedDelivery, type Store, systemClock } from '../../src/app/ports';
import { backoffMs, parseRetryAfter, retryable, sendFailure } from '../../src/app/sendFailure';
import { parseBrief } from '../../src/domain/brief';
import type { Escalation } from '../../src/domain/escalation';
import { openStore } from '../../src/store/openStore';
import { minimalForm } from '../support/briefs';

/** What the scripted Teams does with one send: take it, refuse it, or never answer. */
type Outcome = 'ok' | 'hang' | { statusCode?: number; retryAfterMs?: number; code?: string };

interface Call {
  delivery: QueuedDelivery;
  /** performance.now() when the send started. */
  at: number;
  /** The escalation's version when it was sent: what the rendered card showed. */
  version?: number;
}

/** Teams as the worker sees it: records every send and answers as scripted. */
class ScriptedTeams implements DeliverySender {
  readonly calls: Call[] = [];
  private readonly hanging: Array<(error: Error) => void> = [];

  constructor(
    private readonly script: (delivery: QueuedDelivery, call: number) => Outcome = () => 'ok',
    private readonly options: { store?: Store; sendMs?: number } = {},
  ) {}

  async send(delivery: QueuedDelivery, turn: () => Promise<void>): Promise<void> {
    // As a send to Teams: rendered, then it waits for its turn in the pace, then it leaves.
    await turn();
    const call: Call = { delivery, at: performance.now() };
    const outcome = this.script(delivery, this.calls.length);
    this.calls.push(call);
    if (this.options.store)
      call.version = (await this.options.store.getEscalation(delivery.escalationId ?? ''))?.version;
    if (this.options.sendMs) await sleep(this.options.sendMs);
    if (outcome === 'hang') return new Promise((_, reject) => this.hanging.push(reject));
    if (outcome !== 'ok') {
      throw Object.assign(new Error(outcome.code ? `connect ${outcome.code}` : `HTTP ${outcome.statusCode}`), outcome);
    }
  }

  /** The ids sent, in order (a retry appears again). */
  get ids(): number[] {
    return this.calls.map((call) => call.delivery.id);
  }

  /** Ends the sends that never answered, as a dropped connection would. */
  hangUp(): void {
    for (const reject of this.hanging.splice(0)) reject(new Error('socket hang up'));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const brief = (() => {
  const parsed = parseBrief(minimalForm);
  assert.ok(parsed.ok);
  return parsed.value;
})();

/** A card's thread in a channel of its own: Teams paces each channel (app/pacing.ts). */
const thread = (n: number) => `19:eng-${n}@thread.tacv2;messageid=${1700000000000 + n}`;
const serviceUrl = 'https://smba.example/emea/';
const reply = (escalationId: string, conversation: number, text: string): Delivery => ({
  kind: 'reply',
  escalationId,
  conversationId: thread(conversation),
  serviceUrl,
  text,
});
const update = (escalationId: string, conversation: number, activityId = 'card-1'): Delivery => ({
  kind: 'update',
  escalationId,
  conversationId: thread(conversation),
  activityId,
  serviceUrl,
});

/** Gaps between consecutive sends, in ms. */
const gaps = (calls: Call[]) => calls.slice(1).map((call, i) => call.at - (calls[i] as Call).at);

describe('DeliveryWorker', () => {
  let folder: string;
  let file: string;
  let stores: Store[];
  let workers: DeliveryWorker[];
  let teams: ScriptedTeams[];
  let logs: string[];
  let store: Store;

  const open = async () => {
    const opened = await openStore(`sqlite:${file}`);
    stores.push(opened);
    return opened;
  };

  /** A started worker with test-sized timings. */
  const startWorker = (sender: ScriptedTeams, options: Partial<DeliveryWorkerDeps> = {}) => {
    const worker = new DeliveryWorker({
      store,
      clock: systemClock,
      sender,
      log: (message) => logs.push(message),
      pollMs: 25,
      perConversationIntervalMs: 10,
      backoffBaseMs: 20,
      leaseMs: 2000,
      ...options,
    });
    workers.push(worker);
    teams.push(sender);
    worker.start();
    return worker;
  };

  const escalate = async (post = false) =>
    (await store.createEscalation({ brief, requester: { name: 'Dana Support' }, at: new Date().toISOString(), post }))
      .escalation;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'escalation-desk-worker-'));
    file = join(folder, 'escalations.db');
    stores = [];
    workers = [];
    teams = [];
    logs = [];
    store = await open();
  });

  afterEach(async () => {
    for (const sender of teams) sender.hangUp();
    await Promise.all(workers.map((worker) => worker.stop(100)));
    for (const opened of stores) await opened.close().catch(() => {});
    rmSync(folder, { recursive: true, force: true });
  });

  it('sends a queued post once and records it sent', async () => {
    await escalate(true);
    const sender = new ScriptedTeams();
    const worker = startWorker(sender);

    await worker.drain(3000);
    await sleep(100);

    assert.deepEqual(
      sender.calls.map((call) => [call.delivery.kind, call.delivery.escalationId]),
      [['post', 'ESC-1']],
    );
    const [record] = await store.deliveries();
    assert.equal(record?.state, 'delivered');
    assert.equal(record?.attempts, 0);
  });

  it("sends an escalation's own post and its Leadership raise claimed together: neither stands for the other", async () => {
    const escalation = await escalate(true);
    await store.enqueueDeliveries(
      [{ kind: 'post', escalationId: escalation.id, target: 'leadership' }],
      new Date().toISOString(),
    );
    const sender = new ScriptedTeams();
    const worker = startWorker(sender);
    await worker.drain(3000);
    assert.deepEqual(
      sender.calls.map((call) => [call.delivery.kind, (call.delivery as { target?: string }).target ?? 'own']),
      [
        ['post', 'own'],
        ['post', 'leadership'],
      ],
    );
  });

  it('works through a backlog in rounds that let other work in between (SQLite answers synchronously)', async () => {
    for (let n = 0; n < 300; n++) await escalate(true);
    const sender = new ScriptedTeams();
    let sentWhenOthersRan = -1;
    // No pacing: the backlog goes as fast as the store and the sender allow.
    const worker = startWorker(sender, { conversationLimits: [], tenantLimits: [], perConversationIntervalMs: 0 });
    // What a waiting HTTP request would be: work queued for the event loop's next turn.
    setImmediate(() => {
      sentWhenOthersRan = sender.calls.length;
    });
    await worker.drain(10_000);
    assert.equal(sender.calls.length, 300);
    assert.ok(
      sentWhenOthersRan >= 0 && sentWhenOthersRan < 300,
      `other work waited until ${sentWhenOthersRan < 0 ? 'all' : sentWhenOthersRan} of 300 were sent`,
    );
  });

  it('awaitPost posts at once instead of at the next poll', async () => {
    const sender = new ScriptedTeams();
    const worker = startWorker(sender, { pollMs: 60_000 });
    await sleep(20); // the first poll has found nothing

    const made = await escalate(true);
    const started = performance.now();
    assert.equal(await worker.awaitPost(made.id, 2000), true);

    assert.equal(sender.calls.length, 1);
    assert.ok(performance.now() - started < 1000);
    assert.equal(await store.pendingDeliveries(), 0);
  });

  it('awaitPost does not wait for a retry, and gives up waiting when its time is up', async () => {
    const sender = new ScriptedTeams((_, call) => (call === 0 ? { statusCode: 503 } : 'hang'));
    const worker = startWorker(sender, { pollMs: 60_000, backoffBaseMs: 5000, random: () => 0.9 });
    await sleep(20);
    const failing = await escalate(true);

    let started = performance.now();
    assert.equal(await worker.awaitPost(failing.id, 2000), false);
    assert.ok(performance.now() - started < 1000, 'waited for the retry');
    assert.equal(await store.pendingDeliveries(), 1);

    const hanging = await escalate(true); // its send never answers
    started = performance.now();
    await worker.awaitPost(hanging.id, 200);
    const waited = performance.now() - started;
    assert.ok(waited >= 190 && waited < 1000, `waited ${waited} ms`);
  });

  it('after a 429 waits as long as Retry-After says, for the whole conversation, then sends', async () => {
    await escalate();
    await store.enqueueDeliveries(
      [update('ESC-1', 1, 'card-1'), update('ESC-1', 1, 'card-2')],
      new Date().toISOString(),
    );
    const sender = new ScriptedTeams((_, call) => (call === 0 ? { statusCode: 429, retryAfterMs: 300 } : 'ok'));
    const worker = startWorker(sender);

    await worker.drain(3000);

    const [throttled, ...after] = sender.calls;
    assert.ok(throttled);
    assert.equal(sender.calls.length, 3);
    for (const call of after)
      assert.ok(call.at - throttled.at >= 295, `sent ${call.at - throttled.at} ms after the 429`);
    assert.ok((after[0]?.at ?? 0) - throttled.at < 1000);
    const records = await store.deliveries();
    assert.deepEqual(
      records.map((r) => [r.state, r.attempts]),
      [
        ['delivered', 1],
        ['delivered', 0],
      ],
    );
    assert.match(records[0]?.lastError ?? '', /429/);
  });

  it('reads Retry-After from a botbuilder error, in seconds or as a date', () => {
    const now = Date.parse('2026-11-28T09:00:00Z');
    const restError = Object.assign(new Error('Too Many Requests'), {
      statusCode: 429,
      response: { headers: { get: (name: string) => (name === 'retry-after' ? '2' : undefined) } },
    });
    assert.deepEqual(sendFailure(restError, now), {
      statusCode: 429,
      retryAfterMs: 2000,
      message: 'Teams answered 429: Too Many Requests',
    });
    const plainHeaders = { statusCode: 429, message: 'slow down', response: { headers: { 'Retry-After': '1.5' } } };
    assert.equal(sendFailure(plainHeaders, now).retryAfterMs, 1500);
    assert.equal(parseRetryAfter('Sat, 28 Nov 2026 09:00:07 GMT', now), 7000);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.deepEqual(sendFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), now), {
      message: 'connect ECONNREFUSED',
    });
    assert.deepEqual(sendFailure('broken', now), { message: 'broken' });
  });

  it('retries what Teams says to retry (408, 412, 429, 502, 504), every 5xx and network errors; never another 4xx', () => {
    for (const status of [undefined, 408, 412, 429, 500, 502, 503, 504]) {
      assert.equal(retryable(status), true, `${status}`);
    }
    for (const status of [400, 401, 403, 404, 409, 413]) assert.equal(retryable(status), false, `${status}`);
  });

  it('backs off exponentially with full jitter, up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 10, 30].map((attempts) => backoffMs(attempts, 500, 60_000, () => 0.999999)),
      [499, 999, 1999, 3999, 59999, 59999],
    );
    assert.equal(
      backoffMs(5, 500, 60_000, () => 0),
      0,
    );
  });

  it('after a 503 backs off and sends again until it goes through', async () => {
    await escalate(true);
    const sender = new ScriptedTeams((_, call) => (call < 2 ? { statusCode: 503 } : 'ok'));
    const worker = startWorker(sender, { backoffBaseMs: 100, random: () => 0.99 });

    await worker.drain(3000);

    assert.equal(sender.calls.length, 3);
    const [first, second] = gaps(sender.calls);
    assert.ok((first ?? 0) >= 95 && (first ?? 0) < 600, `first retry after ${first} ms`);
    assert.ok((second ?? 0) >= 190 && (second ?? 0) < 700, `second retry after ${second} ms`);
    const [record] = await store.deliveries();
    assert.equal(record?.state, 'delivered');
    assert.equal(record?.attempts, 2);
    assert.match(logs.join('\n'), /503.*trying again/);
  });

  it('after a network error (no status) sends again', async () => {
    await escalate(true);
    const sender = new ScriptedTeams((_, call) => (call === 0 ? { code: 'ECONNREFUSED' } : 'ok'));
    const worker = startWorker(sender);

    await worker.drain(3000);

    assert.equal(sender.calls.length, 2);
    assert.match((await store.deliveries())[0]?.lastError ?? '', /ECONNREFUSED/);
  });

  it('after a 404 gives up at once, keeps the row and says why', async () => {
    await escalate(true);
    const sender = new ScriptedTeams(() => ({ statusCode: 404 }));
    const worker = startWorker(sender);

    await worker.drain(3000);
    await sleep(150);

    assert.equal(sender.calls.length, 1);
    const [record] = await store.deliveries();
    assert.equal(record?.state, 'failed');
    assert.match(record?.lastError ?? '', /404/);
    assert.match(logs.join('\n'), /Gave up on delivery \d+ \(post of ESC-1\).*404/);
  });

  it('gives up after maxAttempts sends', async () => {
    await escalate(true);
    const sender = new ScriptedTeams(() => ({ statusCode: 500 }));
    const worker = startWorker(sender, { maxAttempts: 4, backoffBaseMs: 5 });

    await worker.drain(3000);
    await sleep(100);

    assert.equal(sender.calls.length, 4);
    const [record] = await store.deliveries();
    assert.deepEqual([record?.state, record?.attempts], ['failed', 4]);
    assert.match(logs.join('\n'), /Gave up on delivery \d+ \(post of ESC-1\), attempt 4 of 4/);
  });

  it('paces each conversation and sends to different conversations side by side', async () => {
    await escalate();
    const interval = 80;
    const n = 6;
    const deliveries: Delivery[] = [];
    for (let i = 0; i < n; i++) deliveries.push(reply('ESC-1', 1, `a${i}`), reply('ESC-1', 2, `b${i}`));
    await store.enqueueDeliveries(deliveries, new Date().toISOString());
    const sender = new ScriptedTeams();
    const started = performance.now();
    const worker = startWorker(sender, { perConversationIntervalMs: interval });

    await worker.drain(5000);
    const elapsed = performance.now() - started;

    const to = (conversation: number) =>
      sender.calls.filter(
        (call) => call.delivery.kind === 'reply' && call.delivery.conversationId === thread(conversation),
      );
    for (const conversation of [1, 2]) {
      const calls = to(conversation);
      assert.deepEqual(
        calls.map((call) => (call.delivery as { text: string }).text),
        Array.from({ length: n }, (_, i) => `${conversation === 1 ? 'a' : 'b'}${i}`),
        'sent in the order queued',
      );
      for (const gap of gaps(calls)) assert.ok(gap >= interval - 2, `${gap} ms between two sends to one conversation`);
    }
    // Side by side: both take (n - 1) intervals, and together not much longer than one.
    assert.ok(elapsed >= (n - 1) * interval - 2);
    assert.ok(elapsed < 2 * (n - 1) * interval, `took ${elapsed} ms`);
    assert.ok((to(2)[0]?.at ?? 0) < (to(1)[1]?.at ?? 0), 'the second conversation waited for the first');
  });

  it("keeps to Teams' limits in one conversation: 7 at once, then no more than 8 in any 2 s", async () => {
    await escalate();
    const deliveries = Array.from({ length: 10 }, (_, i) => reply('ESC-1', 1, `r${i}`));
    await store.enqueueDeliveries(deliveries, new Date().toISOString());
    const sender = new ScriptedTeams();
    const worker = startWorker(sender, { perConversationIntervalMs: 0, conversationLimits: undefined });
    await worker.drain(8000);
    const at = sender.calls.map((call) => call.at);
    assert.equal(at.length, 10);
    const first = at[0] as number;
    assert.ok((at[6] as number) - first < 500, 'the first seven go at once');
    assert.ok((at[7] as number) - first >= 995, `the eighth waits a second: ${(at[7] as number) - first} ms`);
    assert.ok((at[8] as number) - first >= 1995, `the ninth waits for the 2 s window: ${(at[8] as number) - first} ms`);
  });

  it("posts each tier's channel in its own lane, Security first: a throttled channel holds back no other", async () => {
    const posts: Delivery[] = [];
    for (let i = 0; i < 6; i++) {
      const made = await store.createEscalation({
        brief: { ...brief, target: 'engineering' },
        requester: { name: 'Dana' },
        at: new Date().toISOString(),
        post: true,
      });
      posts.push({ kind: 'post', escalationId: made.escalation.id });
    }
    const security = await store.createEscalation({
      brief: { ...brief, target: 'security' },
      requester: { name: 'Dana' },
      at: new Date().toISOString(),
      post: true,
    });
    const product = await store.createEscalation({
      brief: { ...brief, target: 'product' },
      requester: { name: 'Dana' },
      at: new Date().toISOString(),
      post: true,
    });
    // Engineering's channel is throttled for 2 s at its first post.
    const sender = new ScriptedTeams((delivery, call) =>
      delivery.kind === 'post' && delivery.tier === 'engineering' && call === 1
        ? { statusCode: 429, retryAfterMs: 2000 }
        : 'ok',
    );
    const worker = startWorker(sender, { concurrency: 1 });
    await worker.drain(8000);
    const order = sender.calls.map((call) => `${call.delivery.escalationId}:${call.delivery.tier}`);
    assert.equal(order[0], `${security.escalation.id}:security`, `Security first: ${order.join(', ')}`);
    assert.equal(sender.calls.filter((c) => c.delivery.tier === 'engineering').length, 7, 'six posts, one sent twice');
    const productAt = sender.calls.find((c) => c.delivery.escalationId === product.escalation.id)?.at ?? 0;
    const engineeringAgainAt = sender.calls.filter((c) => c.delivery.tier === 'engineering')[1]?.at ?? 0;
    assert.ok(productAt < engineeringAgainAt, 'Product was posted while Engineering was throttled');
  });

  it('sends a burst of 20 changes to one card as a few updates, the last showing the latest version', async () => {
    let escalation: Escalation = await escalate();
    const sender = new ScriptedTeams(() => 'ok', { store, sendMs: 30 });
    // Teams' pace: a card is updated at most every 150 ms, however fast it changes.
    const worker = startWorker(sender, { perConversationIntervalMs: 150 });

    for (let i = 0; i < 20; i++) {
      const next = { ...escalation, version: escalation.version + 1, updatedAt: new Date().toISOString() };
      const entry = { at: next.updatedAt, actor: { name: 'Eli' }, kind: 'note', text: `Note ${i}` };
      const saved = await store.saveEscalation(next, escalation.version, entry, [update('ESC-1', 1)]);
      assert.ok(saved.saved);
      escalation = saved.escalation;
      worker.kick();
      await sleep(2);
    }
    await worker.drain(3000);

    assert.ok(sender.calls.length >= 1 && sender.calls.length <= 5, `${sender.calls.length} sends`);
    assert.equal(sender.calls.at(-1)?.version, 21);
    // Those not sent were carried by the one that was.
    assert.deepEqual(new Set((await store.deliveries()).map((r) => r.state)), new Set(['delivered']));
  });

  describe('sendCopyNow (the clicked message)', () => {
    const copy = { escalationId: 'ESC-1', conversationId: thread(1), activityId: 'card-1', serviceUrl };
    const within = { waitMs: 200, throttledMs: 1000 };
    /** A send of the clicked message as the bot makes it: its turn, then it goes (`went` counts it). */
    const counted = (went: () => void) => async (turn: () => Promise<void>) => {
      await turn();
      went();
    };

    it('sends it at once, in its lane, and what waited for that copy is not sent after it', async () => {
      await escalate();
      await store.enqueueDeliveries([update('ESC-1', 1)], new Date().toISOString());
      const sender = new ScriptedTeams();
      const worker = startWorker(sender, { pollMs: 60_000 });
      let sent = 0;
      assert.equal(
        await worker.sendCopyNow(
          copy,
          new Date().toISOString(),
          counted(() => sent++),
          within,
        ),
        'sent',
      );
      assert.equal(sent, 1);
      await worker.drain(3000);
      assert.deepEqual(sender.calls, [], 'the update queued before the click is carried by it');
    });

    it("answers 'later' when the pace holds it, and that version is not redrawn afterwards", async () => {
      await escalate();
      const sender = new ScriptedTeams();
      const worker = startWorker(sender, {
        perConversationIntervalMs: 0,
        conversationLimits: [{ ms: 10_000, max: 1 }],
      });
      await store.enqueueDeliveries([reply('ESC-1', 1, 'spends the channel')], new Date().toISOString());
      await worker.drain(3000);
      await store.enqueueDeliveries([update('ESC-1', 1)], new Date().toISOString());
      let sent = 0;
      const began = performance.now();
      assert.equal(
        await worker.sendCopyNow(
          copy,
          new Date().toISOString(),
          counted(() => sent++),
          within,
        ),
        'later',
      );
      assert.ok(performance.now() - began < 400, 'the answer does not wait on the budget');
      assert.equal(sent, 0);
      await worker.drain(3000);
      assert.deepEqual(
        sender.calls.map((call) => call.delivery.kind),
        ['reply'],
        'nothing redraws the version the person has',
      );
    });

    it("keeps to the channel's pace when many threads of it are clicked at once", async () => {
      await escalate();
      const worker = startWorker(new ScriptedTeams(), {
        perConversationIntervalMs: 0,
        conversationLimits: [{ ms: 1000, max: 2 }],
      });
      const sent: number[] = [];
      const channel = '19:busy@thread.tacv2';
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          worker.sendCopyNow(
            { ...copy, conversationId: `${channel};messageid=${1700000000000 + i}` },
            new Date().toISOString(),
            async (turn) => {
              await turn();
              sent.push(performance.now());
            },
            { waitMs: 1500, throttledMs: 1500 },
          ),
        ),
      );
      assert.equal(answers.filter((a) => a === 'sent').length, sent.length);
      const most = Math.max(...sent.map((from) => sent.filter((at) => at >= from && at - from < 995).length));
      assert.ok(most <= 2, `${most} sends within a second`);
    });

    it('queues it again when Teams fails it, and the worker sends it once Teams is back', async () => {
      await escalate();
      const sender = new ScriptedTeams();
      const worker = startWorker(sender);
      const failing = async (turn: () => Promise<void>) => {
        await turn();
        throw Object.assign(new Error('HTTP 503'), { statusCode: 503 });
      };
      assert.equal(await worker.sendCopyNow(copy, new Date().toISOString(), failing, within), 'later');
      await worker.drain(3000);
      assert.deepEqual(
        sender.calls.map(({ delivery }) => delivery.kind === 'update' && delivery.conversationId),
        [thread(1)],
      );
    });
  });

  it('two workers on one database never send the same delivery twice', async () => {
    const escalations = 10;
    for (let i = 0; i < escalations; i++) await escalate(true);
    const deliveries: Delivery[] = [];
    for (let i = 1; i <= escalations; i++) {
      deliveries.push(reply(`ESC-${i}`, i, 'one'), reply(`ESC-${i}`, i, 'two'), update(`ESC-${i}`, i));
    }
    await store.enqueueDeliveries(deliveries, new Date().toISOString());
    const replica = await open();
    const a = new ScriptedTeams(() => 'ok', { sendMs: 5 });
    const b = new ScriptedTeams(() => 'ok', { sendMs: 5 });
    const first = startWorker(a, { workerId: 'replica-a', concurrency: 2 });
    store = replica;
    startWorker(b, { workerId: 'replica-b', concurrency: 2 });

    await first.drain(5000);

    const ids = [...a.ids, ...b.ids];
    assert.equal(ids.length, escalations * 4);
    assert.equal(new Set(ids).size, ids.length, 'a delivery was sent twice');
    assert.ok(a.calls.length > 0 && b.calls.length > 0, `a sent ${a.calls.length}, b ${b.calls.length}`);
  });

  it('stop lets the send under way finish and hands back the rest', async () => {
    await escalate();
    await store.enqueueDeliveries(
      [1, 2, 3].map((i) => reply('ESC-1', 1, `r${i}`)),
      new Date().toISOString(),
    );
    const sender = new ScriptedTeams(() => 'ok', { sendMs: 150 });
    const worker = startWorker(sender, { leaseMs: 60_000 });
    await sleep(50); // the first send is under way

    await worker.stop();

    assert.equal(sender.calls.length, 1);
    assert.deepEqual(
      (await store.deliveries()).map((r) => r.state),
      ['delivered', 'pending', 'pending'],
    );
    // Handed back, not left leased for a minute: another worker takes them now.
    assert.equal(
      (await store.claimDeliveries('other', new Date().toISOString(), new Date().toISOString(), 10)).length,
      2,
    );
  });

  it('a new worker after a restart sends everything left, also what the dead one was sending', async () => {
    await escalate();
    await store.enqueueDeliveries(
      [1, 2, 3, 4].map((i) => reply('ESC-1', 1, `r${i}`)),
      new Date().toISOString(),
    );
    // The first process dies while Teams does not answer its first send.
    const dying = new ScriptedTeams(() => 'hang');
    const first = startWorker(dying, { leaseMs: 400 });
    await sleep(50);
    assert.equal(dying.calls.length, 1);
    await first.stop(0);
    await store.close();
    const restartedAt = performance.now();

    store = await open();
    const sender = new ScriptedTeams();
    const second = startWorker(sender, { leaseMs: 400 });
    await second.drain(5000);

    assert.deepEqual(
      [...sender.ids].sort((x, y) => x - y),
      [1, 2, 3, 4],
    );
    const redone = sender.calls.find((call) => call.delivery.id === dying.calls[0]?.delivery.id);
    assert.ok(redone && redone.at - restartedAt >= 300, 'the row being sent waited for its lease to run out');
    assert.match(logs.join('\n'), /stopped with 1 send/);
  });

  it('never crashes: a closed database is logged and waited out', async () => {
    const sender = new ScriptedTeams();
    startWorker(sender);
    await sleep(30);
    await store.close();
    await sleep(100);

    assert.match(logs.join('\n'), /cannot reach the outbox/);
    assert.equal(logs.filter((line) => /cannot reach/.test(line)).length, 1, 'logged once, not every poll');
  });
});
