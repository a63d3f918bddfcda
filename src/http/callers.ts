// Who is calling /api/*: an integration with the API key (sees everything), or a person (their
// Entra token from the tab; in local mode also named by X-Dev-User), who gets only what the
// access policy lets them see. Decided on the route the router matched, never on the raw path (the
// router decodes "/%61pi/..." to "/api/...").
import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'restify';
import type { Config } from '../config';
import { hasControlCharacters } from '../domain/clientText';
import type { Person } from '../domain/escalation';
import { checkEntraToken } from './entraTokens';
import { sendError } from './errors';

export type Caller = { kind: 'integration' } | { kind: 'person'; person: Person };

/**
 * Someone no guard vouched for: a person we know nothing of, who sees what the whole tenant may
 * (domain/access.ts `anyone`) and acts on nothing.
 */
export const nobody: Caller = { kind: 'person', person: { name: 'Nobody' } };

const callers = new WeakMap<Request, Caller>();

/** Who made this request, as requireCaller found (every /api route but the bot's); nobody for any other. */
export function callerOf(req: Request): Caller {
  return callers.get(req) ?? nobody;
}

const entraObjectId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The routes a signed link opens without a key (the handler checks the link). */
const linkRoutes = new Set(['/api/escalations/:id/brief.txt']);

export function requireCaller(config: Config) {
  return (req: Request, res: Response, next: (err?: unknown) => void) => {
    const route = String(req.getRoute()?.path ?? '');
    // /api/messages checks Bot Framework tokens; a desk's webhook, the desk's signature.
    if (!route.startsWith('/api/') || route === '/api/messages' || route.startsWith('/api/helpdesk/')) return next();
    if (linkRoutes.has(route) && typeof (req.query as Record<string, unknown> | undefined)?.sig === 'string') {
      return next();
    }
    const bearer = /^Bearer (.+)$/i.exec(req.header('authorization') ?? '')?.[1];
    // A person's Entra token, from the tab (Teams single sign-on): what that person may see.
    if (
      bearer &&
      config.sso &&
      !(config.apiKey && sameSecret(bearer, config.apiKey)) &&
      bearer.split('.').length === 3
    ) {
      // Restify takes a middleware either async or with next, not both: the check's promise ends in next.
      checkEntraToken(bearer, { ...config.sso, allowedTenants: config.allowedTenants }).then(
        (check) => {
          if (!check.ok) {
            sendError(res, 401, `${check.reason}.`);
            return next(false);
          }
          callers.set(req, { kind: 'person', person: check.person });
          next();
        },
        (error: unknown) => next(error),
      );
      return;
    }
    if (config.localMode) {
      const named = req.header('x-dev-user');
      if (named === undefined || named === '') {
        callers.set(req, { kind: 'integration' });
        return next();
      }
      if (!entraObjectId.test(named)) {
        sendError(res, 400, 'X-Dev-User must be the Entra object id (a GUID) of the person to act for');
        return next(false);
      }
      // The board's "who are you" picker also says the name it shows (X-Dev-User-Name).
      const name = req.header('x-dev-user-name')?.trim().slice(0, 200);
      const id = named.toLowerCase();
      callers.set(req, { kind: 'person', person: { id, name: name && !hasControlCharacters(name) ? name : id } });
      return next();
    }
    if (!config.apiKey) {
      sendError(res, 401, 'This route needs a person’s token (the tab signs you in) or an API key (set API_KEY)');
      return next(false);
    }
    if (!bearer || !sameSecret(bearer, config.apiKey)) {
      sendError(res, 401, 'Send the API key as "Authorization: Bearer <API_KEY>", or sign in from the tab');
      return next(false);
    }
    callers.set(req, { kind: 'integration' });
    return next();
  };
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
