// Followers in the store, one contract on both engines: following twice is once, unfollowing
// removes, and "mine" (the chat's list, the board's My escalations) holds what a person follows.
import assert from 'node:assert/strict';
import type { Store } from '../../src/app/ports';
import type { Person } from '../../src/domain/escalation';
import { at, briefOf, dana, type Engine, eli, freshStores, postgresEngine, sqliteEngine } from './engines';

const priya: Person & { id: string } = { id: 'aad-priya', name: 'Priya Product', teamsId: '29:1priya' };

function followersContract(engine: Engine) {
  describe(`Followers in the store on ${engine.name}`, () => {
    const fresh = freshStores(engine);
    let store: Store;
    beforeEach(() => {
      ({ store } = fresh);
    });

    const create = async (summary: string, minute = 0) =>
      (await store.createEscalation({ brief: briefOf({ summary }), requester: dana, at: at(minute) })).escalation;
    const mine = async (personId: string) => (await store.listEscalations({ involving: personId })).map((e) => e.id);
    const myBoard = async (personId: string) =>
      (await store.boardQueue({ involving: personId }, 50)).items.map((e) => e.id);

    it('keeps a follower once however often they follow, in the order they came', async () => {
      const escalation = await create('Exports are empty');
      await store.follow(escalation.id, priya, at(1));
      await store.follow(escalation.id, priya, at(2));
      await store.follow(escalation.id, { id: 'aad-eli', name: 'Eli Engineer' }, at(3));
      assert.deepEqual(await store.followers(escalation.id), [priya, { id: 'aad-eli', name: 'Eli Engineer' }]);
    });

    it('forgets a follower who unfollows, and an unfollow by someone who never followed changes nothing', async () => {
      const escalation = await create('Exports are empty');
      await store.follow(escalation.id, priya, at(1));
      await store.unfollow(escalation.id, 'aad-nobody');
      assert.equal((await store.followers(escalation.id)).length, 1);
      await store.unfollow(escalation.id, priya.id);
      assert.deepEqual(await store.followers(escalation.id), []);
    });

    it("lists what a person follows with what they raised or own, in the chat's mine and on the board", async () => {
      const followed = await create('Exports are empty', 1);
      const other = await create('Login loops', 2);
      assert.deepEqual(await mine(priya.id), []);
      await store.follow(followed.id, priya, at(3));
      assert.deepEqual(await mine(priya.id), [followed.id]);
      assert.deepEqual(await myBoard(priya.id), [followed.id]);
      // The requester's list is unchanged by who follows.
      assert.deepEqual(await mine(dana.id as string), [other.id, followed.id]);
      assert.deepEqual(await mine(eli.id as string), []);
      await store.unfollow(followed.id, priya.id);
      assert.deepEqual(await mine(priya.id), []);
      assert.deepEqual(await myBoard(priya.id), []);
    });

    it('remembers a person a notice could not reach, and waits a notice a minute, one a person', async () => {
      const escalation = await create('Exports are empty');
      const person = { id: priya.id, teamsId: priya.teamsId as string };
      const notice = { kind: 'notice' as const, escalationId: escalation.id, person, notBefore: at(2) };
      await store.enqueueDeliveries([notice, { ...notice, notBefore: at(3) }], at(1));
      assert.deepEqual(await store.claimDeliveries('w', at(1), at(9), 10), [], 'not due before its minute is up');
      const [claimed, ...more] = await store.claimDeliveries('w', at(2), at(9), 10);
      assert.deepEqual(more, [], 'one waits a person and escalation');
      assert.deepEqual(claimed && { ...claimed, id: 0 }, { ...notice, id: 0, attempts: 0, createdAt: at(1) });
      assert.equal(await store.unreachable(person), false);
      await store.failDelivery(claimed?.id as number, at(2), '403 Forbidden', 'w');
      assert.equal(await store.unreachable(person), true);
      assert.equal(await store.unreachable({ id: 'aad-eli', teamsId: '29:1eli' }), false);
    });

    it("sends a notice of an SLA clock's state once, beside a waiting notice of changes, and a restarted clock's again", async () => {
      const escalation = await create('Exports are empty');
      const person = { id: priya.id, teamsId: priya.teamsId as string };
      const clock = { clock: 'customerUpdate' as const, status: 'at_risk' as const, dueAt: at(30) };
      const notice = { kind: 'notice' as const, escalationId: escalation.id, person, notBefore: at(1) };
      await store.enqueueDeliveries([notice, { ...notice, clock }, { ...notice, clock }], at(1));
      await store.enqueueDeliveries([{ ...notice, clock }], at(2));
      const claimed = await store.claimDeliveries('w', at(2), at(9), 10);
      assert.deepEqual(
        claimed.map((d) => (d.kind === 'notice' ? (d.clock ?? null) : d.kind)),
        [null, clock],
      );
      for (const d of claimed) await store.completeDelivery(d.id, at(2), 'w');
      await store.enqueueDeliveries([{ ...notice, clock }], at(3));
      assert.deepEqual(await store.claimDeliveries('w', at(3), at(9), 10), [], 'told once, also after it was sent');
      await store.enqueueDeliveries([{ ...notice, clock: { ...clock, dueAt: at(60) } }], at(4));
      assert.equal((await store.claimDeliveries('w', at(4), at(9), 10)).length, 1, 'a restarted clock is told again');
    });
  });
}

followersContract(sqliteEngine());
followersContract(postgresEngine());
