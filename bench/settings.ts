// What one bench run does, from its flags and environment: how many cards, how many virtual
// users, how long each window lasts. `--smoke` shrinks every part to seconds (the test
// tests/bench/smoke.test.ts runs it); the environment tunes a full run:
// BENCH_CONCURRENCY=16,64  BENCH_ESCALATIONS=64  BENCH_ROUNDS=3  BENCH_WARMUP_S=1.5
// BENCH_MEASURE_S=4.5  BENCH_SOAK_S=60  BENCH_OURS_MAIN=path/to/another/build/dist/src/main.js.

/** Virtual users clicking cards: how many cards, users and rounds, how long each window. */
export interface ClickSettings {
  cards: number;
  concurrencies: number[];
  rounds: number;
  warmupMs: number;
  measureMs: number;
}

export interface SoakSettings {
  clicksPerSecond: number;
  seconds: number;
  cards: number;
  /** RSS growth compares the samples around this second with those around the last. */
  earlyAtS: number;
  /** Samples this many seconds either side of those two count (their median). */
  aroundS: number;
}

export type Section = 'hot' | 'spread' | 'soak' | 'profile' | 'clickUpdate' | 'outlook' | 'atScale';

export interface Settings {
  smoke: boolean;
  /** Every process of ours runs with --cpu-prof (summaries printed at the end). */
  profile: boolean;
  sections: Section[];
  /** Where results.json and benchmarks.md go; undefined: printed only. */
  outDir?: string;
  /** Our bot's entry point. */
  oursMain: string;
  /** Every card in one channel. */
  hot: ClickSettings;
  /** Cards over many channels, ours against the bare bot. */
  spread: ClickSettings & { conversations: number };
  soak: SoakSettings;
  /** After a window, how long late sends still count (the outbox finishing what the clicks queued). */
  settleMs: number;
}

const clickSections: Section[] = ['hot', 'spread', 'soak'];
const everySection: Section[] = [...clickSections, 'profile', 'clickUpdate', 'outlook', 'atScale'];

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function fullClicks(env: NodeJS.ProcessEnv): ClickSettings {
  return {
    cards: numberFrom(env, 'BENCH_ESCALATIONS', 64),
    concurrencies: (env.BENCH_CONCURRENCY ?? '16,64')
      .split(',')
      .map(Number)
      .filter((n) => n > 0),
    rounds: numberFrom(env, 'BENCH_ROUNDS', 3),
    warmupMs: numberFrom(env, 'BENCH_WARMUP_S', 1.5) * 1000,
    measureMs: numberFrom(env, 'BENCH_MEASURE_S', 4.5) * 1000,
  };
}

/** Seconds, not minutes: a few cards, one short round, a soak of a few seconds. */
const smokeClicks: ClickSettings = { cards: 8, concurrencies: [4, 8], rounds: 1, warmupMs: 300, measureMs: 1000 };

/** 50 clicks a second on 50 cards; RSS around the 10th second against around the last. */
function soakOf(seconds: number): SoakSettings {
  return { clicksPerSecond: 50, seconds, cards: 50, earlyAtS: Math.min(10, Math.ceil(seconds / 6)), aroundS: 2 };
}

/** `--out DIR` or BENCH_OUT_DIR; a full run writes into the repository, a smoke or a part only when told. */
function outDirOf(argv: string[], env: NodeJS.ProcessEnv, root: string, whole: boolean): string | undefined {
  const at = argv.indexOf('--out');
  const given = (at >= 0 ? argv[at + 1] : undefined) ?? env.BENCH_OUT_DIR;
  if (given) return given;
  return whole ? root : undefined;
}

export function settingsFrom(argv: string[], env: NodeJS.ProcessEnv, root: string, defaultMain: string): Settings {
  const smoke = argv.includes('--smoke');
  const spreadOnly = argv.includes('--spread-only');
  const soakOnly = argv.includes('--soak-only');
  const clicksOnly = smoke || spreadOnly || soakOnly || argv.includes('--clicks-only');
  const clicks = smoke ? smokeClicks : fullClicks(env);
  return {
    smoke,
    profile: argv.includes('--profile'),
    sections: smoke
      ? clickSections
      : spreadOnly
        ? ['spread', 'profile']
        : soakOnly
          ? ['soak']
          : clicksOnly
            ? [...clickSections, 'profile']
            : everySection,
    outDir: outDirOf(argv, env, root, !clicksOnly),
    oursMain: env.BENCH_OURS_MAIN ?? defaultMain,
    hot: clicks,
    spread: { ...clicks, conversations: smoke ? 4 : 16 },
    soak: smoke
      ? { clicksPerSecond: 50, seconds: 3, cards: 8, earlyAtS: 1, aroundS: 0 }
      : soakOf(numberFrom(env, 'BENCH_SOAK_S', 60)),
    settleMs: smoke ? 500 : 2000,
  };
}
