// Virtual users clicking "set status" on posted cards over keep-alive HTTP: each user owns
// its own cards and sends its next click with the version the last answer showed, so every
// click is a real change and none is stale. Warm-up, then a measured window: requests/s,
// latency percentiles (hrtime), peak RSS and CPU time of the bot process.
import { Agent, request } from 'node:http';
import type { BotProcess } from '../tests/support/botProcess';
import { type CardLocation, cardAction, personas } from '../tests/support/teamsActivities';

export type ClickStatus = 'new' | 'investigating' | 'fix_in_progress';

/** One posted card and what the bench believes it shows. */
export interface ClickTarget {
  /** escalationId in the action's data. */
  key: string;
  card: CardLocation;
  version: number;
  status: ClickStatus;
}

export interface WindowOptions {
  bot: BotProcess;
  /** The fake Bot Connector's URL, put in the activities' serviceUrl. */
  serviceUrl: string;
  targets: ClickTarget[];
  concurrency: number;
  warmupMs: number;
  measureMs: number;
  /** After a refused click: learn the card's real version and status. */
  resync: (target: ClickTarget, shownVersion: number | undefined) => Promise<void>;
}

export interface WindowStats {
  concurrency: number;
  /** Date.now() at the start and end of the measured window. */
  from: number;
  to: number;
  /** Accepted clicks answered inside the measured window. */
  requests: number;
  /** Accepted clicks from the start of the warm-up to the end (for PUTs per click). */
  acceptedInAll: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Clicks answered with the card unchanged (stale or not allowed): must be 0. */
  refused: number;
  /** Not HTTP 200 with a card (or no answer at all). */
  errors: number;
  firstError?: string;
  /** Highest VmRSS seen while measuring (polled every 50 ms). */
  peakRssMb: number;
  /** Bot process CPU time (user + system) per accepted click in the window. */
  cpuMsPerRequest: number;
  /**
   * CPU used by this process (load generator and fake connector) in the window, in % of one
   * core: near 100 means the bench, not the bot, was the limit.
   */
  benchCpuPct: number;
}

const versionShown = /Version (\d+) ·/;

export async function runWindow(options: WindowOptions): Promise<WindowStats> {
  const { bot, targets, concurrency } = options;
  if (targets.length < concurrency || targets.length % concurrency !== 0) {
    throw new Error(`${targets.length} cards cannot be shared evenly by ${concurrency} virtual users`);
  }
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(`${bot.url}/api/messages`);
  const latencies: number[] = [];
  let refused = 0;
  let errors = 0;
  let acceptedInAll = 0;
  let firstError: string | undefined;
  let measuring = false;
  let stopping = false;
  let peakRss = 0;

  const user = async (index: number) => {
    const mine = targets.filter((_, i) => i % concurrency === index);
    for (let turn = 0; !stopping; turn++) {
      const card = mine[turn % mine.length] as ClickTarget;
      const status: ClickStatus = card.status === 'investigating' ? 'fix_in_progress' : 'investigating';
      const body = JSON.stringify(
        cardAction({
          serviceUrl: options.serviceUrl,
          user: personas.engineer,
          card: card.card,
          verb: 'escalation.setStatus',
          data: { escalationId: card.key, version: card.version, status },
        }),
      );
      const started = process.hrtime.bigint();
      const counted = measuring;
      let answer: { status: number; text: string };
      try {
        answer = await post(agent, target, body);
      } catch (error) {
        if (counted && measuring) errors++;
        firstError ??= (error as Error).message;
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const inWindow = counted && measuring;
      const shown = Number(versionShown.exec(answer.text)?.[1] ?? Number.NaN);
      if (answer.status !== 200 || !answer.text.includes('"statusCode":200') || Number.isNaN(shown)) {
        if (inWindow) errors++;
        firstError ??= `HTTP ${answer.status}: ${answer.text.slice(0, 300)}`;
        await options.resync(card, undefined);
        continue;
      }
      if (shown !== card.version + 1) {
        if (inWindow) refused++;
        firstError ??= `refused: card ${card.key} v${card.version} answered v${shown}: ${answer.text.slice(0, 300)}`;
        await options.resync(card, shown);
        continue;
      }
      card.version = shown;
      card.status = status;
      acceptedInAll++;
      if (inWindow) latencies.push(ms);
    }
  };

  const users = Array.from({ length: concurrency }, (_, i) => user(i));
  await sleep(options.warmupMs);
  const cpuBefore = bot.cpuMs();
  const benchCpuBefore = process.cpuUsage();
  peakRss = bot.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, bot.rss());
  }, 50);
  measuring = true;
  const from = Date.now();
  const began = process.hrtime.bigint();
  await sleep(options.measureMs);
  measuring = false;
  const to = Date.now();
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const cpuMs = bot.cpuMs() - cpuBefore;
  const benchCpu = process.cpuUsage(benchCpuBefore);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, bot.rss());
  stopping = true;
  await Promise.all(users);
  agent.destroy();

  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    from,
    to,
    requests: latencies.length,
    acceptedInAll,
    seconds,
    rps: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    refused,
    errors,
    ...(firstError && (refused > 0 || errors > 0) ? { firstError } : {}),
    peakRssMb: peakRss / 2 ** 20,
    cpuMsPerRequest: latencies.length > 0 ? cpuMs / latencies.length : Number.NaN,
    benchCpuPct: (benchCpu.user + benchCpu.system) / 1e4 / seconds,
  };
}

/** Nearest rank. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function post(agent: Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
