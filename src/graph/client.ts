// One small Microsoft Graph client for every Graph call (mail now; chats and the activity feed
// later): JSON in and out, the token from the configured identity (./credential.ts), one
// deadline, and errors the delivery worker reads (`statusCode`, `retryAfterMs`, see
// sendFailure in ../app/deliveryWorker.ts) to retry, wait or give up.
import type { TokenCredential } from '@azure/identity';
import type { GraphSettings } from '../config';
import { graphCredential, identityHint } from './credential';

/** A token and the call it is for get this long together: well under an outbox lease (30 s). */
const deadlineMs = 15_000;

export type GraphMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A refusal or no answer: a status when there was one, and how long Graph asked to wait. */
export class GraphError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export class GraphClient {
  /** Graph's resource, by its origin: https://graph.microsoft.com/.default, or a sovereign cloud's. */
  private readonly scope: string;

  constructor(
    private readonly graph: GraphSettings,
    private readonly credential: TokenCredential = graphCredential(graph),
    private readonly timeoutMs = deadlineMs,
  ) {
    this.scope = `${new URL(graph.url).origin}/.default`;
  }

  /** Sends one request under `/v1.0/...`; resolves to the answer's JSON (undefined when it has none). */
  async request<T = unknown>(method: GraphMethod, path: string, body?: unknown): Promise<T | undefined> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const token = await this.token(deadline);
    let response: Response;
    try {
      response = await fetch(`${this.graph.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: deadline,
      });
    } catch (error) {
      throw unanswered(`Microsoft Graph (${method} ${path})`, error, this.timeoutMs);
    }
    if (!response.ok) {
      const said = `Microsoft Graph answered ${response.status} to ${method} ${path}`;
      // 401 and 403: the token is not for this Graph, or the identity lacks the permission.
      const hint = response.status === 401 || response.status === 403 ? identityHint(this.graph) : undefined;
      throw await refusal(said, response, hint);
    }
    const text = await response.text();
    return text ? (JSON.parse(text) as T) : undefined;
  }

  private async token(deadline: AbortSignal): Promise<string> {
    try {
      // The library may not stop at the signal everywhere: the deadline is kept here too.
      const token = await Promise.race([
        this.credential.getToken(this.scope, { abortSignal: deadline }),
        new Promise<never>((_, reject) =>
          deadline.addEventListener('abort', () => reject(deadline.reason), { once: true }),
        ),
      ]);
      if (!token) throw new Error('no token came back');
      return token.token;
    } catch (error) {
      throw tokenFailure(error, identityHint(this.graph), this.timeoutMs);
    }
  }
}

/**
 * Entra's refusals come back from the library as OAuth error codes without their HTTP status;
 * Entra answers invalid_client with 401 and the others with 400. A refusal is not retried: the
 * secret, certificate or permission must change first.
 */
const oauthRefusal =
  /^(invalid_client|unauthorized_client|invalid_grant|invalid_request|invalid_scope|unsupported_grant_type)\b/;

function tokenFailure(error: unknown, hint: string, timeoutMs: number): GraphError {
  const message = error instanceof Error ? error.message : String(error);
  const given = (error as { statusCode?: unknown } | undefined)?.statusCode;
  const code = oauthRefusal.exec(message)?.[1];
  const status = typeof given === 'number' ? given : code === 'invalid_client' ? 401 : code ? 400 : undefined;
  if (status === undefined) return unanswered('Getting a Microsoft Graph token', error, timeoutMs, hint);
  // The library's text runs "code: Error(s): ... - Description: AADSTS...: what Trace ID: ... - Correlation ID: ...".
  const said =
    /Description: (.+?)(?: Trace ID:| - (?:Correlation ID|Trace ID|Timestamp):|$)/.exec(message)?.[1] ?? short(error);
  return new GraphError(
    `Microsoft Entra ID answered ${status}${code ? ` (${code})` : ''} when asked for a Microsoft Graph token: ${said.slice(0, 300)}; ${hint}`,
    status,
  );
}

/** No answer at all (timeout, network, an identity endpoint that is not there): worth a retry, so no status. */
function unanswered(what: string, error: unknown, timeoutMs: number, hint?: string): GraphError {
  const timedOut = (error as Error | undefined)?.name === 'TimeoutError';
  const why = timedOut ? `took longer than ${timeoutMs / 1000} s` : `failed: ${short(error)}`;
  return new GraphError(`${what} ${why}${hint ? `; ${hint}` : ''}`);
}

async function refusal(said: string, response: Response, hint?: string): Promise<GraphError> {
  const text = (await response.text().catch(() => '')).slice(0, 300);
  const retryAfter = response.headers.get('retry-after');
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  return new GraphError(
    `${said}: ${text}${hint ? `; ${hint}` : ''}`,
    response.status,
    seconds === undefined ? undefined : seconds * 1000,
  );
}

function short(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 300);
}
