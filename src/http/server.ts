// The restify server: Bot Framework activities, health, metrics and the JSON API.
import type { CloudAdapter } from 'botbuilder';
import restify, { type Request, type Response, type Server } from 'restify';
import type { AccessDeps } from '../app/access';
import type { PostingDeps } from '../app/escalate';
import type { Config } from '../config';
import type { EscalationBot } from '../teams/bot';
import { registerBoardRoutes } from './boardRoutes';
import { requireCaller } from './callers';
import { type ApiError, errorCode, sendError } from './errors';
import { registerEscalationRoutes } from './escalationRoutes';
import type { Metrics } from './metrics';
import { activityProblem, refuseEncodedBodies } from './requestGuards';
import { registerTabRoutes } from './tabRoutes';
import { registerTierRoutes } from './tierRoutes';

export interface ServerDeps extends PostingDeps, AccessDeps {
  config: Config;
  /** Signs and checks "Brief as text" links (app/briefLinks.ts). */
  linkSecret: string;
  adapter: CloudAdapter;
  bot: EscalationBot;
  metrics: Metrics;
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
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 512 * 1024 }));

  server.on('restifyError', (_req: Request, _res: Response, err: ApiError, callback: () => void) => {
    // Restify's own errors (bad JSON, unknown route, wrong method) answer in our JSON shape.
    const status = err.statusCode ?? 500;
    const message =
      status === 400 || err.name === 'InvalidContentError'
        ? `The body is not valid JSON: ${err.message.slice(0, 120)}`
        : (restifyMessages.get(status) ?? err.message.slice(0, 200));
    err.toJSON = () => ({ error: errorCode(status), message });
    callback();
  });
  server.on('after', (req: Request, res: Response) => {
    deps.metrics.increment('escalation_desk_http_requests_total', {
      route: req.getRoute()?.path?.toString() ?? 'unmatched',
      method: req.method ?? '',
      status: res.statusCode,
    });
  });

  server.post(
    '/api/messages',
    guarded(deps, async (req, res) => {
      const problem = activityProblem(req.body);
      if (problem) return sendError(res, 400, problem);
      await deps.adapter.process(req, res, (context) => deps.bot.run(context));
    }),
  );

  server.get(
    '/healthz',
    guarded(deps, async (_req, res) => {
      const up = await deps.store.ping();
      res.send(up ? 200 : 503, { status: up ? 'ok' : 'unavailable', store: up ? 'reachable' : 'unreachable' });
    }),
  );

  server.get(
    '/metrics',
    guarded(deps, async (_req, res) => {
      // Card posts and updates not yet sent: a growing number means Teams is refusing them.
      // Given up on: a copy Teams no longer has, a conversation the bot was removed from.
      const [pending, failed] = await Promise.all([deps.store.pendingDeliveries(), deps.store.failedDeliveries()]);
      res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
      res.sendRaw(
        200,
        `${deps.metrics.render()}${gauge('escalation_desk_deliveries_pending', 'Card posts, updates and replies waiting to be sent', pending)}${gauge('escalation_desk_deliveries_failed', 'Card posts, updates and replies given up on', failed)}`,
      );
    }),
  );

  registerEscalationRoutes(server, deps);
  registerBoardRoutes(server, deps);
  registerTierRoutes(server, deps);
  registerTabRoutes(server, deps);
  return server;
}

function gauge(name: string, help: string, value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;
}

/** A route handler whose failures answer 500 in JSON and are logged, never crash the server. */
export function guarded(deps: Pick<ServerDeps, 'log'>, handler: Handler) {
  return async (req: Request, res: Response) => {
    try {
      await handler(req, res);
    } catch (error) {
      deps.log(`${req.method} ${req.url} failed: ${(error as Error).stack ?? error}`);
      if (!res.headersSent) sendError(res, 500, 'Something went wrong on our side; please try again');
    }
  };
}
