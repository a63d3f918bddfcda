// What a request must be before any of it is read or handed on: never compressed (a body
// that is not gzip, or inflates a thousandfold, must not reach a decoder), and, for the bot's
// route, an activity at all. Each refusal is a 4xx that says what to fix.
import type { Request, Response } from 'restify';
import { sendError } from './errors';

/**
 * Bodies are taken as sent, uncompressed: Teams and the Bot Framework send them so, and the
 * body limit then counts what is read. Runs before routing (server.pre).
 */
export function refuseEncodedBodies(req: Request, res: Response, next: (err?: unknown) => void): void {
  const encoding = (req.headers['content-encoding'] ?? '').toString().trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') {
    next();
    return;
  }
  sendError(res, 400, 'Send the body uncompressed: Content-Encoding is not accepted');
  next(false);
}

/** Why a body is not a Bot Framework activity the adapter can take, or undefined when it is one. */
export function activityProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'Send a Bot Framework activity: a JSON object';
  }
  const activity = body as Record<string, unknown>;
  if (typeof activity.type !== 'string' || activity.type.trim() === '') return 'The activity needs a type (text)';
  const conversation = activity.conversation as Record<string, unknown> | undefined;
  if (typeof conversation !== 'object' || conversation === null || typeof conversation.id !== 'string') {
    return 'The activity needs a conversation with an id';
  }
  if (typeof activity.channelId !== 'string') return 'The activity needs a channelId';
  const from = activity.from as Record<string, unknown> | undefined;
  if (from !== undefined && (typeof from !== 'object' || from === null)) return 'The activity’s from must be an object';
  if (typeof activity.serviceUrl !== 'string' || !isHttpUrl(activity.serviceUrl)) {
    return 'The activity needs a serviceUrl: an http(s) URL';
  }
  return undefined;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
