// Virtual users clicking "set status" on posted cards over keep-alive HTTP: each user owns
// its own cards and sends its next click with the version the last answer showed, so every
// click is a real change and none is stale. Warm-up, then a measured window: requests/s,
// latency percentiles (hrtime), peak RSS and CPU time of the bot process.
import { Agent, request } from 'node:http';
import type { BotProcess } from '../tests/support/botProcess';
import { type CardLocation, cardAction, personas } from '../tests/support/teamsActivities';
import { percentile, sleep } from './harness';
import type { AnsweredClick } from './sends';

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
  resync: (target: ClickTarget) => Promise<void>;
  /** Told of every accepted click, warm-up included (for what the fake saw of it). */
  onAccepted?: (click: AnsweredClick) => void;
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

/** The next click on a card: to the other of Investigating and Fix in progress, from the version it shows. */
export function nextClick(card: ClickTarget, serviceUrl: string): { body: string; status: ClickStatus } {
  const status: ClickStatus = card.status === 'investigating' ? 'fix_in_progress' : 'investigating';
  const body = JSON.stringify(
    cardAction({
      serviceUrl,
      user: personas.engineer,
      card: card.card,
      verb: 'escalation.setStatus',
      data: { escalationId: card.key, version: card.version, status },
    }),
  );
  return { body, status };
}

/** What an answer shows: accepted (with the version), refused (the card unchanged), or not a card answer. */
export function readAnswer(answer: Answer, card: ClickTarget): 'accepted' | 'refused' | 'error' {
  const shown = Number(versionShown.exec(answer.text)?.[1] ?? Number.NaN);
  if (answer.status !== 200 || !answer.text.includes('"statusCode":200') || Number.isNaN(shown)) return 'error';
  return shown === card.version + 1 ? 'accepted' : 'refused';
}

/** What the virtual users have seen so far; `measuring` while the measured window runs. */
interface Tally {
  latencies: number[];
  refused: number;
  errors: number;
  acceptedInAll: number;
  firstError?: string;
  measuring: boolean;
  stopping: boolean;
}

export async function runWindow(options: WindowOptions): Promise<WindowStats> {
  const { bot, targets, concurrency } = options;
  if (targets.length < concurrency || targets.length % concurrency !== 0) {
    throw new Error(`${targets.length} cards cannot be shared evenly by ${concurrency} virtual users`);
  }
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const tally: Tally = { latencies: [], refused: 0, errors: 0, acceptedInAll: 0, measuring: false, stopping: false };
  const users = Array.from({ length: concurrency }, (_, index) =>
    virtualUser(
      options,
      agent,
      targets.filter((_, i) => i % concurrency === index),
      tally,
    ),
  );
  await sleep(options.warmupMs);
  const measured = await measure(bot, options.measureMs, tally);
  tally.stopping = true;
  await Promise.all(users);
  agent.destroy();
  return windowStats(concurrency, tally, measured);
}

/** One person clicking their cards in turn, each click with the version the last answer showed. */
async function virtualUser(options: WindowOptions, agent: Agent, mine: ClickTarget[], tally: Tally): Promise<void> {
  const target = new URL(`${options.bot.url}/api/messages`);
  for (let turn = 0; !tally.stopping; turn++) {
    const card = mine[turn % mine.length] as ClickTarget;
    const { body, status } = nextClick(card, options.serviceUrl);
    const started = process.hrtime.bigint();
    const counted = tally.measuring;
    let answer: Answer;
    try {
      answer = await post(agent, target, body);
    } catch (error) {
      if (counted && tally.measuring) tally.errors++;
      tally.firstError ??= (error as Error).message;
      await sleep(50);
      continue;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const inWindow = counted && tally.measuring;
    const outcome = readAnswer(answer, card);
    if (outcome !== 'accepted') {
      if (inWindow && outcome === 'error') tally.errors++;
      if (inWindow && outcome === 'refused') tally.refused++;
      tally.firstError ??= `${outcome}: card ${card.key} v${card.version}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`;
      await options.resync(card);
      continue;
    }
    card.version += 1;
    card.status = status;
    tally.acceptedInAll++;
    options.onAccepted?.({
      activityId: card.card.activityId,
      version: card.version,
      answeredAt: answer.at,
      measured: inWindow,
    });
    if (inWindow) tally.latencies.push(ms);
  }
}

interface Measured {
  from: number;
  to: number;
  seconds: number;
  cpuMs: number;
  benchCpuUs: number;
  peakRss: number;
}

/** The measured window: its span, the bot's CPU time and peak RSS (polled every 50 ms), this process's CPU. */
async function measure(bot: BotProcess, measureMs: number, tally: Tally): Promise<Measured> {
  const cpuBefore = bot.cpuMs();
  const benchCpuBefore = process.cpuUsage();
  let peakRss = bot.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, bot.rss());
  }, 50);
  tally.measuring = true;
  const from = Date.now();
  const began = process.hrtime.bigint();
  await sleep(measureMs);
  tally.measuring = false;
  const to = Date.now();
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const cpuMs = bot.cpuMs() - cpuBefore;
  const benchCpu = process.cpuUsage(benchCpuBefore);
  clearInterval(sampler);
  return {
    from,
    to,
    seconds,
    cpuMs,
    benchCpuUs: benchCpu.user + benchCpu.system,
    peakRss: Math.max(peakRss, bot.rss()),
  };
}

function windowStats(concurrency: number, tally: Tally, measured: Measured): WindowStats {
  const latencies = [...tally.latencies].sort((a, b) => a - b);
  const { refused, errors, firstError } = tally;
  return {
    concurrency,
    from: measured.from,
    to: measured.to,
    requests: latencies.length,
    acceptedInAll: tally.acceptedInAll,
    seconds: measured.seconds,
    rps: latencies.length / measured.seconds,
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    refused,
    errors,
    ...(firstError && (refused > 0 || errors > 0) ? { firstError } : {}),
    peakRssMb: measured.peakRss / 2 ** 20,
    cpuMsPerRequest: latencies.length > 0 ? measured.cpuMs / latencies.length : Number.NaN,
    benchCpuPct: measured.benchCpuUs / 1e4 / measured.seconds,
  };
}

/** An answer to a click: its status, its body, and when it began to arrive (Date.now()). */
export interface Answer {
  status: number;
  text: string;
  at: number;
}

export function post(agent: Agent, url: URL, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const at = Date.now();
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), at }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}
