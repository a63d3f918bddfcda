// The process as probes and load balancers see it: starting (listening while the database's
// migrations run: /readyz fails, /healthz says so), ready, and draining (after SIGTERM: /healthz and
// /readyz say draining while what is under way finishes). It owns the listening HTTP server and
// hands requests to restify once the app is ready.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type Phase = 'starting' | 'ready' | 'draining';

export class Lifecycle {
  phase: Phase = 'starting';
  readonly http: Server;
  private app?: Server;

  /** Answers being written: told to close their connection when the server stops. */
  private readonly underWay = new Set<ServerResponse>();

  constructor() {
    this.http = createServer({ keepAliveTimeout, headersTimeout }, (req, res) => {
      this.underWay.add(res);
      res.once('close', () => this.underWay.delete(res));
      // Draining: the proxy should open its next connection to another instance.
      if (this.phase === 'draining') closeConnectionAfter(res);
      if (this.app) this.app.emit('request', req, res);
      else answerWhileStarting(req, res);
    });
  }

  /** From now on requests go to the app (restify's own server, which does not listen itself). */
  serve(app: Server): void {
    this.app = app;
    this.phase = 'ready';
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops taking connections and resolves once the requests under way are answered. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.http.listening) return resolve();
      // close() ends idle connections only; without this, one answering now would be kept
      // open for keepAliveTimeout after its answer.
      for (const res of this.underWay) closeConnectionAfter(res);
      this.http.close(() => resolve());
      this.http.closeIdleConnections();
    });
  }
}

/**
 * Longer than the idle timeout of the proxies in front (Azure App Service's front end, load
 * balancers, often 60 s): a server that closes an idle connection first races the proxy's next
 * request on it, which the proxy answers with a 502. Node's default is 5 s.
 */
const keepAliveTimeout = 75_000;
/** Above keepAliveTimeout, so a request arriving at the end of an idle connection can still send its headers. */
const headersTimeout = 76_000;

function closeConnectionAfter(res: ServerResponse): void {
  if (!res.headersSent) {
    res.setHeader('connection', 'close');
    return;
  }
  const socket = res.socket;
  res.once('finish', () => socket?.end());
}

function answerWhileStarting(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '').split('?')[0];
  const [status, body] =
    path === '/healthz'
      ? [200, { status: 'starting' }]
      : path === '/readyz'
        ? [503, { status: 'migrating' }]
        : [
            503,
            { error: 'unavailable', message: 'Escalation Desk is starting (updating its database): try again shortly' },
          ];
  req.resume();
  res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '5' });
  res.end(JSON.stringify(body));
}
