// How each help desk signs what it sends to /api/helpdesk/* (../shared/CONTRACT.md), checked over
// the raw body with node:crypto in constant time; where the desk signs a moment, it must be within
// five minutes of ours (a replayed request is refused).
//   Zendesk:           X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(secret, timestamp + body))
//   Standard Webhooks: webhook-signature = "v1,<base64(HMAC-SHA256(key, id.timestamp.body))>" (one
//                      or more, space-separated), the key the base64 after `whsec_` in the secret
//                      (ServiceNow's business rule, the generic route)
//   Jira:              X-Hub-Signature = "sha256=<hex(HMAC-SHA256(secret, body))>"
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a signed moment may be from ours. */
export const signatureWindowMs = 5 * 60_000;

/** Undefined when the request is signed as the desk signs; else what is wrong, to answer 401 with. */
export type SignatureProblem = string | undefined;

/** A request header by its lower-case name. */
export type HeaderOf = (name: string) => string | undefined;

function hmac(key: string | Buffer, content: (string | Buffer)[], encoding: 'base64' | 'hex'): string {
  const mac = createHmac('sha256', key);
  for (const part of content) mac.update(part);
  return mac.digest(encoding);
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A signed moment: Unix seconds, or an ISO 8601 time (Zendesk's). */
function momentOf(text: string): number {
  return /^\d{1,12}$/.test(text) ? Number(text) * 1000 : Date.parse(text);
}

function outsideWindow(text: string, now: Date): SignatureProblem {
  const at = momentOf(text);
  if (!Number.isFinite(at)) return `its signature's timestamp "${text.slice(0, 40)}" is not a time`;
  if (Math.abs(now.getTime() - at) > signatureWindowMs) return "its signature's timestamp is more than 5 minutes away";
  return undefined;
}

export function zendeskSignatureProblem(secret: string, header: HeaderOf, body: Buffer, now: Date): SignatureProblem {
  const signature = header('x-zendesk-webhook-signature');
  const timestamp = header('x-zendesk-webhook-signature-timestamp');
  if (!signature || !timestamp) return 'it is not signed: X-Zendesk-Webhook-Signature and -Timestamp are needed';
  const late = outsideWindow(timestamp, now);
  if (late) return late;
  return same(signature, hmac(secret, [timestamp, body], 'base64')) ? undefined : 'its signature does not match';
}

export function standardWebhookProblem(secret: string, header: HeaderOf, body: Buffer, now: Date): SignatureProblem {
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!id || !timestamp || !signatures) {
    return 'it is not signed: webhook-id, webhook-timestamp and webhook-signature are needed';
  }
  const late = outsideWindow(timestamp, now);
  if (late) return late;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = `v1,${hmac(key, [`${id}.${timestamp}.`, body], 'base64')}`;
  return signatures.split(' ').some((given) => same(given, expected)) ? undefined : 'its signature does not match';
}

export function jiraSignatureProblem(secret: string, header: HeaderOf, body: Buffer): SignatureProblem {
  const signature = header('x-hub-signature');
  if (!signature) return 'it is not signed: X-Hub-Signature is needed';
  return same(signature, `sha256=${hmac(secret, [body], 'hex')}`) ? undefined : 'its signature does not match';
}
