// A bot as its own child process (`node dist/src/main.js`, as `npm start` runs it): started
// on a free loopback port, ready once its /readyz answers, watched through /proc (RSS, peak
// RSS, CPU time), stopped or killed. Used by the tests that must survive what they send, and
// by `npm run bench`.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface BotProcess {
  label: string;
  pid: number;
  /** Date.now() when it was spawned. */
  spawnedAt: number;
  url: string;
  /** The last lines it printed, for a failure message. */
  output(): string;
  /** Resident memory now, in bytes. */
  rss(): number;
  /** Peak resident memory since it started (VmHWM), in bytes. */
  peakRss(): number;
  /** User + system CPU time used so far, in ms. */
  cpuMs(): number;
  /** Still running? */
  alive(): boolean;
  /** SIGKILL, as a crash would: nothing is cleaned up. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startBot(
  label: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 20_000,
  /** Ready when this answers 200: /readyz once migrations are done; /healthz as soon as it listens. */
  readyPath = '/readyz',
): Promise<BotProcess> {
  const port = await freePort();
  const spawnedAt = Date.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${label} did not start`);
  const url = `http://127.0.0.1:${port}`;
  const output = () => lines.join('\n');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`${label} exited (${exited}) before it was ready:\n${output()}`);
    try {
      const response = await fetch(`${url}${readyPath}`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${label} was not ready within ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const status = (field: string) => {
    try {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match ? Number(match[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  };
  return {
    label,
    pid,
    spawnedAt,
    url,
    output,
    rss: () => status('VmRSS'),
    peakRss: () => status('VmHWM'),
    cpuMs: () => {
      try {
        // Fields after the command name: utime and stime are the 12th and 13th (clock ticks, 100 a second).
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return (Number(fields[11]) + Number(fields[12])) * 10;
      } catch {
        return 0;
      }
    },
    alive: () => exited === undefined,
    async kill() {
      if (exited !== undefined) return;
      child.kill('SIGKILL');
      await exit;
    },
    async stop() {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
