// Signs a webhook body as each desk does (src/helpdesk/signatures.ts checks them): Zendesk's
// timestamp + body, the Standard Webhooks scheme (ServiceNow's business rule, the generic route),
// Jira's X-Hub-Signature.
import { createHmac } from 'node:crypto';

const hmac = (key: string | Buffer, text: string, encoding: 'base64' | 'hex') =>
  createHmac('sha256', key).update(text).digest(encoding);

export function zendeskSign(body: string, secret: string, at = new Date()): Record<string, string> {
  const timestamp = at.toISOString();
  return {
    'x-zendesk-webhook-signature': hmac(secret, timestamp + body, 'base64'),
    'x-zendesk-webhook-signature-timestamp': timestamp,
  };
}

export function standardSign(body: string, secret: string, at = new Date()): Record<string, string> {
  const id = `msg_${Math.random().toString(36).slice(2)}`;
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${hmac(key, `${id}.${timestamp}.${body}`, 'base64')}`,
  };
}

export const jiraSign = (body: string, secret: string): Record<string, string> => ({
  'x-hub-signature': `sha256=${hmac(secret, body, 'hex')}`,
});

/** By route: /api/helpdesk/<route>. */
export function signFor(route: string, body: string, secret: string, at?: Date): Record<string, string> {
  if (route === 'zendesk') return zendeskSign(body, secret, at);
  if (route === 'jira') return jiraSign(body, secret);
  return standardSign(body, secret, at);
}
