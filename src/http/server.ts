// The restify server: Bot Framework activities, health, metrics and the JSON API.
import type { CloudAdapter } from 'botbuilder';
import restify, { type Request, type RequestHandler, type Response, type Server } from 'restify';
import type { AccessDeps } from '../app/access';
import type { PostingDeps } from '../app/escalate';
import type { Store } from '../app/ports';
import type { Config } from '../config';
import { escalationIdPattern } from '../domain/escalation';
import type { Logger } from '../logging';
import type { EscalationBot } from '../teams/bot';
import { registerBoardRoutes } from './boardRoutes';
import { requireCaller } from './callers';
import { type ApiError, errorCode, sendError } from './errors';
import { registerEscalationRoutes } from './escalationRoutes';
import { type HelpdeskRouteDeps, helpdeskRoute, registerHelpdeskRoutes } from './helpdeskRoutes';
import type { Phase } from './lifecycle';
import type { Metrics } from './metrics';
import { activityProblem, refuseEncodedBodies } from './requestGuards';
import { registerShortLinks } from './shortLinks';
import { registerTabRoutes } from './tabRoutes';
import { registerTierRoutes } from './tierRoutes';

export interface ServerDeps extends PostingDeps, AccessDeps, HelpdeskRouteDeps {
  /** Each use case takes the parts it uses; the routes also ping it and set email lists. */
  store: Store;
  config: Config;
  /** Signs and checks "Brief as text" links (app/briefLinks.ts). */
  linkSecret: string;
  adapter: CloudAdapter;
  bot: EscalationBot;
  metrics: Metrics;
  logger: Logger;
  /** Starting, ready or draining: what /healthz and /readyz say. */
  lifecycle?: { phase: Phase };
}

export type Handler = (req: Request, res: Response) => Promise<void>;

/** What restify's own refusals say, in the words of this API. */
const restifyMessages = new Map<number, string>([
  [404, 'No such route: see the HTTP routes in the README'],
  [405, 'This route does not accept that method'],
  [413, 'The body is too large: at most 512 KB'],
  [415, 'Send the body as JSON (content-type application/json)'],
]);

export function createServer(deps: ServerDeps): Server {
  const server = restify.createServer({ name: 'escalation-desk', handleUncaughtExceptions: false });
  server.pre(refuseEncodedBodies);
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // Runs after routing: it looks at the route matched, whatever spelling of the path reached
  // it; and before the body is read, so a caller without a key costs no parsing.
  server.use(requireCaller(deps.config));
  // A desk's webhook is read but not parsed: its signature is checked over the raw body first.
  const [readBody, parseBody] = restify.plugins.bodyParser({ mapParams: false, maxBodySize: 512 * 1024 }) as Handler[];
  server.use(readBody as never);
  server.use((req: Request, res: Response, next: (err?: unknown) => void) =>
    helpdeskRoute.test(String(req.getRoute()?.path ?? ''))
      ? next()
      : (parseBody as never as RequestHandler)(req, res, next),
  );

  server.on('restifyError', inOurWords);
  server.on('after', logRequest(deps));
  server.post('/api/messages', guarded(deps, botActivity(deps)));
  server.get('/healthz', guarded(deps, health(deps, 'ok')));
  server.get('/readyz', guarded(deps, health(deps, 'ready')));
  server.get('/metrics', guarded(deps, metrics(deps)));
  registerEscalationRoutes(server, deps);
  registerBoardRoutes(server, deps);
  registerTierRoutes(server, deps);
  registerTabRoutes(server, deps);
  registerHelpdeskRoutes(server, deps);
  registerShortLinks(server, deps);
  return server;
}

/** Restify's own errors (bad JSON, unknown route, wrong method) answer in our JSON shape. */
function inOurWords(_req: Request, _res: Response, err: ApiError, callback: () => void): void {
  const status = err.statusCode ?? 500;
  const message =
    status === 400 || err.name === 'InvalidContentError'
      ? `The body is not valid JSON: ${err.message.slice(0, 120)}`
      : (restifyMessages.get(status) ?? err.message.slice(0, 200));
  err.toJSON = () => ({ error: errorCode(status), message });
  callback();
}

/**
 * One line a request: its id, the route and path (never the query, which may carry a link's
 * signature), the answer and the time taken; for an activity, what it was.
 */
function logRequest(deps: ServerDeps) {
  return (req: Request, res: Response) => {
    const route = req.getRoute()?.path?.toString() ?? 'unmatched';
    deps.metrics.httpRequests.inc({ route, method: req.method ?? '', status: res.statusCode });
    const id = req.params?.id;
    deps.logger.info(
      {
        reqId: req.id(),
        method: req.method,
        route,
        path: req.path(),
        status: res.statusCode,
        ms: Date.now() - req.time(),
        ...(typeof id === 'string' && escalationIdPattern.test(id.toUpperCase())
          ? { escalationId: id.toUpperCase() }
          : {}),
        ...activitySeen.get(req),
      },
      'request',
    );
  };
}

/** A Bot Framework activity, checked before botbuilder reads it. */
function botActivity(deps: ServerDeps): Handler {
  return async (req, res) => {
    const problem = activityProblem(req.body);
    if (problem) return sendError(res, 400, problem);
    activitySeen.set(req, activityFields(req.body));
    await deps.adapter.process(req, res, (context) => deps.bot.run(context));
  };
}

/** /healthz and /readyz: the store answers, and the app is not draining. */
function health(deps: ServerDeps, good: 'ok' | 'ready'): Handler {
  return async (_req, res) => {
    if (deps.lifecycle?.phase === 'draining') return res.send(503, { status: 'draining' });
    const up = await deps.store.ping();
    const extra = good === 'ok' ? { store: up ? 'reachable' : 'unreachable' } : {};
    res.send(up ? 200 : 503, { status: up ? good : 'unavailable', ...extra });
  };
}

function metrics(deps: ServerDeps): Handler {
  return async (_req, res) => {
    const text = await deps.metrics.render();
    res.setHeader('content-type', deps.metrics.registry.contentType);
    res.sendRaw(200, text);
  };
}

/** What the request log says of an activity: its id and type, the invoke and verb, the escalation. */
const activitySeen = new WeakMap<Request, Record<string, string>>();

function activityFields(body: unknown): Record<string, string> {
  const activity = body as {
    id?: unknown;
    type?: unknown;
    name?: unknown;
    value?: { action?: { verb?: unknown; data?: { escalationId?: unknown } } };
  };
  const fields: Record<string, string> = {};
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 100) : undefined);
  const add = (name: string, value: string | undefined) => {
    if (value) fields[name] = value;
  };
  add('activityId', text(activity.id));
  add('activityType', text(activity.type));
  add('invoke', text(activity.name));
  add('verb', text(activity.value?.action?.verb));
  const escalation = text(activity.value?.action?.data?.escalationId)?.trim().toUpperCase();
  if (escalation && escalationIdPattern.test(escalation)) fields.escalationId = escalation;
  return fields;
}

/** A route handler whose failures answer 500 in JSON and are logged with their stack, never crash the server. */
export function guarded(deps: Pick<ServerDeps, 'log'> & Partial<Pick<ServerDeps, 'logger'>>, handler: Handler) {
  return async (req: Request, res: Response) => {
    try {
      await handler(req, res);
    } catch (error) {
      if (deps.logger)
        deps.logger.error({ reqId: req.id(), err: error, route: req.getRoute()?.path?.toString() }, 'request failed');
      else deps.log(`${req.method} ${req.path()} failed: ${(error as Error).stack ?? error}`);
      if (!res.headersSent) sendError(res, 500, 'Something went wrong on our side; please try again');
    }
  };
}
