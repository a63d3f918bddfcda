// Where the time goes: one more window of the spread at its highest concurrency, our bot under
// `node --cpu-prof` (a process of its own, on the spread's database, so the profiler's cost
// touches none of the measured rounds), summarised by bench/profileSummary.ts over the measured
// window only.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log, startOurs, withBot } from './harness';
import { summariseProfile } from './profileSummary';
import type { Settings } from './settings';
import { type SpreadPlace, spreadWindow } from './spread';

export interface SpreadProfile {
  concurrency: number;
  clicksPerSecond: number;
  cpuMsPerClick: number;
  /** bench/profileSummary.ts's text. */
  summary: string;
}

export async function profileSpread(settings: Settings, place: SpreadPlace): Promise<SpreadProfile> {
  const profileDir = mkdtempSync(join(tmpdir(), 'escalation-desk-profile-'));
  const concurrency = Math.max(...settings.spread.concurrencies);
  try {
    const bot = await startOurs({ main: settings.oursMain, databaseUrl: place.databaseUrl, profileDir });
    const stats = await withBot(bot, () => spreadWindow(bot, place, 'ours', concurrency, settings));
    const span: [number, number] = [stats.from - bot.spawnedAt, stats.to - bot.spawnedAt];
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no CPU profile was written in ${profileDir}`);
    log(`profiled spread window C=${concurrency}: ${stats.rps.toFixed(0)} clicks/s under the profiler`);
    return {
      concurrency,
      clicksPerSecond: stats.rps,
      cpuMsPerClick: stats.cpuMsPerRequest,
      summary: summariseProfile(join(profileDir, file), [span], 15),
    };
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }
}
