// The hot channel: every card in one channel (one conversation as Teams counts it), clicked by
// 16 and by 64 virtual users at once, where Teams' per-conversation limits bind. Our bot only:
// how fast the clicks are answered; how often the clicked message was updated in the click's own
// turn (the bot does so when Teams' pace lets that send go within 100 ms, else it answers without
// updating it and never redraws that version); whether its sends, as the fake Bot Connector saw
// them arrive, kept to Teams' limits over the process's whole life (posting the cards included);
// and whether a clicked message was ever redrawn, after the answer, to the version the clicker
// already holds (a redraw closes what they opened meanwhile).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BotProcess } from '../tests/support/botProcess';
import { FakeConnector } from '../tests/support/fakeConnector';
import { log, median, sleep, startOurs, withBot } from './harness';
import { type ClickTarget, runWindow, type WindowStats } from './load';
import { resyncOurs, seedOursInOneChannel } from './seed';
import {
  type AnsweredClick,
  type ClickedCopy,
  clickedCopies,
  type PaceHeld,
  paceHeld,
  SendLog,
  versionOf,
} from './sends';
import type { ClickSettings, Settings } from './settings';

export interface HotChannelAtConcurrency {
  concurrency: number;
  /** Medians of the rounds. */
  clicksPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerClick: number;
  refused: number;
  errors: number;
  /** Over every round's measured clicks at this concurrency. */
  clickedCopy: ClickedCopy;
}

export interface HotChannelResult {
  cards: number;
  channel: string;
  seedSeconds: number;
  byConcurrency: HotChannelAtConcurrency[];
  /** Every send of the process's life, as Teams counts them. */
  pace: PaceHeld;
  /** Over every accepted click (warm-ups too): must be 0. */
  redrawsToReadersVersion: number;
  /** Cards whose message did not show its last change once the bot stopped (no click came after it to carry it). */
  cardsBehindAtEnd: number;
  windows: (WindowStats & { round: number })[];
}

interface Observed {
  window: WindowStats & { round: number };
  clicks: AnsweredClick[];
}

export async function benchHotChannel(settings: Settings, profileDir?: string): Promise<HotChannelResult> {
  const fake = await FakeConnector.start();
  const dir = mkdtempSync(join(tmpdir(), 'escalation-desk-hot-'));
  const sendLog = new SendLog();
  try {
    const bot = await startOurs({
      main: settings.oursMain,
      databaseUrl: `sqlite:${join(dir, 'escalations.db')}`,
      profileDir,
    });
    const began = Date.now();
    const { targets, observed } = await withBot(bot, async () => {
      const seeded = await seedOursInOneChannel(bot, fake, settings.hot.cards);
      log(`hot channel: ${seeded.length} cards posted in one channel in ${Date.now() - began} ms`);
      const seedSeconds = (Date.now() - began) / 1000;
      const seen = await clickRounds(bot, fake, seeded, settings.hot, settings.settleMs, sendLog);
      return { targets: seeded, observed: { seen, seedSeconds } };
    });
    // Stopped: whatever it still had to send has arrived.
    sendLog.collect(fake);
    return summarise(settings.hot, fake, targets, observed, sendLog);
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function clickRounds(
  bot: BotProcess,
  fake: FakeConnector,
  targets: ClickTarget[],
  clicks: ClickSettings,
  settleMs: number,
  sendLog: SendLog,
): Promise<Observed[]> {
  const seen: Observed[] = [];
  for (let round = 1; round <= clicks.rounds; round++) {
    for (const concurrency of clicks.concurrencies) {
      sendLog.collect(fake);
      const answered: AnsweredClick[] = [];
      const stats = await runWindow({
        bot,
        serviceUrl: fake.url,
        targets,
        concurrency,
        warmupMs: clicks.warmupMs,
        measureMs: clicks.measureMs,
        resync: (t) => resyncOurs(bot, t),
        onAccepted: (click) => answered.push(click),
      });
      await sleep(settleMs);
      seen.push({ window: { ...stats, round }, clicks: answered });
      log(
        `hot channel round ${round} C=${String(concurrency).padStart(3)}: ${stats.rps.toFixed(0)} clicks/s, ` +
          `p50 ${stats.p50Ms.toFixed(1)} ms, p99 ${stats.p99Ms.toFixed(1)} ms, ${stats.cpuMsPerRequest.toFixed(2)} CPU ms/click, ` +
          `refused ${stats.refused}, errors ${stats.errors}${stats.firstError ? ` (${stats.firstError})` : ''}`,
      );
    }
  }
  return seen;
}

function summarise(
  clicks: ClickSettings,
  fake: FakeConnector,
  targets: ClickTarget[],
  observed: { seen: Observed[]; seedSeconds: number },
  sendLog: SendLog,
): HotChannelResult {
  const { seen } = observed;
  const byConcurrency = clicks.concurrencies.map((concurrency): HotChannelAtConcurrency => {
    const mine = seen.filter((o) => o.window.concurrency === concurrency);
    const windows = mine.map((o) => o.window);
    return {
      concurrency,
      clicksPerSecond: median(windows.map((w) => w.rps)),
      p50Ms: median(windows.map((w) => w.p50Ms)),
      p99Ms: median(windows.map((w) => w.p99Ms)),
      cpuMsPerClick: median(windows.map((w) => w.cpuMsPerRequest)),
      refused: windows.reduce((sum, w) => sum + w.refused, 0),
      errors: windows.reduce((sum, w) => sum + w.errors, 0),
      clickedCopy: clickedCopies(
        mine.flatMap((o) => o.clicks),
        sendLog.puts,
      ),
    };
  });
  const all = clickedCopies(
    seen.flatMap((o) => o.clicks),
    sendLog.puts,
  );
  const behind = targets.filter((t) => versionOf(fake.card(t.card.conversationId, t.card.activityId)) !== t.version);
  return {
    cards: targets.length,
    channel: 'the Engineering channel',
    seedSeconds: observed.seedSeconds,
    byConcurrency,
    pace: paceHeld(sendLog.sends),
    redrawsToReadersVersion: all.redrawsToReadersVersion,
    cardsBehindAtEnd: behind.length,
    windows: seen.map((o) => o.window),
  };
}
