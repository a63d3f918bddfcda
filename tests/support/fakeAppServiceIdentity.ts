// Azure App Service's local identity endpoint on loopback: what an app running with a managed
// identity asks for a token. App Service sets IDENTITY_ENDPOINT (this URL) and IDENTITY_HEADER
// (a secret the request must carry as X-IDENTITY-HEADER) in the app's environment; a token is
// GET ?api-version=2019-08-01&resource=...&client_id=<user-assigned identity>. The tokens it hands
// out are ones the fake Graph accepts.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeGraph } from './fakeGraph';

/** One token request, as the endpoint saw it. */
export interface IdentityRequest {
  header: string | undefined;
  apiVersion: string | null;
  resource: string | null;
  clientId: string | null;
  status: number;
  /** The token handed out, if any. */
  token?: string;
}

export class FakeAppServiceIdentity {
  /** IDENTITY_ENDPOINT. */
  readonly endpoint: string;
  /** IDENTITY_HEADER. */
  readonly header = randomBytes(16).toString('hex');
  readonly requests: IdentityRequest[] = [];

  private constructor(
    private readonly server: Server,
    port: number,
  ) {
    this.endpoint = `http://127.0.0.1:${port}/msi/token`;
  }

  /** `assigned`: the client ids of the user-assigned identities the app has. */
  static async start(graph: FakeGraph, assigned: string[]): Promise<FakeAppServiceIdentity> {
    let fake: FakeAppServiceIdentity | undefined;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const header = req.headers['x-identity-header'];
      const seen: IdentityRequest = {
        header: typeof header === 'string' ? header : undefined,
        apiVersion: url.searchParams.get('api-version'),
        resource: url.searchParams.get('resource'),
        clientId: url.searchParams.get('client_id'),
        status: 200,
      };
      const refuse = (status: number, message: string) => {
        seen.status = status;
        fake?.requests.push(seen);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: status, message }));
      };
      if (req.method !== 'GET' || url.pathname !== '/msi/token') return refuse(404, 'Not found');
      if (seen.header !== fake?.header) return refuse(401, 'X-IDENTITY-HEADER is missing or wrong');
      if (seen.apiVersion !== '2019-08-01') return refuse(400, 'Unsupported api-version');
      if (seen.resource !== graph.url) return refuse(400, `No token for the resource ${seen.resource}`);
      if (!seen.clientId || !assigned.includes(seen.clientId))
        return refuse(400, 'No user-assigned identity with this client_id is assigned to the app');
      seen.token = graph.issueToken();
      fake?.requests.push(seen);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: seen.token,
          expires_on: String(Math.floor(Date.now() / 1000) + 24 * 3600),
          resource: seen.resource,
          token_type: 'Bearer',
          client_id: seen.clientId,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    fake = new FakeAppServiceIdentity(server, (server.address() as AddressInfo).port);
    return fake;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
