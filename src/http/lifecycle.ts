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

  constructor() {
    this.http = createServer((req, res) => {
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
      this.http.close(() => resolve());
      this.http.closeIdleConnections();
    });
  }
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
