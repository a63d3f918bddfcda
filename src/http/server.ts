// The restify server: Bot Framework activities, health, metrics and the JSON API.
import type { CloudAdapter } from 'botbuilder';
import restify, { type Request, type Response, type Server } from 'restify';
import type { AccessDeps } from '../app/access';
import type { PostingDeps } from '../app/escalate';
import type { Config } from '../config';
import type { EscalationBot } from '../teams/bot';
import { requireCaller } from './callers';
import { type ApiError, sendError } from './errors';
import { registerEscalationRoutes } from './escalationRoutes';
import type { Metrics } from './metrics';

export interface ServerDeps extends PostingDeps, AccessDeps {
  config: Config;
  /** Signs and checks "Brief as text" links (app/briefLinks.ts). */
  linkSecret: string;
  adapter: CloudAdapter;
  bot: EscalationBot;
  metrics: Metrics;
}

export type Handler = (req: Request, res: Response) => Promise<void>;

export function createServer(deps: ServerDeps): Server {
  const server = restify.createServer({ name: 'escalation-desk', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 512 * 1024 }));
  // Runs after routing: it looks at the route matched, whatever spelling of the path reached it.
  server.use(requireCaller(deps.config));

  server.on('restifyError', (_req: Request, _res: Response, err: ApiError, callback: () => void) => {
    // Restify's own errors (bad JSON, unknown route, wrong method) answer in our JSON shape.
    const status = err.statusCode ?? 500;
    const message =
      status === 400 || err.name === 'InvalidContentError'
        ? `The body is not valid JSON: ${err.message}`
        : status === 404
          ? 'No such route: see the HTTP routes in the README'
          : status === 405
            ? 'This route does not accept that method'
            : err.message;
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

  server.post('/api/messages', async (req: Request, res: Response) => {
    await deps.adapter.process(req, res, (context) => deps.bot.run(context));
  });

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
      const pending = await deps.store.pendingDeliveries();
      res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
      res.sendRaw(
        200,
        `${deps.metrics.render()}# HELP escalation_desk_deliveries_pending Card posts, updates and replies waiting to be sent\n# TYPE escalation_desk_deliveries_pending gauge\nescalation_desk_deliveries_pending ${pending}\n`,
      );
    }),
  );

  registerEscalationRoutes(server, deps);
  return server;
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

function errorCode(status: number): string {
  return status === 400
    ? 'invalid_request'
    : status === 404
      ? 'not_found'
      : status === 405
        ? 'method_not_allowed'
        : 'error';
}
