// Where Teams counts a send: a channel with all its threads, whichever way its id was learnt.
import assert from 'node:assert/strict';
import { activityFeed, Pacer, placeOf } from '../../src/app/pacing';
import type { QueuedDelivery } from '../../src/app/ports';

const queued = { id: 1, attempts: 0, createdAt: '2026-12-07T10:00:00.000Z', escalationId: 'ESC-1' };
const serviceUrl = 'https://smba.example/emea/';

describe('Pacing places', () => {
  it('counts a post, an update and a reply in one channel as one place, also when the tier was bound from a thread', () => {
    const channel = '19:eng@thread.tacv2';
    const deliveries: QueuedDelivery[] = [
      { ...queued, kind: 'post', tier: 'engineering', channel: `${channel};messageid=1700000000001` },
      { ...queued, kind: 'post', tier: 'engineering', channel },
      {
        ...queued,
        kind: 'update',
        conversationId: `${channel};messageid=1700000000002`,
        activityId: '1700000000002',
        serviceUrl,
      },
      { ...queued, kind: 'reply', conversationId: `${channel};messageid=1700000000003`, serviceUrl, text: 'Due' },
    ];
    assert.deepEqual(new Set(deliveries.map(placeOf)), new Set([channel]));
  });

  it('counts a chat as its own place, and emails in the mailbox', () => {
    const chat = {
      ...queued,
      kind: 'update' as const,
      conversationId: '19:abc@unq.gbl.spaces',
      activityId: '1',
      serviceUrl,
    };
    assert.equal(placeOf(chat), '19:abc@unq.gbl.spaces');
    assert.equal(
      placeOf({ ...queued, kind: 'email', to: ['a@example.com'], reason: 'shared' } as QueuedDelivery),
      'mailbox',
    );
  });

  it("counts followers' notices in their chats, or all in Graph's activity feed at 5 a second (outside the bot's Teams budget)", () => {
    const notice = (teamsId: string): QueuedDelivery => ({
      ...queued,
      kind: 'notice',
      person: { id: teamsId, teamsId: `29:${teamsId}` },
      notBefore: queued.createdAt,
    });
    assert.equal(new Pacer().placeOf(notice('a')), 'personal chat of 29:a');
    const feed = new Pacer({ noticesToFeed: true, tenant: [{ ms: 1_000, max: 1 }] });
    assert.equal(feed.placeOf(notice('a')), activityFeed);
    assert.equal(feed.placeOf(notice('b')), activityFeed);
    for (let i = 0; i < 5; i++) {
      assert.equal(feed.nextAt(activityFeed, 0), 0);
      feed.take(activityFeed, 0);
    }
    assert.equal(feed.nextAt(activityFeed, 0), 1_000, 'the sixth waits a second');
    assert.equal(feed.nextAt('19:abc@unq.gbl.spaces', 0), 0, "the bot's own sends are not held up");
  });
});
