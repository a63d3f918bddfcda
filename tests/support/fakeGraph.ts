// Microsoft Graph and the Microsoft Entra token endpoint on loopback: the far side of sending
// mail, and the only thing faked. It hands out a client-credentials token and records each
// sendMail as Graph takes it (POST /v1.0/users/{sender}/sendMail, 202), or answers a fault.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMail {
  sender: string;
  subject: string;
  html: string;
  to: string[];
  /** The card Outlook would find: the adaptivecard+json script in the HTML's head. */
  card: any;
  time: Date;
}

export interface GraphRequest {
  path: string;
  status: number;
  time: Date;
}

export class FakeGraph {
  readonly url: string;
  /** What was accepted, in order. */
  readonly sent: SentMail[] = [];
  /** Every sendMail and token request, whatever the answer. */
  readonly requests: GraphRequest[] = [];
  readonly tokens: string[] = [];
  private faults: { remaining: number; status: number; retryAfterSeconds?: number }[] = [];

  private constructor(
    private readonly server: Server,
    port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(): Promise<FakeGraph> {
    let fake: FakeGraph | undefined;
    const server = createServer((req, res) => {
      fake?.handle(req, res).catch((error) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    fake = new FakeGraph(server, (server.address() as AddressInfo).port);
    return fake;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** The next `count` sendMail requests answer `status` (429 with Retry-After, 503...). */
  failNext(count: number, status: number, retryAfterSeconds?: number): void {
    this.faults.push({ remaining: count, status, retryAfterSeconds });
  }

  clearFaults(): void {
    this.faults = [];
  }

  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > deadline)
        throw new Error(`FakeGraph.waitFor: not within ${timeoutMs} ms; sent ${this.sent.length}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const answer = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ path, status, time: new Date() });
      res.writeHead(status, { ...(json ? { 'content-type': 'application/json' } : {}), ...headers });
      res.end(json ? JSON.stringify(json) : '');
    };

    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (token && req.method === 'POST') {
      const form = new URLSearchParams(body);
      if (
        form.get('grant_type') !== 'client_credentials' ||
        form.get('scope') !== 'https://graph.microsoft.com/.default'
      ) {
        return answer(400, { error: 'invalid_request' });
      }
      const value = `token-${this.tokens.length + 1}`;
      this.tokens.push(value);
      return answer(200, { token_type: 'Bearer', expires_in: 3600, access_token: value });
    }

    const send = /^\/v1\.0\/users\/([^/]+)\/sendMail$/.exec(path);
    if (send && req.method === 'POST') {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !this.tokens.includes(bearer))
        return answer(401, { error: { code: 'InvalidAuthenticationToken' } });
      const fault = this.faults.find((f) => f.remaining > 0);
      if (fault) {
        fault.remaining -= 1;
        return answer(
          fault.status,
          { error: { code: fault.status === 429 ? 'ApplicationThrottled' : 'ServiceUnavailable' } },
          fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {},
        );
      }
      const { message } = JSON.parse(body) as {
        message: { subject: string; body: { content: string }; toRecipients: { emailAddress: { address: string } }[] };
      };
      const html = message.body.content;
      this.sent.push({
        sender: decodeURIComponent(send[1] ?? ''),
        subject: message.subject,
        html,
        to: message.toRecipients.map((r) => r.emailAddress.address),
        card: cardIn(html),
        time: new Date(),
      });
      return answer(202);
    }
    return answer(404, { error: { code: 'NotFound' } });
  }
}

/** The actionable card in an email's HTML, as Outlook finds it. */
export function cardIn(html: string): any {
  const script = /<script type="application\/adaptivecard\+json">([\s\S]*?)<\/script>/.exec(html)?.[1];
  return script === undefined ? undefined : JSON.parse(script);
}
