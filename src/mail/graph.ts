// Sending through Microsoft Graph as one mailbox: POST /v1.0/users/{sender}/sendMail with an
// app-only token (client credentials, scope https://graph.microsoft.com/.default; the app needs
// Mail.Send, limited to that mailbox by an application access policy). A refusal throws with
// its status and Retry-After, for the delivery worker to retry or give up.
import type { Mailer, OutgoingEmail } from '../app/ports';
import type { GraphMail } from '../config';

/** A token is renewed this long before it runs out. */
const renewBeforeMs = 5 * 60_000;

/** Graph and the token endpoint get this long to answer (well under an outbox lease). */
const requestTimeoutMs = 10_000;

export class GraphMailer implements Mailer {
  private token: { value: string; until: number } | undefined;

  constructor(
    private readonly config: GraphMail,
    private readonly clock: { now(): Date },
  ) {}

  async send(email: OutgoingEmail): Promise<void> {
    const token = await this.accessToken();
    const url = `${this.config.graphUrl}/v1.0/users/${encodeURIComponent(this.config.sender)}/sendMail`;
    const response = await request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        message: {
          subject: email.subject,
          body: { contentType: 'HTML', content: email.html },
          toRecipients: email.to.map((address) => ({ emailAddress: { address } })),
        },
        saveToSentItems: false,
      }),
    });
    if (response.status === 401) this.token = undefined;
    if (!response.ok) throw await failure('Microsoft Graph sendMail', response);
  }

  private async accessToken(): Promise<string> {
    const now = this.clock.now().getTime();
    if (this.token && this.token.until > now) return this.token.value;
    const { authorityHost, tenantId, clientId, clientSecret } = this.config;
    const response = await request(`${authorityHost}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: clientId,
        client_secret: clientSecret,
        scope: 'https://graph.microsoft.com/.default',
        grant_type: 'client_credentials',
      }).toString(),
    });
    if (!response.ok) throw await failure('The Microsoft Entra token endpoint', response);
    const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string')
      throw new Error('The Microsoft Entra token endpoint gave no access_token');
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000;
    this.token = { value: body.access_token, until: now + Math.max(0, lifetimeMs - renewBeforeMs) };
    return this.token.value;
  }
}

function request(url: string, init: RequestInit): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) });
}

/** An error the delivery worker reads: the status, and how long the server asked to wait. */
async function failure(who: string, response: Response): Promise<Error> {
  const text = (await response.text().catch(() => '')).slice(0, 300);
  const retryAfter = response.headers.get('retry-after');
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  return Object.assign(new Error(`${who} answered ${response.status}: ${text}`), {
    statusCode: response.status,
    ...(seconds !== undefined ? { retryAfterMs: seconds * 1000 } : {}),
  });
}
