// The help desks' signatures (src/helpdesk/signatures.ts), each against a signature computed here
// as the desk computes it (and the Standard Webhooks specification's own example), a tampered
// body, a wrong secret, a missing header, and a replay outside the five-minute window.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { jiraSignatureProblem, standardWebhookProblem, zendeskSignatureProblem } from '../../src/helpdesk/signatures';

const headersOf = (headers: Record<string, string>) => (name: string) => headers[name];
const body = Buffer.from('{"event":"escalate","ticket":{"id":4821}}');

describe('Help desk signatures', () => {
  it('takes a Zendesk request signed over its timestamp and body, within five minutes', () => {
    const timestamp = '2026-12-07T10:00:00Z';
    const signature = createHmac('sha256', 'zd-secret').update(timestamp).update(body).digest('base64');
    const signed = headersOf({
      'x-zendesk-webhook-signature': signature,
      'x-zendesk-webhook-signature-timestamp': timestamp,
    });
    const now = new Date('2026-12-07T10:04:00Z');
    assert.equal(zendeskSignatureProblem('zd-secret', signed, body, now), undefined);
    assert.match(String(zendeskSignatureProblem('other', signed, body, now)), /does not match/);
    assert.match(String(zendeskSignatureProblem('zd-secret', signed, Buffer.from('{}'), now)), /does not match/);
    assert.match(
      String(zendeskSignatureProblem('zd-secret', signed, body, new Date('2026-12-07T10:06:00Z'))),
      /more than 5 minutes/,
    );
    assert.match(String(zendeskSignatureProblem('zd-secret', headersOf({}), body, now)), /not signed/);
  });

  it("takes the Standard Webhooks specification's example, among several signatures, and refuses a replay", () => {
    const payload = Buffer.from('{"test": 2432232314}');
    const signed = headersOf({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,bm90IHRoaXMgb25l v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const then = new Date(1614265330 * 1000 + 60_000);
    assert.equal(standardWebhookProblem(secret, signed, payload, then), undefined);
    assert.match(String(standardWebhookProblem(secret, signed, Buffer.from('{"test": 1}'), then)), /does not match/);
    assert.match(String(standardWebhookProblem(secret, signed, payload, new Date())), /more than 5 minutes/);
    assert.match(String(standardWebhookProblem(secret, headersOf({ 'webhook-id': 'x' }), payload, then)), /not signed/);
  });

  it('takes a Jira request signed sha256=<hex> over its body', () => {
    const signature = `sha256=${createHmac('sha256', 'jira-secret').update(body).digest('hex')}`;
    const signed = headersOf({ 'x-hub-signature': signature });
    assert.equal(jiraSignatureProblem('jira-secret', signed, body), undefined);
    assert.match(String(jiraSignatureProblem('jira-secret', signed, Buffer.from('{}'))), /does not match/);
    assert.match(
      String(jiraSignatureProblem('jira-secret', headersOf({ 'x-hub-signature': 'sha256=' }), body)),
      /does not match/,
    );
    assert.match(String(jiraSignatureProblem('jira-secret', headersOf({}), body)), /not signed/);
  });
});
