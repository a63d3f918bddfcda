// The one way Escalation Desk talks to a help desk's REST API: Basic auth, JSON in and out, one
// deadline, and errors the delivery worker reads (`statusCode`, `retryAfterMs`, see
// ../app/sendFailure.ts) to retry, wait or give up. The desks' own files say which paths they call.
import { parseRetryAfter } from '../app/sendFailure';
import { DeskError } from './desk';

export type DeskMethod = 'GET' | 'POST' | 'PUT' | 'PATCH';

export interface DeskAccount {
  /** How people name the desk in a message: "Zendesk". */
  label: string;
  baseUrl: string;
  /** The Basic auth user as the desk wants it (Zendesk: `agent@acme.com/token`). */
  user: string;
  secret: string;
}

export class DeskHttp {
  private readonly authorization: string;

  constructor(
    private readonly account: DeskAccount,
    private readonly timeoutMs: number,
  ) {
    this.authorization = `Basic ${Buffer.from(`${account.user}:${account.secret}`).toString('base64')}`;
  }

  /** Sends one request to `path` (with its query) under the desk's base URL; resolves to the answer's JSON. */
  async send<T>(method: DeskMethod, path: string, body?: unknown): Promise<T | undefined> {
    const route = `${method} ${path.split('?')[0]}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.account.baseUrl}${path}`, {
        method,
        headers: {
          authorization: this.authorization,
          accept: 'application/json',
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw this.unanswered(route, error);
    }
    if (!response.ok) throw this.refusal(route, response, text);
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      // A sleeping ServiceNow instance or a single sign-on page answers 200 with HTML.
      throw new DeskError(
        `${this.account.label} answered ${route} with a page that is not JSON: is ${this.account.baseUrl} the desk's API address, and is it awake?`,
      );
    }
  }

  /** No answer at all (timeout, refused connection, DNS): worth a retry, so no status. */
  private unanswered(route: string, error: unknown): DeskError {
    const timedOut = (error as Error | undefined)?.name === 'TimeoutError';
    const why = timedOut ? `within ${this.timeoutMs / 1000} s` : `(${this.hide(causeOf(error))})`;
    return new DeskError(`${this.account.label} did not answer ${route} ${why}`);
  }

  private refusal(route: string, response: Response, text: string): DeskError {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after') ?? undefined, Date.now());
    // 401 and 403 are not cured by a retry: the account or its permissions must change first.
    const hint =
      response.status === 401 || response.status === 403
        ? `; check the ${this.account.label} account and its API token or password`
        : '';
    const said = this.hide(text.replace(/\s+/g, ' ').trim().slice(0, 300));
    return new DeskError(
      `${this.account.label} answered ${response.status} to ${route}${said ? `: ${said}` : ''}${hint}`,
      response.status,
      retryAfterMs,
    );
  }

  /** A desk or a proxy in front of it may echo what it was sent: never let the secret into a log. */
  private hide(text: string): string {
    const secrets = [this.account.secret, this.authorization.slice('Basic '.length)].filter((s) => s.length >= 4);
    return secrets.reduce((said, secret) => said.split(secret).join('***'), text);
  }
}

/** fetch says "fetch failed" and keeps what happened (ECONNREFUSED, ENOTFOUND) in its cause. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const said = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return String(said).slice(0, 200);
}

/** An id that cannot be the desk's (path characters, a query): refused before anything is sent, and not retried. */
export function notATicket(label: string, id: string, expected: string): DeskError {
  return new DeskError(
    `${JSON.stringify(id.slice(0, 60))} is not a ${label} ticket: expected ${expected}; nothing was sent`,
    400,
  );
}

/** The desk's 404 as "no such ticket"; every other failure goes on. */
export async function unlessUnknown<T>(asking: Promise<T>): Promise<T | undefined> {
  try {
    return await asking;
  } catch (error) {
    if (error instanceof DeskError && error.statusCode === 404) return undefined;
    throw error;
  }
}
