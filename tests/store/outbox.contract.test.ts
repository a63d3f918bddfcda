// The delivery outbox, on both engines: what is queued with a change and what is not,
// coalescing, once-only replies, and claims that two workers (replicas) never share.
import assert from 'node:assert/strict';
import type { Delivery, QueuedDelivery, Store } from '../../src/app/ports';
import { openStore } from '../../src/store/openStore';
import {
  at,
  briefOf,
  changed,
  type Database,
  dana,
  type Engine,
  eli,
  freshStores,
  postgresEngine,
  sqliteEngine,
} from './engines';

const channel = '19:eng@thread.tacv2;messageid=1700000000000';
const serviceUrl = 'https://smba.example/emea/';

const post = (escalationId: string): Delivery => ({ kind: 'post', escalationId });
const update = (escalationId: string, activityId = '1700000000000', conversationId = channel): Delivery => ({
  kind: 'update',
  escalationId,
  conversationId,
  activityId,
  serviceUrl,
});
const reply = (escalationId: string, text: string, key?: string): Delivery => ({
  kind: 'reply',
  escalationId,
  conversationId: channel,
  serviceUrl,
  text,
  ...(key !== undefined && { key }),
});

/** A claim with a lease of `leaseMinutes`, taken at minute `minute`. */
const claim = (store: Store, worker: string, minute: number, limit = 100, leaseMinutes = 5) =>
  store.claimDeliveries(worker, at(minute), at(minute + leaseMinutes), limit);

/** A claimed delivery as the outbox's records show it (a record has no lane). */
const asRecorded = ({ tier, ...delivery }: QueuedDelivery) => delivery;

/** What was queued, without the bookkeeping (and the tier a claim tells a post's lane by). */
const queued = (rows: QueuedDelivery[]) => rows.map(({ id, attempts, createdAt, tier, ...delivery }) => delivery);

function outboxContract(engine: Engine) {
  describe(`Delivery outbox on ${engine.name}`, () => {
    let database: Database;
    let store: Store;
    const fresh = freshStores(engine);
    beforeEach(() => {
      ({ store, database } = fresh);
    });

    const create = async (options: { post?: boolean; requestKey?: string } = {}) =>
      (await store.createEscalation({ brief: briefOf(), requester: dana, at: at(0), ...options })).escalation;

    it('queues the post of a new escalation with it, and not again for a retried request', async () => {
      await create({ post: true, requestKey: 'activity-1' });
      await create({ post: true, requestKey: 'activity-1' });
      await create();

      assert.equal(await store.pendingDeliveries(), 1);
      const [row, ...more] = await claim(store, 'worker-a', 0);
      assert.deepEqual(more, []);
      // A claimed post says the tier whose channel it goes to: the lane the worker sends it in.
      assert.deepEqual(row, {
        kind: 'post',
        escalationId: 'ESC-1',
        id: row?.id,
        attempts: 0,
        createdAt: at(0),
        tier: 'engineering',
      });
    });

    it('a save queues its deliveries with it; a save that fails queues nothing', async () => {
      const { escalation } = await store.createEscalation({ brief: briefOf(), requester: dana, at: at(0) });
      const next = changed(escalation, { status: 'acknowledged' });
      const entry = { at: at(30), actor: eli, kind: 'status', text: 'Acknowledged', actionKey: 'click-1' };

      assert.equal((await store.saveEscalation(next, 1, entry, [update('ESC-1'), post('ESC-1')])).saved, true);
      // Stale version, the same click again, an escalation that does not exist: nothing is queued.
      await store.saveEscalation(changed(escalation, { status: 'closed' }), 1, { ...entry, actionKey: 'click-2' }, [
        update('ESC-1', 'stale'),
      ]);
      await store.saveEscalation(changed(next, { status: 'closed' }), 2, entry, [update('ESC-1', 'repeated')]);
      await store.saveEscalation(changed({ ...next, id: 'ESC-9' }, {}), 2, { ...entry, actionKey: 'click-3' }, [
        update('ESC-1', 'ghost'),
      ]);

      assert.equal(await store.pendingDeliveries(), 2);
      const rows = await claim(store, 'worker-a', 31);
      assert.deepEqual(queued(rows), [update('ESC-1'), post('ESC-1')]);
      assert.deepEqual(
        rows.map((row) => row.createdAt),
        [at(30), at(30)],
      );
    });

    it('a save with the clicked copy settles what waits for it and queues no update of it, the other copies an update each', async () => {
      const { escalation } = await store.createEscalation({ brief: briefOf(), requester: dana, at: at(0) });
      const copy = (activityId: string) => ({
        conversationId: channel,
        activityId,
        escalationId: 'ESC-1',
        serviceUrl,
        postedAt: at(0),
        place: 'channel' as const,
      });
      await store.recordPostedCard(copy('clicked'));
      await store.recordPostedCard(copy('other'));
      await store.enqueueDeliveries([update('ESC-1', 'clicked')], at(1));
      const clicked = { kind: 'clicked' as const, conversationId: channel, activityId: 'clicked' };
      const entry = { at: at(2), actor: eli, kind: 'status', text: 'Acknowledged' };

      const saved = await store.saveEscalation(changed(escalation, { status: 'acknowledged' }), 1, entry, [clicked]);

      assert.ok(saved.saved);
      assert.deepEqual(saved.copies.map((c) => c.activityId).sort(), ['clicked', 'other']);
      assert.deepEqual(queued(await claim(store, 'worker-a', 3)), [update('ESC-1', 'other')]);
      const settled = (await store.deliveries()).find((d) => d.kind === 'update' && d.activityId === 'clicked');
      assert.equal(settled?.state, 'delivered');
    });

    it('refuses to queue for an id that is not an escalation id', async () => {
      await create();
      await assert.rejects(store.enqueueDeliveries([post('ESC-1'), post('esc-1')], at(1)), /escalation id/);
      assert.equal(await store.pendingDeliveries(), 0);
    });

    it('claims due deliveries oldest first, up to the limit, each shaped as queued', async () => {
      await create();
      await create();
      const deliveries = [post('ESC-2'), update('ESC-1'), reply('ESC-1', 'Reminder: no customer update for 1 h', 'r1')];
      await store.enqueueDeliveries(deliveries, at(1));
      await store.enqueueDeliveries([reply('ESC-2', 'Not due yet')], at(10));

      const first = await claim(store, 'worker-a', 5, 2);
      const second = await claim(store, 'worker-a', 5, 2);
      const later = await claim(store, 'worker-a', 10, 2);

      assert.deepEqual(queued(first), deliveries.slice(0, 2));
      assert.deepEqual(queued(second), deliveries.slice(2));
      assert.deepEqual(queued(later), [reply('ESC-2', 'Not due yet')]);
      assert.ok((first[0]?.id ?? 0) < (first[1]?.id ?? 0));
      assert.deepEqual(
        [...first, ...second].map((row) => [row.attempts, row.createdAt]),
        [
          [0, at(1)],
          [0, at(1)],
          [0, at(1)],
        ],
      );
      assert.deepEqual(await claim(store, 'worker-a', 5, 0), []);
    });

    it('a claimed delivery is not claimed again while its lease lasts; once it runs out it is', async () => {
      await create({ post: true });
      const [mine] = await claim(store, 'worker-a', 1, 10, 5);
      assert.ok(mine);

      assert.deepEqual(await claim(store, 'worker-b', 2), []);
      assert.deepEqual(await claim(store, 'worker-b', 6), []); // the lease ends at minute 6
      // Worker a died: its lease ran out, the row is worker b's.
      const [taken] = await claim(store, 'worker-b', 7);
      assert.deepEqual(taken, mine);
      assert.deepEqual(await claim(store, 'worker-a', 8), []);
      assert.equal(await store.pendingDeliveries(), 1);
    });

    it('two workers claiming at once never get the same delivery', async () => {
      for (let i = 0; i < 12; i++) await create();
      const deliveries: Delivery[] = [];
      for (let i = 1; i <= 12; i++)
        deliveries.push(post(`ESC-${i}`), update(`ESC-${i}`, `a${i}`), reply(`ESC-${i}`, 'Hi'));
      await store.enqueueDeliveries(deliveries, at(1));
      const replica = await openStore(database.url, database.options);
      try {
        const claimedBy = async (worker: Store, name: string) => {
          const ids: number[] = [];
          for (;;) {
            const rows = await claim(worker, name, 2, 5);
            if (rows.length === 0) return ids;
            ids.push(...rows.map((row) => row.id));
          }
        };
        const [a, b, c] = await Promise.all([
          claimedBy(store, 'worker-a'),
          claimedBy(replica, 'worker-b'),
          claimedBy(replica, 'worker-c'),
        ]);
        const all = [...a, ...b, ...c];
        assert.equal(all.length, deliveries.length, `claimed ${all.length} of ${deliveries.length}`);
        assert.equal(new Set(all).size, all.length, 'a delivery was claimed twice');
      } finally {
        await replica.close();
      }
    });

    it("a conversation is one worker's at a time: another worker waits until its rows are done", async () => {
      await create();
      const other = '19:product@thread.tacv2;messageid=1700000000001';
      await store.enqueueDeliveries(
        [update('ESC-1', 'x1'), update('ESC-1', 'x2'), update('ESC-1', 'y1', other)],
        at(1),
      );
      const [first] = await claim(store, 'worker-a', 2, 1);
      assert.equal(first && 'activityId' in first ? first.activityId : '', 'x1');
      // Worker b may not send to the conversation worker a is sending to: only the other one.
      const taken = await claim(store, 'worker-b', 2);
      assert.deepEqual(
        taken.map((d) => ('activityId' in d ? d.activityId : '')),
        ['y1'],
      );
      assert.equal(await store.completeDelivery(first?.id ?? 0, at(3), 'worker-a'), true);
      const next = await claim(store, 'worker-b', 3);
      assert.deepEqual(
        next.map((d) => ('activityId' in d ? d.activityId : '')),
        ['x2'],
      );
    });

    it('a worker whose lease ran out and was taken over changes nothing with its late outcome', async () => {
      await create();
      await store.enqueueDeliveries([update('ESC-1', 'x1'), update('ESC-1', 'x2', `${channel}2`)], at(1));
      const [late, alsoLate] = await claim(store, 'worker-a', 1, 10, 5);
      assert.ok(late && alsoLate);
      // Worker a stalled past its lease; worker b took both rows.
      assert.equal((await claim(store, 'worker-b', 7)).length, 2);
      assert.equal(await store.completeDelivery(late.id, at(8), 'worker-a'), false);
      assert.equal(await store.retryDelivery(late.id, at(9), 'late', 'worker-a'), false);
      assert.equal(await store.failDelivery(alsoLate.id, at(8), 'late', 'worker-a'), false);
      await store.releaseDeliveries([late.id, alsoLate.id], at(8), 'worker-a');
      const rows = await store.deliveries();
      assert.deepEqual(
        rows.map((r) => [r.state, r.attempts]),
        [
          ['pending', 0],
          ['pending', 0],
        ],
      );
      // Still worker b's: no third worker takes them while b's lease lasts.
      assert.deepEqual(await claim(store, 'worker-c', 8), []);
      assert.equal(await store.completeDelivery(late.id, at(9), 'worker-b'), true);
      assert.equal(await store.failDelivery(alsoLate.id, at(9), 'gone', 'worker-b'), true);
    });

    it("tells the database's own time, the one every replica agrees on", async () => {
      const told = (await store.databaseNow()).getTime();
      assert.ok(Math.abs(told - Date.now()) < 5000, `${new Date(told).toISOString()}`);
    });

    it('a completed delivery is done: never claimed again, no longer pending', async () => {
      await create({ post: true });
      await store.enqueueDeliveries([update('ESC-1')], at(0));
      const [sent, other] = await claim(store, 'worker-a', 1, 10, 1);
      assert.ok(sent && other);

      await store.completeDelivery(sent.id, at(2));

      assert.equal(await store.pendingDeliveries(), 1);
      assert.deepEqual(
        (await claim(store, 'worker-b', 10)).map((row) => row.id),
        [other.id],
      );
      const [record] = await store.deliveries({ state: 'delivered' });
      assert.deepEqual(record, { ...asRecorded(sent), state: 'delivered', nextAttemptAt: at(0), deliveredAt: at(2) });
    });

    it('a retried delivery counts the attempt, is released, and waits until its next attempt', async () => {
      await create({ post: true });
      const [row] = await claim(store, 'worker-a', 1, 10, 30);
      assert.ok(row);

      await store.retryDelivery(row.id, at(3), 'Teams answered 503');

      assert.deepEqual(await claim(store, 'worker-b', 2), []);
      const [again] = await claim(store, 'worker-b', 3);
      assert.deepEqual(again, { ...row, attempts: 1 });
      assert.deepEqual(await store.deliveries(), [
        { ...asRecorded(row), attempts: 1, state: 'pending', nextAttemptAt: at(3), lastError: 'Teams answered 503' },
      ]);
    });

    it('a failed delivery stays for inspection, is never claimed again and is not pending', async () => {
      await create({ post: true });
      const [row] = await claim(store, 'worker-a', 1);
      assert.ok(row);

      await store.failDelivery(row.id, at(2), 'Teams answered 404: the channel is gone');

      assert.equal(await store.pendingDeliveries(), 0);
      assert.deepEqual(await claim(store, 'worker-b', 59), []);
      assert.deepEqual(await store.deliveries({ escalationId: 'ESC-1', state: 'failed' }), [
        {
          ...asRecorded(row),
          attempts: 1,
          state: 'failed',
          nextAttemptAt: at(0),
          failedAt: at(2),
          lastError: 'Teams answered 404: the channel is gone',
        },
      ]);
      assert.deepEqual(await store.deliveries({ state: 'pending' }), []);
      assert.deepEqual(await store.deliveries({ escalationId: 'ESC-2' }), []);
    });

    it('released deliveries are claimable again without counting an attempt, when asked', async () => {
      await create();
      await store.enqueueDeliveries([reply('ESC-1', 'one'), reply('ESC-1', 'two')], at(0));
      const [one, two] = await claim(store, 'worker-a', 1, 10, 30);
      assert.ok(one && two);

      await store.releaseDeliveries([one.id]);
      await store.releaseDeliveries([two.id], at(4));

      assert.deepEqual(await claim(store, 'worker-b', 2), [one]);
      assert.deepEqual(await claim(store, 'worker-b', 4), [two]);
      await store.releaseDeliveries([]);
    });

    it('a burst of updates of one copy queues one row while it waits; a claimed row no longer takes them', async () => {
      await create();
      const burst = Array.from({ length: 20 }, () => update('ESC-1'));
      await store.enqueueDeliveries(burst, at(1));
      for (let i = 0; i < 5; i++) await store.enqueueDeliveries([update('ESC-1')], at(2));
      // Saves coalesce the same way, and another copy of the card is its own row.
      const { escalation } = await store.createEscalation({ brief: briefOf(), requester: dana, at: at(0) });
      await store.saveEscalation(
        changed(escalation, { status: 'acknowledged' }),
        1,
        { at: at(3), actor: eli, kind: 'status', text: 'Ack' },
        [update('ESC-1'), update('ESC-1', 'another-copy')],
      );
      assert.equal(await store.pendingDeliveries(), 2);

      const [sending] = await claim(store, 'worker-a', 4, 1);
      assert.deepEqual(queued(sending ? [sending] : []), [update('ESC-1')]);
      // Being sent, it may already carry an older version: a change now needs a row of its own.
      await store.enqueueDeliveries([update('ESC-1'), update('ESC-1')], at(5));
      assert.equal(await store.pendingDeliveries(), 3);
    });

    it('an update given back to retry takes the changes made while it waits', async () => {
      await create();
      await store.enqueueDeliveries([update('ESC-1')], at(0));
      const [row] = await claim(store, 'worker-a', 1);
      assert.ok(row);
      await store.retryDelivery(row.id, at(3), 'Teams answered 429');

      await store.enqueueDeliveries([update('ESC-1'), update('ESC-1')], at(2));

      assert.equal(await store.pendingDeliveries(), 1);
      assert.deepEqual(await claim(store, 'worker-a', 3), [{ ...row, attempts: 1 }]);
    });

    it('one post of an escalation waits at a time; once claimed, another can be queued (a retarget)', async () => {
      await create({ post: true });
      await store.enqueueDeliveries([post('ESC-1'), post('ESC-1')], at(1));
      assert.equal(await store.pendingDeliveries(), 1);

      await claim(store, 'worker-a', 2);
      await store.enqueueDeliveries([post('ESC-1')], at(3));
      assert.equal(await store.pendingDeliveries(), 2);
    });

    it('a reply with a key is queued once: not again while queued, once sent, after a restart or given up on', async () => {
      await create();
      await store.enqueueDeliveries(
        [
          reply('ESC-1', 'At risk: acknowledge by 10:15', 'ESC-1/acknowledge/at_risk'),
          reply('ESC-1', 'Twice', 'ESC-1/acknowledge/at_risk'),
        ],
        at(1),
      );
      await store.enqueueDeliveries([reply('ESC-1', 'No key'), reply('ESC-1', 'No key')], at(1));
      await store.enqueueDeliveries([reply('ESC-1', 'Other', 'ESC-1/resolve/at_risk')], at(1));
      assert.equal(await store.pendingDeliveries(), 4);

      const rows = await claim(store, 'worker-a', 2);
      assert.deepEqual(queued(rows), [
        reply('ESC-1', 'At risk: acknowledge by 10:15', 'ESC-1/acknowledge/at_risk'),
        reply('ESC-1', 'No key'),
        reply('ESC-1', 'No key'),
        reply('ESC-1', 'Other', 'ESC-1/resolve/at_risk'),
      ]);
      await store.completeDelivery(rows[0]?.id ?? 0, at(3));
      await store.failDelivery(rows[3]?.id ?? 0, at(3), 'Teams answered 403');

      await store.close();
      store = await openStore(database.url, database.options);
      await store.enqueueDeliveries(
        [reply('ESC-1', 'Again', 'ESC-1/acknowledge/at_risk'), reply('ESC-1', 'Again', 'ESC-1/resolve/at_risk')],
        at(4),
      );
      assert.equal(await store.pendingDeliveries(), 2);
      assert.equal((await store.deliveries()).length, 4);
    });

    it('deliveries of an escalation removed by hand go with it', async () => {
      await create({ post: true });
      await store.enqueueDeliveries([update('ESC-1')], at(1));
      await database.deleteEscalation(1);
      assert.equal(await store.pendingDeliveries(), 0);
      assert.deepEqual(await claim(store, 'worker-a', 2), []);
    });

    it('picks up where it left off: a new store on the same database finds what was queued', async () => {
      await create({ post: true });
      await store.enqueueDeliveries([update('ESC-1'), reply('ESC-1', 'Hi', 'k')], at(1));
      const [inFlight] = await claim(store, 'worker-a', 2, 1, 1);
      await store.close();

      store = await openStore(database.url, database.options);
      assert.equal(await store.pendingDeliveries(), 3);
      // The row worker a was sending when it stopped comes back once its lease runs out.
      const rows = await claim(store, 'worker-b', 4);
      assert.equal(rows[0]?.id, inFlight?.id);
      assert.deepEqual(queued(rows), [post('ESC-1'), update('ESC-1'), reply('ESC-1', 'Hi', 'k')]);
    });
  });
}

outboxContract(sqliteEngine());
outboxContract(postgresEngine());
