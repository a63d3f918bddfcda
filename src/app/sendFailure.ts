// What a failed send says: the status Teams, Graph or Exchange answered (none for a network error),
// how long it asked us to wait, and whether trying again can help. The delivery worker reads
// every sender's errors through here.

export interface SendFailure {
  /** The HTTP status Teams answered with; none for a network error. */
  statusCode?: number;
  /** How long Teams asked us to wait (a 429's Retry-After). */
  retryAfterMs?: number;
  /** What went wrong, for the log and the outbox row. */
  message: string;
}

/** Reads a sender's error: our own `{statusCode, retryAfterMs}`, or botbuilder's RestError with response headers. */
export function sendFailure(error: unknown, nowMs: number): SendFailure {
  const e = fieldsOf(error);
  const response = fieldsOf(e.response);
  const status = [e.statusCode, e.status, response.status].find(
    (s): s is number => typeof s === 'number' && Number.isInteger(s) && s > 0,
  );
  const asked = e.retryAfterMs;
  const retryAfterMs =
    typeof asked === 'number' && Number.isFinite(asked) && asked >= 0
      ? asked
      : parseRetryAfter(header(response.headers ?? e.headers, 'retry-after'), nowMs);
  const text = messageOf(error);
  // A mailer's errors say who answered; a Teams client's do not.
  const said = status !== undefined && !/answered \d{3}/.test(text) ? `Teams answered ${status}: ${text}` : text;
  const message = said.slice(0, 1000);
  return {
    ...(status !== undefined && { statusCode: status }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    message,
  };
}

/** The 4xx a retry may cure: timeout, precondition (Teams asks to retry 412), throttling. Every 5xx and network error too. */
const retriedClientErrors = new Set([408, 412, 429]);

export function retryable(statusCode: number | undefined): boolean {
  if (statusCode === undefined || retriedClientErrors.has(statusCode)) return true;
  return !(statusCode >= 400 && statusCode < 500);
}

/**
 * What to do after a send failed on its `attempts`-th try: give up when a retry cannot help or
 * the tries are spent; else wait Retry-After (a 429) or back off.
 */
export function nextTry(
  failure: SendFailure,
  attempts: number,
  { maxAttempts, backoff }: { maxAttempts: number; backoff: { baseMs: number; capMs: number; random: () => number } },
): { giveUp: string } | { afterMs: number } {
  if (!retryable(failure.statusCode)) return { giveUp: ' (a retry cannot help)' };
  if (attempts >= maxAttempts) return { giveUp: '' };
  if (failure.statusCode === 429 && failure.retryAfterMs !== undefined) return { afterMs: failure.retryAfterMs };
  return { afterMs: backoffMs(attempts, backoff.baseMs, backoff.capMs, backoff.random) };
}

/** Exponential backoff with full jitter: anywhere from 0 to min(cap, base * 2^(attempts - 1)). */
export function backoffMs(attempts: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function fieldsOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const withGet = headers as { get?: (name: string) => unknown };
  if (typeof withGet.get === 'function') {
    const value = withGet.get(name);
    if (value !== undefined && value !== null) return String(value);
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return String(Array.isArray(value) ? value[0] : value);
  }
  return undefined;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
