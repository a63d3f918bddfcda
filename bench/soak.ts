// The soak: a freshly started process of ours takes 50 clicks a second (open loop: each sent on
// its schedule, whether or not earlier ones were answered) on the cards of one channel for 60 s,
// on SQLite and on PostgreSQL. Its RSS is read every second: growth is the median of the samples
// around the last second over the median of those around the 10th, minus 1 (target under 20 %);
// and the answers' p99 must stay under 500 ms. On PostgreSQL the soak makes a scratch database
// and drops it (PostgreSQL at 127.0.0.1:5432, or TEST_POSTGRES_URL).

import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BotProcess } from '../tests/support/botProcess';
import { FakeConnector } from '../tests/support/fakeConnector';
import { log, median, percentile, sleep, startOurs, withBot } from './harness';
import { type ClickTarget, nextClick, post, readAnswer } from './load';
import { scratchPostgres } from './scratchPostgres';
import { seedOursInOneChannel } from './seed';
import type { Settings, SoakSettings } from './settings';

export type Engine = 'sqlite' | 'postgres';

export const soakTarget = { growth: 0.2, p99Ms: 500 };

export interface SoakResult {
  engine: Engine;
  /** Why it did not run (PostgreSQL not reachable outside CI). */
  skipped?: string;
  settings: SoakSettings;
  sent: number;
  accepted: number;
  /** Answered with the card unchanged: the click before on that card was not answered yet. */
  refused: number;
  errors: number;
  firstError?: string;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  cpuMsPerClick: number;
  /** RSS at the end of each second, MB. */
  rssMb: number[];
  earlyRssMb: number;
  lateRssMb: number;
  growth: number;
  /** V8's heap in use at the end of each second (the bot's /metrics), MB: whether RSS grew with what it holds. */
  heapUsedMb: number[];
  /**
   * The heap in use at its lowest in the first and in the last third of the soak: right after a
   * full collection, what the bot holds on to. Its peaks are garbage V8 had not yet collected.
   */
  heapFloorMb: { first: number; last: number };
  met: boolean;
}

interface Database {
  url: string;
  drop(): Promise<void>;
}

export async function benchSoak(engine: Engine, settings: Settings): Promise<SoakResult> {
  let database: Database;
  try {
    database = await scratchDatabase(engine);
  } catch (error) {
    // PostgreSQL is there in CI; on a machine without it the PostgreSQL soak is left out.
    if (process.env.CI) throw error;
    return skipped(engine, settings.soak, `PostgreSQL not reachable: ${(error as Error).message}`);
  }
  const fake = await FakeConnector.start();
  try {
    const bot = await startOurs({ main: settings.oursMain, databaseUrl: database.url });
    return await withBot(bot, async () => {
      const targets = await seedOursInOneChannel(bot, fake, settings.soak.cards);
      log(
        `soak on ${engine}: ${targets.length} cards posted; ${settings.soak.clicksPerSecond} clicks a second for ${settings.soak.seconds} s`,
      );
      return soakResult(engine, settings.soak, await clickOnSchedule(bot, fake.url, targets, settings.soak));
    });
  } finally {
    await fake.close();
    await database.drop();
  }
}

interface Paced {
  sent: number;
  latencies: number[];
  accepted: number;
  refused: number;
  errors: number;
  firstError?: string;
  cpuMs: number;
  rssMb: number[];
  heapUsedMb: number[];
}

/** Clicks sent on their schedule, answers read as they come; RSS read at the end of every second. */
async function clickOnSchedule(
  bot: BotProcess,
  serviceUrl: string,
  targets: ClickTarget[],
  soak: SoakSettings,
): Promise<Paced> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const url = new URL(`${bot.url}/api/messages`);
  const paced: Paced = {
    sent: 0,
    latencies: [],
    accepted: 0,
    refused: 0,
    errors: 0,
    cpuMs: 0,
    rssMb: [],
    heapUsedMb: [],
  };
  const answers: Promise<void>[] = [];
  const cpuBefore = bot.cpuMs();
  const began = performance.now();
  const heapReads: Promise<void>[] = [];
  const sampler = setInterval(() => {
    const second = paced.rssMb.push(bot.rss() / 2 ** 20) - 1;
    heapReads.push(
      heapUsedMb(bot).then((mb) => {
        paced.heapUsedMb[second] = mb;
      }),
    );
  }, 1000);
  const total = soak.seconds * soak.clicksPerSecond;
  for (let n = 0; n < total; n++) {
    const wait = began + (n * 1000) / soak.clicksPerSecond - performance.now();
    if (wait > 0) await sleep(wait);
    answers.push(clickOnce(agent, url, targets[n % targets.length] as ClickTarget, serviceUrl, paced));
    paced.sent++;
  }
  // The last second's sample, then the answers still on their way.
  while (paced.rssMb.length < soak.seconds) await sleep(50);
  clearInterval(sampler);
  paced.cpuMs = bot.cpuMs() - cpuBefore;
  await Promise.all([...answers, ...heapReads]);
  agent.destroy();
  return paced;
}

async function clickOnce(agent: Agent, url: URL, card: ClickTarget, serviceUrl: string, paced: Paced): Promise<void> {
  const { body, status } = nextClick(card, serviceUrl);
  const started = performance.now();
  try {
    const answer = await post(agent, url, body);
    const outcome = readAnswer(answer, card);
    if (outcome === 'error') throw new Error(`HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
    paced.latencies.push(performance.now() - started);
    if (outcome === 'refused') {
      paced.refused++;
      return;
    }
    paced.accepted++;
    card.version += 1;
    card.status = status;
  } catch (error) {
    paced.errors++;
    paced.firstError ??= (error as Error).message;
  }
}

/** V8's heap in use, as the bot's /metrics says (prom-client's default metrics); NaN when it does not. */
async function heapUsedMb(bot: BotProcess): Promise<number> {
  try {
    const text = await (await fetch(`${bot.url}/metrics`)).text();
    return Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? Number.NaN) / 2 ** 20;
  } catch {
    return Number.NaN;
  }
}

function soakResult(engine: Engine, soak: SoakSettings, paced: Paced): SoakResult {
  const latencies = [...paced.latencies].sort((a, b) => a - b);
  const around = (samples: number[], second: number) =>
    median(samples.filter((_, i) => Math.abs(i + 1 - second) <= soak.aroundS && i + 1 <= soak.seconds));
  // The last second has no samples after it: the same number of samples, all before.
  const lastSeconds = soak.seconds - soak.aroundS;
  const earlyRssMb = around(paced.rssMb, soak.earlyAtS);
  const lateRssMb = around(paced.rssMb, lastSeconds);
  const growth = lateRssMb / earlyRssMb - 1;
  const p99Ms = percentile(latencies, 99);
  return {
    engine,
    settings: soak,
    sent: paced.sent,
    accepted: paced.accepted,
    refused: paced.refused,
    errors: paced.errors,
    ...(paced.firstError ? { firstError: paced.firstError } : {}),
    p50Ms: percentile(latencies, 50),
    p99Ms,
    maxMs: latencies.at(-1) ?? Number.NaN,
    cpuMsPerClick: paced.cpuMs / Math.max(1, paced.accepted + paced.refused),
    rssMb: paced.rssMb.map(tenths),
    earlyRssMb,
    lateRssMb,
    growth,
    heapUsedMb: Array.from({ length: paced.rssMb.length }, (_, i) => tenths(paced.heapUsedMb[i] ?? Number.NaN)),
    heapFloorMb: heapFloor(paced.heapUsedMb, soak.seconds),
    met: growth < soakTarget.growth && p99Ms < soakTarget.p99Ms && paced.errors === 0,
  };
}

const tenths = (mb: number) => Math.round(mb * 10) / 10;

function heapFloor(heapUsedMb: number[], seconds: number): { first: number; last: number } {
  const third = Math.max(1, Math.floor(seconds / 3));
  const lowest = (from: number, to: number) =>
    Math.min(...heapUsedMb.slice(from, to).filter((mb) => Number.isFinite(mb)));
  return { first: lowest(0, third), last: lowest(seconds - third, seconds) };
}

function skipped(engine: Engine, soak: SoakSettings, why: string): SoakResult {
  return {
    engine,
    skipped: why,
    settings: soak,
    sent: 0,
    accepted: 0,
    refused: 0,
    errors: 0,
    p50Ms: Number.NaN,
    p99Ms: Number.NaN,
    maxMs: Number.NaN,
    cpuMsPerClick: Number.NaN,
    rssMb: [],
    earlyRssMb: Number.NaN,
    lateRssMb: Number.NaN,
    growth: Number.NaN,
    heapUsedMb: [],
    heapFloorMb: { first: Number.NaN, last: Number.NaN },
    met: false,
  };
}

/** A fresh SQLite file, or a fresh PostgreSQL database on the test server; and how to remove it. */
async function scratchDatabase(engine: Engine): Promise<Database> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'escalation-desk-soak-'));
    return {
      url: `sqlite:${join(dir, 'escalations.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  return scratchPostgres('bench_soak');
}
