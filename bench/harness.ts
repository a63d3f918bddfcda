/// <reference path="bareBot.ts" />
// What every scenario of the bench shares: the repository's root, the bots as their own
// processes in local mode, and the log line. (The reference above puts the bare bot in every
// build of the bench, npm run build's included, without loading botbuilder into this process.)
import { join, resolve } from 'node:path';
import { type BotProcess, startBot } from '../tests/support/botProcess';

/** The repository (this file runs from dist/bench). */
export const root = resolve(__dirname, '..', '..');

/** The bare bot's process: bench/bareBot.ts, built. */
const bareMain = join(__dirname, 'bareBot.js');

/** This process's environment without a bot identity or keys: the bot runs in local mode. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'BOT_ID',
    'BOT_PASSWORD',
    'BOT_TENANT_ID',
    'BOT_TYPE',
    'API_KEY',
    'OUTLOOK_ORIGINATOR_ID',
    'MAIL_SENDER',
  ]) {
    delete env[name];
  }
  return env;
}

export interface OursOptions {
  /** Our entry point (settings.oursMain). */
  main: string;
  databaseUrl: string;
  /** Run under --cpu-prof, the profile written here when it stops. */
  profileDir?: string;
}

/** Escalation Desk as `npm start` runs it, on its own database. */
export function startOurs(options: OursOptions): Promise<BotProcess> {
  const profiling = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
  return startBot('Escalation Desk', [...profiling, resolve(options.main)], {
    ...cleanEnv(),
    DATABASE_URL: options.databaseUrl,
  });
}

/** The baseline (bench/bareBot.ts): no store, no rules. */
export function startBare(): Promise<BotProcess> {
  return startBot('bare bot', [bareMain], cleanEnv());
}

/** Runs `work` with the bot, stops it whatever happens; a failure carries what the bot last said. */
export async function withBot<T>(bot: BotProcess, work: (bot: BotProcess) => Promise<T>): Promise<T> {
  try {
    return await work(bot);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- ${bot.label} said:\n${bot.output()}`);
  } finally {
    await bot.stop();
  }
}

export function log(message: string): void {
  console.log(`${new Date().toISOString().slice(11, 23)} ${message}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Median of the finite values; NaN when there are none. */
export function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest rank, of values sorted ascending. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
