// The server as the proxy in front of it sees it (Azure App Service's front end, a load balancer):
// one connection kept open and reused for many requests. The server must not close an idle
// connection before the proxy does (the proxy's next request on it would get a 502), and when it
// stops it must close the connections it keeps rather than wait for them to time out.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { RunningApp } from '../../src/main';
import { startTestApp } from '../support/app';

/** One HTTP/1.1 answer read off a raw socket. */
interface Answer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** A proxy's connection: requests written one after another on one socket. */
class ProxyConnection {
  private received = Buffer.alloc(0);
  private waiting?: () => void;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => {});
  }

  static open(url: string): Promise<ProxyConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new ProxyConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(text: string): void {
    this.socket.write(text);
  }

  get(path: string): Promise<Answer> {
    this.write(`GET ${path} HTTP/1.1\r\nhost: escalations.contoso.example\r\nconnection: keep-alive\r\n\r\n`);
    return this.answer();
  }

  /** The next answer, or an error saying the server closed the connection first. */
  async answer(): Promise<Answer> {
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.closed) throw new Error('the server closed the connection instead of answering');
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private parse(): Answer | undefined {
    const end = this.received.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...lines] = this.received.subarray(0, end).toString('latin1').split('\r\n');
    const headers = new Map(
      lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    const length = Number(headers.get('content-length') ?? 0);
    if (this.received.length < end + 4 + length) return undefined;
    const body = this.received.subarray(end + 4, end + 4 + length).toString('utf8');
    this.received = this.received.subarray(end + 4 + length);
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }
}

describe('Keep-alive connections behind a proxy', function () {
  this.timeout(30_000);
  let app: RunningApp;
  let stopped: Promise<void> | undefined;
  let connection: ProxyConnection | undefined;

  beforeEach(async () => {
    app = await startTestApp();
    stopped = undefined;
  });
  afterEach(async () => {
    connection?.destroy();
    await (stopped ?? app.close());
  });

  it('answers a second request on a connection left idle for 6 s (longer than Node’s default 5 s)', async () => {
    connection = await ProxyConnection.open(app.url);
    const first = await connection.get('/healthz');
    assert.equal(first.status, 200);
    assert.notEqual(first.headers.get('connection'), 'close');
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    assert.equal(connection.closed, false, 'the server closed the idle connection');
    const second = await connection.get('/healthz');
    assert.equal(second.status, 200);
    assert.equal(JSON.parse(second.body).status, 'ok');
  });

  it('while draining, tells the proxy to close the connection after each answer', async () => {
    connection = await ProxyConnection.open(app.url);
    assert.notEqual((await connection.get('/healthz')).headers.get('connection'), 'close');
    app.drain();
    const answer = await connection.get('/healthz');
    assert.equal(answer.status, 503);
    assert.equal(answer.headers.get('connection'), 'close');
  });

  it('when stopping, answers the request under way and closes its connection at once', async () => {
    connection = await ProxyConnection.open(app.url);
    // Half a request: its body is still coming when the server is told to stop.
    const body = JSON.stringify({ signals: ['bug_confirmed', 'multiple_customers'] });
    connection.write(
      `POST /api/triage HTTP/1.1\r\nhost: escalations.contoso.example\r\ncontent-type: application/json\r\n` +
        `content-length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    stopped = app.close();
    connection.write(body.slice(10));
    const answer = await connection.answer();
    assert.equal(answer.status, 200, answer.body);
    assert.equal(answer.headers.get('connection'), 'close');
    await stopped;
    assert.ok(Date.now() - started < 5_000, `stopped in ${Date.now() - started} ms`);
  });
});
