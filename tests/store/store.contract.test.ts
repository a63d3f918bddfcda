// One contract, two engines: every promise of the Store port is checked on SQLite
// (always) and on PostgreSQL (a fresh schema per test; required when CI is set).
// The delivery outbox has its own suite (outbox.contract.test.ts) on the same engines.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { CardPlace, ChannelBinding, ChannelMove, EscalationFilter, PostedCard, Store } from '../../src/app/ports';
import type { Escalation, Person } from '../../src/domain/escalation';
import type { Status, Target } from '../../src/domain/vocabulary';
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

/** A move of a tier's channel, from and to channels named by a word. */
function move(target: Target, minute: number, to?: string, from?: string): ChannelMove {
  const place = (name: string) => ({
    channelId: `19:${name}@thread.tacv2`,
    teamId: '19:team@thread.tacv2',
    serviceUrl: 'https://smba.example/emea/',
    name: `${name} in Customer Operations`,
  });
  return {
    target,
    ...(from ? { from: place(from) } : {}),
    ...(to ? { to: place(to) } : {}),
    by: dana,
    at: at(minute),
  };
}

function storeContract(engine: Engine) {
  describe(`Store on ${engine.name}`, () => {
    let database: Database;
    let store: Store;
    const fresh = freshStores(engine);
    beforeEach(() => {
      ({ store, database } = fresh);
    });

    const create = (fields: Parameters<typeof briefOf>[0] = {}, requestKey?: string) =>
      store.createEscalation({ brief: briefOf(fields), requester: dana, at: at(0), requestKey });

    it('numbers escalations ESC-1, ESC-2, ESC-3 in order and never reuses a number', async () => {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await create()).escalation.id);
      assert.deepEqual(ids, ['ESC-1', 'ESC-2', 'ESC-3']);

      await database.deleteEscalation(3);
      assert.equal(await store.getEscalation('ESC-3'), undefined);
      assert.equal((await create()).escalation.id, 'ESC-4');
    });

    it('stores a new escalation at version 1, status new, with a "created" timeline entry', async () => {
      const brief = briefOf();
      const { escalation, created } = await store.createEscalation({ brief, requester: dana, at: at(0) });

      assert.equal(created, true);
      assert.deepEqual(escalation, {
        id: 'ESC-1',
        brief: JSON.parse(JSON.stringify(brief)),
        status: 'new',
        requester: dana,
        version: 1,
        createdAt: at(0),
        updatedAt: at(0),
      });
      assert.deepEqual(await store.getEscalation('ESC-1'), escalation);
      const [entry, ...more] = await store.timeline('ESC-1');
      assert.deepEqual(more, []);
      assert.deepEqual(
        { ...entry, text: undefined },
        {
          escalationId: 'ESC-1',
          version: 1,
          at: at(0),
          actor: dana,
          kind: 'created',
          text: undefined,
          status: 'new',
        },
      );
      assert.match(entry?.text ?? '', /Dana Support/);
    });

    it('a save from the current version bumps it and writes one timeline entry', async () => {
      const { escalation } = await create();
      const next = changed(escalation, {
        status: 'acknowledged',
        owner: eli,
        brief: { ...escalation.brief, target: 'security', severity: 'critical' },
      });

      const result = await store.saveEscalation(next, 1, {
        at: at(30),
        actor: eli,
        kind: 'status',
        text: 'Acknowledged by Eli',
      });

      assert.deepEqual(result, { saved: true, escalation: next, copies: [] });
      assert.deepEqual(await store.getEscalation('ESC-1'), { ...next, version: 2 });
      assert.deepEqual((await store.timeline('ESC-1')).slice(1), [
        {
          escalationId: 'ESC-1',
          version: 2,
          at: at(30),
          actor: eli,
          kind: 'status',
          text: 'Acknowledged by Eli',
          status: 'acknowledged',
        },
      ]);
      // The filter columns follow the brief.
      assert.deepEqual(
        (await store.listEscalations({ target: 'security', severity: 'critical' })).map((e) => e.id),
        ['ESC-1'],
      );
      assert.deepEqual(await store.listEscalations({ target: 'engineering' }), []);
    });

    it('a save from a stale version changes nothing and returns the escalation as it is now', async () => {
      const { escalation } = await create();
      const first = changed(escalation, { status: 'acknowledged', owner: eli });
      assert.equal(
        (await store.saveEscalation(first, 1, { at: at(30), actor: eli, kind: 'status', text: 'Acknowledged' })).saved,
        true,
      );

      const stale = changed(escalation, { status: 'resolved' });
      const result = await store.saveEscalation(stale, 1, {
        at: at(31),
        actor: dana,
        kind: 'status',
        text: 'Resolved',
      });

      assert.deepEqual(result, { saved: false, current: first });
      assert.deepEqual(await store.getEscalation('ESC-1'), first);
      assert.equal((await store.timeline('ESC-1')).length, 2);
    });

    it('of 20 saves from the same version at once, exactly one wins', async () => {
      const { escalation } = await create();
      const people = Array.from({ length: 20 }, (_, i): Person => ({ id: `aad-${i}`, name: `Agent ${i}` }));

      const results = await Promise.all(
        people.map((owner) =>
          store.saveEscalation(changed(escalation, { owner, status: 'investigating' }), 1, {
            at: at(30),
            actor: owner,
            kind: 'assigned',
            text: `Assigned to ${owner.name}`,
          }),
        ),
      );

      const winners = results.filter((r) => r.saved);
      assert.equal(winners.length, 1);
      const stored = await store.getEscalation('ESC-1');
      assert.equal(stored?.version, 2);
      assert.deepEqual(winners[0]?.saved && winners[0].escalation, stored);
      for (const loser of results.filter((r) => !r.saved)) assert.deepEqual(loser, { saved: false, current: stored });
      const timeline = await store.timeline('ESC-1');
      assert.deepEqual(
        timeline.map((e) => [e.version, e.actor]),
        [
          [1, dana],
          [2, stored?.owner],
        ],
      );
    });

    it('refuses a next escalation whose version is not expectedVersion + 1', async () => {
      const { escalation } = await create();
      await assert.rejects(
        store.saveEscalation({ ...escalation, version: 3 }, 1, { at: at(30), actor: eli, kind: 'note', text: 'Note' }),
        /expectedVersion/,
      );
      assert.equal((await store.getEscalation('ESC-1'))?.version, 1);
    });

    it('a save of an escalation that does not exist is not saved and has no current', async () => {
      const { escalation } = await create();
      const ghost = changed({ ...escalation, id: 'ESC-99' }, { status: 'closed' });
      assert.deepEqual(
        await store.saveEscalation(ghost, 1, { at: at(30), actor: eli, kind: 'status', text: 'Closed' }),
        {
          saved: false,
          current: undefined,
        },
      );
      assert.deepEqual(await store.timeline('ESC-99'), []);
    });

    it('a save carrying an action key stores it; the same click again writes nothing', async () => {
      const { escalation } = await create();
      const first = changed(escalation, { status: 'acknowledged', owner: eli });
      const click = { at: at(30), actor: eli, kind: 'status', text: 'Acknowledged by Eli', actionKey: 'invoke-1' };
      assert.equal((await store.saveEscalation(first, 1, click)).saved, true);

      // Each entry keeps the status the escalation had after it.
      const entry = { escalationId: 'ESC-1', version: 2, ...click, status: 'acknowledged' };
      assert.deepEqual(await store.appliedAction('invoke-1'), entry);
      assert.deepEqual((await store.timeline('ESC-1'))[1], entry);
      assert.equal(await store.appliedAction('invoke-2'), undefined);

      // Teams retries the invoke: from the card's version it is stale anyway; from the current
      // version (a use case that re-read the escalation) it would be applied twice without the key.
      const again = changed(first, { status: 'investigating' });
      assert.deepEqual(await store.saveEscalation(again, 2, { ...click, at: at(31) }), {
        saved: false,
        current: first,
      });
      assert.deepEqual(await store.getEscalation('ESC-1'), first);
      assert.equal((await store.timeline('ESC-1')).length, 2);

      // Another click is another change.
      const other = await store.saveEscalation(again, 2, { ...click, at: at(32), actionKey: 'invoke-2' });
      assert.equal(other.saved, true);
      // An entry without a key reads back without one.
      assert.equal('actionKey' in ((await store.timeline('ESC-1'))[0] ?? {}), false);
    });

    it("keeps a saved message's link with its entry, as this store and another read it back", async () => {
      const { escalation } = await create();
      await store.timeline('ESC-1');
      const link = 'https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1700000000000';
      const entry = {
        at: at(30),
        actor: eli,
        kind: 'saved',
        text: 'Saved from Teams by Eli',
        actionKey: 'saved:1',
        link,
      };
      assert.equal((await store.saveEscalation(changed(escalation, {}), 1, entry)).saved, true);
      const expected = { escalationId: 'ESC-1', version: 2, ...entry, status: 'new' };
      assert.deepEqual((await store.timeline('ESC-1'))[1], expected);
      assert.deepEqual(await store.appliedAction('saved:1'), expected);
      const other = await openStore(database.url, database.options);
      try {
        const [created, saved] = await other.timeline('ESC-1');
        assert.deepEqual(saved, expected);
        assert.equal('link' in (created ?? {}), false, 'an entry without a link reads back without one');
      } finally {
        await other.close();
      }
    });

    it('one click saved by several replicas at once, from different versions, is applied once', async () => {
      const { escalation } = await create();
      const second = changed(escalation, { status: 'acknowledged' });
      await store.saveEscalation(second, 1, { at: at(30), actor: eli, kind: 'status', text: 'Acknowledged' });
      const others = engine.replicas ? [1, 2].map(() => openStore(database.url, database.options)) : [store, store];
      const replicas = [store, ...(await Promise.all(others))];
      try {
        const results = await Promise.all(
          replicas.map((replica, i) => {
            // One replica read version 1, the others version 2: only the version-2 saves can win.
            const from = i === 0 ? escalation : second;
            return replica.saveEscalation(changed(from, { owner: eli }), from.version, {
              at: at(31),
              actor: eli,
              kind: 'assigned',
              text: 'Eli took it',
              actionKey: 'invoke-9',
            });
          }),
        );
        assert.equal(results.filter((r) => r.saved).length, 1);
        assert.equal((await store.getEscalation('ESC-1'))?.version, 3);
        assert.equal((await store.timeline('ESC-1')).filter((e) => e.actionKey === 'invoke-9').length, 1);
      } finally {
        for (const replica of new Set(replicas.slice(1))) if (replica !== store) await replica.close();
      }
    });

    it('a request key already stored returns the first escalation and writes nothing', async () => {
      const first = await create({ summary: 'First delivery' }, 'teams-activity-1');
      const retry = await create({ summary: 'Retried delivery' }, 'teams-activity-1');
      const other = await create({ summary: 'Another escalation' }, 'teams-activity-2');

      assert.equal(first.created, true);
      assert.deepEqual(retry, { escalation: first.escalation, created: false });
      assert.equal(other.created, true);
      assert.equal((await store.listEscalations()).length, 2);
      assert.equal((await store.timeline(first.escalation.id)).length, 1);
    });

    it('a request key used for another request is a conflict, and free again once it is old enough', async () => {
      const keyed = (summary: string, hash: string, usableAfter?: string) =>
        store.createEscalation({
          brief: briefOf({ summary }),
          requester: dana,
          at: at(usableAfter ? 30 : 0),
          requestKey: 'api:key-1',
          requestHash: hash,
          requestKeyUsableAfter: usableAfter,
        });
      const first = await keyed('First problem', 'hash-a');
      assert.equal(first.created, true);
      const again = await keyed('First problem', 'hash-a');
      assert.deepEqual(
        { created: again.created, conflict: again.conflict, id: again.escalation.id },
        {
          created: false,
          conflict: undefined,
          id: 'ESC-1',
        },
      );
      const other = await keyed('Second problem', 'hash-b');
      assert.deepEqual(
        { created: other.created, conflict: other.conflict, id: other.escalation.id },
        {
          created: false,
          conflict: true,
          id: 'ESC-1',
        },
      );
      // Keys first used before minute 10 are free: the second problem gets its own escalation.
      const later = await keyed('Second problem', 'hash-b', at(10));
      assert.deepEqual({ created: later.created, id: later.escalation.id }, { created: true, id: 'ESC-2' });
      assert.equal((await keyed('Second problem', 'hash-b', at(10))).escalation.id, 'ESC-2');
    });

    it('creates with the same request key at once store one escalation', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => create({}, 'retried-webhook')));

      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.escalation.id)).size, 1);
      const [only, ...more] = await store.listEscalations();
      assert.deepEqual(more, []);
      assert.deepEqual(only, results[0]?.escalation);
      assert.equal((await store.timeline(only?.id ?? '')).length, 1);
    });

    it('finds nothing for an unknown or malformed id', async () => {
      await create();
      for (const id of ['ESC-2', 'ESC-0', 'esc-1', 'ESC-1x', 'ESC-01', '', '1', 'ESC-9999999999999999']) {
        assert.equal(await store.getEscalation(id), undefined, id);
        assert.deepEqual(await store.timeline(id), [], id);
        assert.deepEqual(await store.postedCards(id), [], id);
      }
    });

    it('lists newest first, filtered by status, target and severity', async () => {
      await create({ target: 'engineering', severity: 'high' });
      await create({ target: 'security', severity: 'critical' });
      const third = (await create({ target: 'engineering', severity: 'critical' })).escalation;
      await create({ target: 'product', severity: 'medium' });
      const acknowledged = changed(third, { status: 'acknowledged' as Status });
      await store.saveEscalation(acknowledged, 1, { at: at(30), actor: eli, kind: 'status', text: 'Acknowledged' });

      const ids = async (filter?: Parameters<Store['listEscalations']>[0]) =>
        (await store.listEscalations(filter)).map((e) => e.id);
      assert.deepEqual(await ids(), ['ESC-4', 'ESC-3', 'ESC-2', 'ESC-1']);
      assert.deepEqual(await ids({}), ['ESC-4', 'ESC-3', 'ESC-2', 'ESC-1']);
      assert.deepEqual(await ids({ target: 'engineering' }), ['ESC-3', 'ESC-1']);
      assert.deepEqual(await ids({ severity: 'critical' }), ['ESC-3', 'ESC-2']);
      assert.deepEqual(await ids({ status: 'new' }), ['ESC-4', 'ESC-2', 'ESC-1']);
      assert.deepEqual(await ids({ status: 'new', target: 'engineering' }), ['ESC-1']);
      assert.deepEqual(await ids({ status: 'acknowledged', target: 'engineering', severity: 'critical' }), ['ESC-3']);
      assert.deepEqual(await ids({ target: 'leadership' }), []);
      assert.deepEqual((await store.listEscalations({ status: 'acknowledged' }))[0], acknowledged);
    });

    it('finds the escalations a person raised or owns, open ones only, up to a limit', async () => {
      const mine = (await create()).escalation;
      const other = (
        await store.createEscalation({ brief: briefOf(), requester: { id: 'aad-lee', name: 'Lee' }, at: at(1) })
      ).escalation;
      const owned = changed(other, { owner: eli });
      await store.saveEscalation(owned, 1, { at: at(2), actor: eli, kind: 'assigned', text: 'Eli took it' });
      await create();
      const resolved = changed((await store.getEscalation('ESC-3')) as Escalation, { status: 'resolved' as Status });
      await store.saveEscalation(resolved, 1, { at: at(3), actor: dana, kind: 'resolved', text: 'Fixed' });

      const ids = async (filter: Parameters<Store['listEscalations']>[0]) =>
        (await store.listEscalations(filter)).map((e) => e.id);
      assert.deepEqual(await ids({ involving: dana.id }), ['ESC-3', mine.id]);
      assert.deepEqual(await ids({ involving: dana.id, open: true }), [mine.id]);
      assert.deepEqual(await ids({ involving: eli.id }), [other.id]);
      assert.deepEqual(await ids({ limit: 2 }), ['ESC-3', 'ESC-2']);
    });

    it('lists the open escalations of a tier that wait for a channel, oldest first', async () => {
      await create({ target: 'engineering' });
      await create({ target: 'engineering' });
      await create({ target: 'product' });
      await create({ target: 'engineering' });
      await store.recordPostedCard({
        escalationId: 'ESC-2',
        conversationId: '19:eng@thread.tacv2;messageid=1',
        activityId: '1',
        serviceUrl: 'https://smba.example/emea/',
        postedAt: at(1),
        place: 'channel',
      });
      // A copy in someone's personal chat is not a post in the tier's channel: ESC-1 still waits.
      await store.recordPostedCard({
        escalationId: 'ESC-1',
        conversationId: 'a:1dana',
        activityId: '7',
        serviceUrl: 'https://smba.example/emea/',
        postedAt: at(1),
        place: 'personal',
        viewerId: dana.id,
      });
      const fourth = (await store.getEscalation('ESC-4')) as Escalation;
      await store.saveEscalation(changed(fourth, { status: 'closed' as Status }), 1, {
        at: at(2),
        actor: dana,
        kind: 'status_changed',
        text: 'Closed',
      });
      assert.deepEqual(
        (await store.unpostedEscalations('engineering')).map((e) => e.id),
        ['ESC-1'],
      );
      assert.deepEqual(
        (await store.unpostedEscalations('product')).map((e) => e.id),
        ['ESC-3'],
      );
    });

    it('binds one channel per tier: bind, replace, list, unbind', async () => {
      const binding = (target: Target, channel: string, minute: number): ChannelBinding => ({
        target,
        conversationReference: {
          conversation: { id: channel, isGroup: true },
          serviceUrl: 'https://smba.example/emea/',
        },
        boundBy: dana,
        boundAt: at(minute),
      });
      assert.equal(await store.channelFor('engineering'), undefined);

      await store.bindChannel(binding('engineering', '19:eng-old@thread.tacv2', 1), move('engineering', 1, 'old'));
      await store.bindChannel(binding('security', '19:sec@thread.tacv2', 2), move('security', 2, 'sec'));
      await store.bindChannel(
        binding('engineering', '19:eng-new@thread.tacv2', 3),
        move('engineering', 3, 'new', 'old'),
      );
      // Bound again where it is: no move to log.
      await store.bindChannel(binding('engineering', '19:eng-new@thread.tacv2', 3));

      assert.deepEqual(await store.channelFor('engineering'), binding('engineering', '19:eng-new@thread.tacv2', 3));
      assert.deepEqual(await store.listChannels(), [
        binding('engineering', '19:eng-new@thread.tacv2', 3),
        binding('security', '19:sec@thread.tacv2', 2),
      ]);
      assert.equal(await store.unbindChannel('engineering', move('engineering', 4, undefined, 'new')), true);
      assert.equal(await store.unbindChannel('engineering', move('engineering', 5, undefined, 'new')), false);
      assert.equal(await store.unbindChannel('product', move('product', 5)), false);
      assert.equal(await store.channelFor('engineering'), undefined);
      assert.deepEqual(
        (await store.listChannels()).map((b) => b.target),
        ['security'],
      );
      // Every move that happened, newest first; the first one names the first team bound.
      assert.deepEqual(await store.channelMoves(10), [
        move('engineering', 4, undefined, 'new'),
        move('engineering', 3, 'new', 'old'),
        move('security', 2, 'sec'),
        move('engineering', 1, 'old'),
      ]);
      assert.deepEqual(await store.channelMoves(1, 'oldest'), [move('engineering', 1, 'old')]);
    });

    it('keeps one copy of an escalation a chat: the newest; channel copies all stay', async () => {
      await create();
      const copy = (conversationId: string, activityId: string, place: CardPlace): PostedCard => ({
        escalationId: 'ESC-1',
        conversationId,
        activityId,
        serviceUrl: 'https://smba.example/emea/',
        postedAt: at(Number(activityId)),
        place,
        ...(place === 'personal' ? { viewerId: eli.id } : {}),
      });
      for (let n = 1; n <= 10; n++) await store.recordPostedCard(copy('a:1eli', String(n), 'personal'));
      await store.recordPostedCard(copy('19:huddle@thread.v2', '11', 'groupChat'));
      await store.recordPostedCard(copy('19:huddle@thread.v2', '12', 'groupChat'));
      await store.recordPostedCard(copy('19:eng@thread.tacv2;messageid=13', '13', 'channel'));
      await store.recordPostedCard(copy('19:lead@thread.tacv2;messageid=14', '14', 'channel'));
      assert.deepEqual(await store.postedCards('ESC-1'), [
        copy('a:1eli', '10', 'personal'),
        copy('19:huddle@thread.v2', '12', 'groupChat'),
        copy('19:eng@thread.tacv2;messageid=13', '13', 'channel'),
        copy('19:lead@thread.tacv2;messageid=14', '14', 'channel'),
      ]);
      await store.forgetPostedCard('a:1eli', '10');
      assert.equal((await store.postedCards('ESC-1')).length, 3);
    });

    it('leaves out of a list what a person may not see: a tier, unless they raised or own it', async () => {
      const raisedBy = (target: Target, requester: Person) =>
        store.createEscalation({ brief: briefOf({ target }), requester, at: at(0) });
      await raisedBy('security', dana);
      await raisedBy('security', eli);
      await raisedBy('engineering', eli);
      const ids = async (filter: EscalationFilter) => (await store.listEscalations(filter)).map((e) => e.id);
      assert.deepEqual(await ids({ sight: { hidden: ['security'], unlessInvolving: dana.id } }), ['ESC-3', 'ESC-1']);
      assert.deepEqual(await ids({ sight: { hidden: ['security'] } }), ['ESC-3']);
      assert.deepEqual(await ids({ sight: { hidden: [] } }), ['ESC-3', 'ESC-2', 'ESC-1']);
    });

    it('records a posted card once however often it is recorded', async () => {
      await create();
      await create();
      const card = (escalationId: string, activityId: string, minute: number): PostedCard => ({
        escalationId,
        conversationId: '19:eng@thread.tacv2',
        activityId,
        serviceUrl: 'https://smba.example/emea/',
        postedAt: at(minute),
        place: 'channel',
      });

      await store.recordPostedCard(card('ESC-1', 'activity-1', 1));
      await Promise.all([1, 2, 3].map(() => store.recordPostedCard(card('ESC-1', 'activity-1', 1))));
      await store.recordPostedCard(card('ESC-1', 'activity-2', 2));
      await store.recordPostedCard(card('ESC-2', 'activity-3', 3));

      assert.deepEqual(await store.postedCards('ESC-1'), [
        card('ESC-1', 'activity-1', 1),
        card('ESC-1', 'activity-2', 2),
      ]);
      assert.deepEqual(await store.postedCards('ESC-2'), [card('ESC-2', 'activity-3', 3)]);
      assert.deepEqual(await store.postedCards('ESC-3'), []);
    });

    it('opening the same database again runs no migration twice and keeps the data', async () => {
      const { escalation } = await create();
      await store.close();
      // Replicas starting at once, all against the already-migrated database.
      const reopened = await Promise.all([1, 2, 3].map(() => openStore(database.url, database.options)));
      store = reopened[0] as Store;
      for (const other of reopened.slice(1)) await other.close();

      assert.deepEqual(await store.getEscalation('ESC-1'), escalation);
      assert.equal((await create()).escalation.id, 'ESC-2');
    });

    it('several replicas migrating an empty database at once end with one schema', async () => {
      const empty = await engine.fresh();
      try {
        const replicas = await Promise.all([1, 2, 3, 4].map(() => openStore(empty.url, empty.options)));
        const ids = [];
        for (const replica of replicas) {
          ids.push((await replica.createEscalation({ brief: briefOf(), requester: dana, at: at(0) })).escalation.id);
        }
        assert.deepEqual(ids, ['ESC-1', 'ESC-2', 'ESC-3', 'ESC-4']);
        await Promise.all(replicas.map((replica) => replica.close()));
      } finally {
        await empty.drop();
      }
    });

    it("finds the escalations of a ticket by its desk and id, newest first, and keeps a ticket's latest draft", async () => {
      const ticket = { system: 'zendesk', id: '4821', url: 'https://acme.zendesk.com/agent/tickets/4821' };
      const first = await store.createEscalation({ brief: { ...briefOf({}), ticket }, requester: dana, at: at(0) });
      await create();
      const second = await store.createEscalation({ brief: { ...briefOf({}), ticket }, requester: dana, at: at(1) });
      const found = await store.escalationsOfTicket({ system: 'zendesk', id: '4821' });
      assert.deepEqual(
        found.map((e) => e.id),
        [second.escalation.id, first.escalation.id],
      );
      assert.deepEqual(found[0]?.brief.ticket, ticket);
      assert.deepEqual(await store.escalationsOfTicket({ system: 'jira', id: '4821' }), []);

      assert.equal(await store.ticketDraft(ticket), undefined);
      const draft = {
        ticket,
        form: { summary: 'Exports fail', target: 'engineering' },
        agent: dana,
        createdAt: at(2),
        updatedAt: at(2),
      };
      await store.saveTicketDraft(draft);
      await store.saveTicketDraft({ ...draft, form: { summary: 'Exports fail again' }, updatedAt: at(3) });
      assert.deepEqual(await store.ticketDraft({ system: 'zendesk', id: '4821' }), {
        ...draft,
        form: { summary: 'Exports fail again' },
        updatedAt: at(3),
      });
    });

    it('queues a note to a ticket that has no escalation yet, once a key', async () => {
      const note = {
        kind: 'ticketNote' as const,
        ticket: { system: 'zendesk', id: '4822' },
        text: 'Escalation Desk: a draft',
        key: 'ticket-note:draft:zendesk:4822',
      };
      await store.enqueueDeliveries([note, note], at(0));
      const queued = await store.deliveries();
      assert.equal(queued.length, 1);
      assert.equal(queued[0]?.kind, 'ticketNote');
      assert.equal(queued[0]?.escalationId, undefined);
      assert.deepEqual(queued[0]?.kind === 'ticketNote' && queued[0].ticket, note.ticket);
      const claimed = await store.claimDeliveries('w', at(1), at(2), 10);
      assert.equal(claimed.length, 1);
    });

    it('ping answers true while the database is open and false once it is closed', async () => {
      assert.equal(await store.ping(), true);
      await store.close();
      assert.equal(await store.ping(), false);
    });
  });
}

storeContract(sqliteEngine());
storeContract(postgresEngine());

describe('openStore', () => {
  it('creates the folder of a SQLite file and turns on WAL and foreign keys', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'escalation-desk-open-'));
    try {
      const file = join(folder, 'data', 'nested', 'escalations.db');
      const store = await openStore(`sqlite:${file}`);
      await store.close();
      assert.ok(existsSync(file));
      const database = new SqliteDatabase(file);
      assert.equal(database.pragma('journal_mode', { simple: true }), 'wal');
      database.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('opens an in-memory SQLite store', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      assert.equal(
        (await store.createEscalation({ brief: briefOf(), requester: dana, at: at(0) })).escalation.id,
        'ESC-1',
      );
      assert.equal(await store.ping(), true);
    } finally {
      await store.close();
    }
  });

  it('refuses a DATABASE_URL of another kind, naming the setting', async () => {
    await assert.rejects(openStore('mysql://localhost/escalations'), /DATABASE_URL/);
    await assert.rejects(openStore('sqlite:'), /DATABASE_URL/);
    await assert.rejects(openStore('sqlite::memory:', { schema: 'x' }), /PostgreSQL/);
  });
});
