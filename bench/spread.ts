// The spread: cards over many channels, as in a tenant where teams work their own queues; our
// bot against the bare bot (bench/bareBot.ts) with its cards in the same channels. Each bot its
// own process; rounds alternate the sides (ours, bare, bare, ours...) and the report takes the
// median. Ours keeps its database between rounds (a fresh process each round on the same file).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BotProcess } from '../tests/support/botProcess';
import { FakeConnector } from '../tests/support/fakeConnector';
import type { ChannelRef } from '../tests/support/teamsActivities';
import { log, startBare, startOurs, withBot } from './harness';
import { type ClickTarget, runWindow, type WindowStats } from './load';
import { resyncOurs, seedBare, seedOurs, spreadChannels } from './seed';
import { type AnsweredClick, clickedCopies, forgetHistory, type PaceHeld, paceHeld, SendLog, worstPace } from './sends';
import type { Settings } from './settings';

export type Side = 'ours' | 'bare';

export type SpreadWindow = WindowStats & { side: Side; round: number; putsPerClick: number };

export interface SpreadRun {
  cards: number;
  conversations: number;
  windows: SpreadWindow[];
  peaks: { side: Side; round: number; startRssMb: number; peakRssMb: number }[];
  /**
   * Ours' sends as Teams counts them (the bare bot does not pace): the worst of any one process,
   * and over all rounds' processes together (each starts with an empty budget while Teams still
   * counts the sends of the one before).
   */
  oursPace: { withinOneProcess: PaceHeld; acrossProcesses: PaceHeld };
  oursRedrawsToReadersVersion: number;
  /** Our processes' measured windows, in ms since each was spawned: the part of a profile that counts. */
  measuredSpans: Map<number, [number, number][]>;
}

export interface SpreadPlace {
  fake: FakeConnector;
  channels: ChannelRef[];
  databaseUrl: string;
  targets: Record<Side, ClickTarget[]>;
  /** One a process of ours, the running one last. */
  oursLogs: SendLog[];
  oursClicks: AnsweredClick[];
}

/** Runs the rounds; `keep` is called with our database while it still exists (the profiled window). */
export async function benchSpread(
  settings: Settings,
  profileDir: string | undefined,
  keep?: (place: SpreadPlace) => Promise<void>,
): Promise<SpreadRun> {
  const fake = await FakeConnector.start();
  const dir = mkdtempSync(join(tmpdir(), 'escalation-desk-spread-'));
  const place: SpreadPlace = {
    fake,
    channels: spreadChannels(fake, settings.spread.conversations),
    databaseUrl: `sqlite:${join(dir, 'escalations.db')}`,
    targets: { ours: [], bare: [] },
    oursLogs: [],
    oursClicks: [],
  };
  const run: SpreadRun = {
    cards: settings.spread.cards,
    conversations: settings.spread.conversations,
    windows: [],
    peaks: [],
    oursPace: { withinOneProcess: paceHeld([]), acrossProcesses: paceHeld([]) },
    oursRedrawsToReadersVersion: 0,
    measuredSpans: new Map(),
  };
  try {
    for (let round = 1; round <= settings.spread.rounds; round++) {
      // ABBA: neither side always runs first (warm caches, thermal drift, a growing database).
      const order: Side[] = round % 2 === 1 ? ['ours', 'bare'] : ['bare', 'ours'];
      for (const side of order) await oneSide(settings, place, run, side, round, profileDir);
    }
    run.oursPace = {
      withinOneProcess: worstPace(place.oursLogs.map((l) => paceHeld(l.sends))),
      acrossProcesses: paceHeld(place.oursLogs.flatMap((l) => l.sends)),
    };
    const puts = place.oursLogs.flatMap((l) => l.puts);
    run.oursRedrawsToReadersVersion = clickedCopies(place.oursClicks, puts).redrawsToReadersVersion;
    if (keep) await keep(place);
    return run;
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function oneSide(
  settings: Settings,
  place: SpreadPlace,
  run: SpreadRun,
  side: Side,
  round: number,
  profileDir: string | undefined,
): Promise<void> {
  const bot =
    side === 'ours'
      ? await startOurs({ main: settings.oursMain, databaseUrl: place.databaseUrl, profileDir })
      : await startBare();
  const startRssMb = bot.rss() / 2 ** 20;
  if (side === 'ours') place.oursLogs.push(new SendLog());
  await withBot(bot, async () => {
    if (place.targets[side].length === 0) await seed(bot, place, side, settings.spread.cards);
    for (const concurrency of settings.spread.concurrencies) {
      readOut(place, side);
      const stats = await spreadWindow(bot, place, side, concurrency, settings);
      run.windows.push({ ...stats, side, round });
      if (side === 'ours') {
        const spans = run.measuredSpans.get(bot.pid) ?? [];
        run.measuredSpans.set(bot.pid, [...spans, [stats.from - bot.spawnedAt, stats.to - bot.spawnedAt]]);
      }
      logWindow(round, side, stats);
    }
    run.peaks.push({ side, round, startRssMb, peakRssMb: bot.peakRss() / 2 ** 20 });
  });
  // Stopped: what it still had to send has arrived.
  readOut(place, side);
}

/** What the fake recorded meanwhile: ours' sends are kept (as Teams would count them), the bare bot's forgotten. */
function readOut(place: SpreadPlace, side: Side): void {
  const log = place.oursLogs.at(-1);
  if (side === 'ours' && log) log.collect(place.fake);
  else forgetHistory(place.fake);
}

async function seed(bot: BotProcess, place: SpreadPlace, side: Side, cards: number): Promise<void> {
  const began = Date.now();
  place.targets[side] =
    side === 'ours'
      ? await seedOurs(bot, place.fake, place.channels, cards)
      : await seedBare(bot, place.fake, place.channels, cards);
  log(`${bot.label}: ${cards} cards posted over ${place.channels.length} channels in ${Date.now() - began} ms`);
}

/** One warm-up and measured window; PUTs per click from what the fake saw meanwhile. */
export async function spreadWindow(
  bot: BotProcess,
  place: SpreadPlace,
  side: Side,
  concurrency: number,
  settings: Settings,
): Promise<WindowStats & { putsPerClick: number }> {
  const putsBefore = place.fake.updates().length;
  const stats = await runWindow({
    bot,
    serviceUrl: place.fake.url,
    targets: place.targets[side],
    concurrency,
    warmupMs: settings.spread.warmupMs,
    measureMs: settings.spread.measureMs,
    resync: side === 'ours' ? (t) => resyncOurs(bot, t) : async () => {},
    onAccepted: side === 'ours' ? (click) => place.oursClicks.push(click) : undefined,
  });
  // Card updates the bot made, per accepted click (warm-up included).
  const puts = place.fake.updates().length - putsBefore;
  return { ...stats, putsPerClick: puts / Math.max(1, stats.acceptedInAll) };
}

function logWindow(round: number, side: Side, stats: SpreadWindow | (WindowStats & { putsPerClick: number })): void {
  log(
    `spread round ${round} ${side.padEnd(4)} C=${String(stats.concurrency).padStart(3)}: ${stats.rps.toFixed(0)} clicks/s, ` +
      `p50 ${stats.p50Ms.toFixed(1)} ms, p99 ${stats.p99Ms.toFixed(1)} ms, ` +
      `${stats.cpuMsPerRequest.toFixed(2)} CPU ms/click, peak RSS ${stats.peakRssMb.toFixed(0)} MB, ` +
      `${stats.putsPerClick.toFixed(2)} PUTs/click, bench process ${stats.benchCpuPct.toFixed(0)}% CPU, ` +
      `refused ${stats.refused}, errors ${stats.errors}${stats.firstError ? ` (${stats.firstError})` : ''}`,
  );
}
