// Microsoft Graph and Microsoft Entra ID on loopback: the far side of sending mail, swarm chats and
// activity feed notifications, and the only thing faked. Entra, over https as the real one (Microsoft's credential library refuses any
// other), answers the OpenID configuration the library reads first and hands out
// client-credentials tokens for this Graph to an app proving itself with a secret or a client
// certificate (a signed client assertion, checked against the app's certificate). Graph records
// each sendMail as it takes it (POST /v1.0/users/{sender}/sendMail, 202), or answers a fault; the
// chats it makes; and each activity feed notification, checked against the app's manifest.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { decodeProtectedHeader, importX509, jwtVerify } from 'jose';

export interface SentMail {
  sender: string;
  subject: string;
  html: string;
  to: string[];
  /** The card Outlook would find: the adaptivecard+json script in the HTML's head. */
  card: any;
  time: Date;
  /** The bearer token the request carried. */
  token: string;
}

export interface GraphRequest {
  path: string;
  status: number;
  time: Date;
}

export interface FakeChat {
  id: string;
  topic: string;
  members: string[];
  apps: string[];
}

/** An activity feed notification Graph took (POST /v1.0/users/{id}/teamwork/sendActivityNotification). */
export interface FeedNotification {
  userId: string;
  activityType: string;
  topic: { source: string; value: string; webUrl: string };
  previewText: string;
  templateParameters: Record<string, string>;
  teamsAppId?: string;
  time: Date;
}

/** The activity types the app's manifest declares, with their template's parameters: what Teams checks a notification against. */
const manifestPath = path.resolve(__dirname, '../../../appPackage/manifest.json');
function declaredActivities(): Map<string, string[]> {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    activities?: { activityTypes?: { type: string; templateText: string }[] };
  };
  return new Map(
    (manifest.activities?.activityTypes ?? []).map((t) => [
      t.type,
      [...t.templateText.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
    ]),
  );
}

/** A token Entra gave out: to which app, and how it proved who it is. */
export interface TokenGiven {
  tenant: string;
  clientId: string;
  proof: 'secret' | 'certificate';
  token: string;
}

/** The fake Entra's certificate (self-signed, for 127.0.0.1) and the test mail app's certificate with its key. */
const fixtures = path.resolve(__dirname, '../../../tests/fixtures/entra');
export const appCertificatePath = path.join(fixtures, 'app-certificate.pem');

export class FakeGraph {
  /** Microsoft Graph (GRAPH_URL). */
  readonly url: string;
  /** Microsoft Entra ID (ENTRA_AUTHORITY_HOST), https. */
  readonly authorityUrl: string;
  /** What was accepted, in order. */
  readonly sent: SentMail[] = [];
  /** Every sendMail and token request, whatever the answer. */
  readonly requests: GraphRequest[] = [];
  /** Tokens this Graph accepts: handed out by its Entra or by a managed identity's endpoint. */
  readonly tokens: string[] = [];
  readonly tokensGiven: TokenGiven[] = [];
  /** The certificate (PEM) Entra holds for an app (client id), as uploaded to its registration. */
  readonly certificates = new Map<string, string>();
  private faults: { remaining: number; status: number; retryAfterSeconds?: number }[] = [];
  /** Group chats made (POST /v1.0/chats), with their members' ids and the apps installed. */
  readonly chats: FakeChat[] = [];
  /** Activity feed notifications taken, in order. */
  readonly feed: FeedNotification[] = [];
  /** People the app is not installed for: Graph answers 404 to a notification for them. */
  readonly notInstalled = new Set<string>();
  /** The app was not granted TeamsActivity.Send: Graph answers every notification 403. */
  feedNotGranted = false;
  private feedFaults: { remaining: number; status: number; retryAfterSeconds?: number }[] = [];
  private readonly activityTypes = declaredActivities();

  private constructor(
    private readonly servers: Server[],
    graphPort: number,
    entraPort: number,
  ) {
    this.url = `http://127.0.0.1:${graphPort}`;
    this.authorityUrl = `https://127.0.0.1:${entraPort}`;
  }

  static async start(): Promise<FakeGraph> {
    let fake: FakeGraph | undefined;
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      fake?.handle(req, res).catch((error) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    };
    const graph = createServer(handle);
    const tls = {
      cert: readFileSync(path.join(fixtures, 'loopback.crt')),
      key: readFileSync(path.join(fixtures, 'loopback.key')),
    };
    const entra = createTlsServer(tls, handle);
    const ports = await Promise.all(
      [graph, entra].map(
        (server) =>
          new Promise<number>((resolve) =>
            server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
          ),
      ),
    );
    fake = new FakeGraph([graph, entra], ports[0] as number, ports[1] as number);
    trustSelfSignedTls(+1);
    return fake;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
    trustSelfSignedTls(-1);
  }

  /**
   * Group chats as Graph makes them with application permissions: POST /chats (a group with
   * members bound by user id), POST /chats/{id}/installedApps, POST /chats/{id}/members.
   */
  private chatRequest(path: string, body: any): [number, object] {
    const userOf = (member: any) => /users\('([^']+)'\)$/.exec(String(member?.['user@odata.bind'] ?? ''))?.[1];
    if (path === '/v1.0/chats') {
      const members = (body.members ?? []).map(userOf);
      if (body.chatType !== 'group' || members.length < 2 || members.some((m: unknown) => !m)) {
        return [
          400,
          { error: { code: 'BadRequest', message: 'A group chat needs 2 or more members bound by user id' } },
        ];
      }
      const chat: FakeChat = { id: `19:swarm${this.chats.length + 1}@thread.v2`, topic: body.topic, members, apps: [] };
      this.chats.push(chat);
      return [201, { id: chat.id, topic: chat.topic, chatType: 'group' }];
    }
    const [, id = '', what] = /^\/v1\.0\/chats\/([^/]+)\/(installedApps|members)$/.exec(path) ?? [];
    const chat = this.chats.find((c) => c.id === decodeURIComponent(id));
    if (!chat) return [404, { error: { code: 'NotFound' } }];
    if (what === 'installedApps') {
      const app = /teamsApps\/([^/]+)$/.exec(String(body['teamsApp@odata.bind'] ?? ''))?.[1];
      if (!app) return [400, { error: { code: 'BadRequest' } }];
      chat.apps.push(app);
      return [201, {}];
    }
    const user = userOf(body);
    if (!user) return [400, { error: { code: 'BadRequest' } }];
    chat.members.push(user);
    return [201, { id: `member-${user}` }];
  }

  /** The environment of an app that calls this Graph as an app with a secret (GRAPH_CLIENT_ID...). */
  appEnv(): Record<string, string> {
    return {
      GRAPH_CLIENT_ID: 'app-id',
      GRAPH_CLIENT_SECRET: 'app-secret',
      GRAPH_TENANT_ID: 'contoso-tenant',
      GRAPH_URL: this.url,
      ENTRA_AUTHORITY_HOST: this.authorityUrl,
    };
  }

  /** A token this Graph will accept, as Entra or a managed identity's endpoint hands it out. */
  issueToken(): string {
    const value = `token-${this.tokens.length + 1}`;
    this.tokens.push(value);
    return value;
  }

  /** The next `count` sendMail requests answer `status` (429 with Retry-After, 503...). */
  failNext(count: number, status: number, retryAfterSeconds?: number): void {
    this.faults.push({ remaining: count, status, retryAfterSeconds });
  }

  /** The next `count` activity feed notifications answer `status` (429 with Retry-After...). */
  failNextNotifications(count: number, status: number, retryAfterSeconds?: number): void {
    this.feedFaults.push({ remaining: count, status, retryAfterSeconds });
  }

  clearFaults(): void {
    this.faults = [];
    this.feedFaults = [];
  }

  /**
   * sendActivityNotification as Teams checks it: an activity type the manifest declares with each
   * of its template's parameters, a text topic opening a Teams deep link, and the app installed for
   * the person (else 404).
   */
  private notification(userId: string, body: any): [number, object] {
    const fault = this.feedFaults.find((f) => f.remaining > 0);
    if (fault) {
      fault.remaining -= 1;
      return [fault.status, { error: { code: faultCodes.get(fault.status) ?? 'ServiceUnavailable' } }];
    }
    if (this.feedNotGranted) {
      const message =
        "Missing role permissions on the request. API requires one of 'TeamsActivity.Send, TeamsActivity.Send.User'. Roles on the request 'Mail.Send'.";
      return [403, { error: { code: 'Forbidden', message } }];
    }
    const bad = (message: string): [number, object] => [400, { error: { code: 'BadRequest', message } }];
    const parameters = this.activityTypes.get(body?.activityType);
    if (!parameters) return bad(`activityType "${body?.activityType}" is not declared in the app's manifest`);
    const given = Object.fromEntries(
      (Array.isArray(body.templateParameters) ? body.templateParameters : []).map((p: any) => [p?.name, p?.value]),
    ) as Record<string, string>;
    const missing = parameters.filter((name) => typeof given[name] !== 'string');
    if (missing.length > 0) return bad(`templateParameters lack ${missing.join(', ')}`);
    const topic = body.topic ?? {};
    if (
      topic.source !== 'text' ||
      typeof topic.value !== 'string' ||
      !/^https:\/\/teams\.microsoft\.com\/l\//.test(topic.webUrl ?? '')
    ) {
      return bad('a text topic needs a value and a webUrl that is a Teams deep link');
    }
    if (typeof body.previewText?.content !== 'string') return bad('previewText.content is required');
    if (this.notInstalled.has(userId)) {
      return [404, { error: { code: 'NotFound', message: 'The app is not installed for the recipient' } }];
    }
    this.feed.push({
      userId,
      activityType: body.activityType,
      topic,
      previewText: body.previewText.content,
      templateParameters: given,
      teamsAppId: body.teamsAppId,
      time: new Date(),
    });
    return [204, {}];
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

  /** What Entra publishes for a tenant, and Microsoft's credential library reads before its first token. */
  private openIdConfiguration(tenant: string) {
    const base = `${this.authorityUrl}/${tenant}`;
    return {
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    };
  }

  /** The client-credentials grant: a token for this Graph, to an app with a secret or a signed assertion. */
  private async tokenFor(tenant: string, form: URLSearchParams): Promise<[number, object]> {
    if (form.get('grant_type') !== 'client_credentials')
      return [400, entraError('unsupported_grant_type', 70003, 'The app requested an unsupported grant type.')];
    if (form.get('scope') !== `${this.url}/.default`)
      return [
        400,
        entraError('invalid_scope', 1002012, `The provided value for scope ${form.get('scope')} is not valid.`),
      ];
    const clientId = form.get('client_id') ?? '';
    let proof: TokenGiven['proof'];
    if (form.get('client_secret')) proof = 'secret';
    else if (
      form.get('client_assertion_type') === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' &&
      (await this.assertionHolds(clientId, form.get('client_assertion') ?? '', `${this.authorityUrl}/${tenant}`))
    )
      proof = 'certificate';
    else return [401, entraError('invalid_client', 700027, 'Client assertion failed signature validation.')];
    const token = this.issueToken();
    this.tokensGiven.push({ tenant, clientId, proof, token });
    return [200, { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: token }];
  }

  /** A client assertion: a JWT from the app, about itself, for this token endpoint, signed with its certificate's key. */
  private async assertionHolds(clientId: string, assertion: string, authority: string): Promise<boolean> {
    const certificate = this.certificates.get(clientId);
    if (!certificate) return false;
    try {
      const { alg } = decodeProtectedHeader(assertion);
      const key = await importX509(certificate, alg ?? 'RS256');
      await jwtVerify(assertion, key, {
        issuer: clientId,
        subject: clientId,
        audience: [`${authority}/oauth2/v2.0/token`, authority, `${authority}/v2.0`],
        // Entra allows clocks 5 minutes apart (the library rounds "not before" to the nearest second).
        clockTolerance: 300,
      });
      return true;
    } catch {
      return false;
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

    const entra = (req.socket as { encrypted?: boolean }).encrypted === true;
    const configuration = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (entra && configuration && req.method === 'GET')
      return answer(200, this.openIdConfiguration(configuration[1] ?? ''));
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (entra && token && req.method === 'POST') {
      const [status, json] = await this.tokenFor(token[1] ?? '', new URLSearchParams(body));
      return answer(status, json);
    }
    if (entra) return answer(404, { error: 'not_found' });

    if (path.startsWith('/v1.0/chats') && req.method === 'POST') {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !this.tokens.includes(bearer))
        return answer(401, { error: { code: 'InvalidAuthenticationToken' } });
      const [status, json] = this.chatRequest(path, JSON.parse(body || '{}'));
      return answer(status, json);
    }
    const activity = /^\/v1\.0\/users\/([^/]+)\/teamwork\/sendActivityNotification$/.exec(path);
    if (activity && req.method === 'POST') {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !this.tokens.includes(bearer))
        return answer(401, { error: { code: 'InvalidAuthenticationToken' } });
      const fault = this.feedFaults.find((f) => f.remaining > 0);
      const [status, json] = this.notification(decodeURIComponent(activity[1] ?? ''), JSON.parse(body || '{}'));
      const wait = fault?.retryAfterSeconds;
      return answer(
        status,
        status === 204 ? undefined : json,
        wait !== undefined ? { 'retry-after': String(wait) } : {},
      );
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
          { error: { code: faultCodes.get(fault.status) ?? 'ServiceUnavailable' } },
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
        token: bearer,
      });
      return answer(202);
    }
    return answer(404, { error: { code: 'NotFound' } });
  }
}

/** Graph's error code for a fault's status. */
const faultCodes = new Map([
  [429, 'ApplicationThrottled'],
  [403, 'ErrorAccessDenied'],
]);

/** An error as Entra's token endpoint writes one. */
function entraError(error: string, code: number, what: string) {
  const now = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    error,
    error_description: `AADSTS${code}: ${what} Trace ID: 00000000-0000-0000-0000-000000000000 Correlation ID: 00000000-0000-0000-0000-000000000000 Timestamp: ${now}`,
    error_codes: [code],
    timestamp: now,
    trace_id: '00000000-0000-0000-0000-000000000000',
    correlation_id: '00000000-0000-0000-0000-000000000000',
  };
}

/** The actionable card in an email's HTML, as Outlook finds it. */
export function cardIn(html: string): any {
  const script = /<script type="application\/adaptivecard\+json">([\s\S]*?)<\/script>/.exec(html)?.[1];
  return script === undefined ? undefined : JSON.parse(script);
}

/**
 * The fake Entra's certificate is self-signed, and Node 20 reads extra trusted certificates
 * (NODE_EXTRA_CA_CERTS) only as it starts: while a fake Entra runs, this test process accepts
 * any certificate. Nothing here talks to a real server.
 */
let fakesRunning = 0;
let trustedBefore: string | undefined;
function trustSelfSignedTls(change: 1 | -1): void {
  if (fakesRunning === 0) trustedBefore = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  fakesRunning += change;
  if (fakesRunning > 0) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  else if (trustedBefore === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  else process.env.NODE_TLS_REJECT_UNAUTHORIZED = trustedBefore;
}
