// Where Teams counts a send: a channel with all its threads, whichever way its id was learnt.
import assert from 'node:assert/strict';
import { placeOf } from '../../src/app/pacing';
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
});
