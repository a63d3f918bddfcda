// `npm run bench`: the setStatus click on the Escalation Desk (store write, every posted copy
// updated through the outbox) against a bare botbuilder bot answering the same click with one
// updateActivity, over HTTP, each bot its own process, one fake Bot Connector on loopback for
// both. Rounds alternate the sides (ours, bare, bare, ours...) and report the median.
// Writes bench/results.json and docs/benchmarks.md. Exits 0 whether or not the target is met.
//
// Tuning (environment): BENCH_CONCURRENCY=16,64  BENCH_ESCALATIONS=64  BENCH_ROUNDS=3
// BENCH_WARMUP_S=1.5  BENCH_MEASURE_S=4.5  BENCH_OURS_MAIN=path/to/another/build/dist/src/main.js
// (to measure a candidate change against the same baseline).   `-- --profile`: our bot runs
// with --cpu-prof (profiles in dist/bench-profiles, summarised at the end).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BotProcess, startBot } from '../tests/support/botProcess';
import { fullForm } from '../tests/support/briefs';
import { FakeConnector } from '../tests/support/fakeConnector';
import { channelMessage, channels, personas, send } from '../tests/support/teamsActivities';
import { type BoardBenchResult, benchBoard, boardMarkdown } from './board';
import { benchClickUpdate, type ClickUpdateResult, clickUpdateMarkdown } from './clickUpdate';
import { type ClickTarget, runWindow, sleep, type WindowStats } from './load';
import { benchOutlookRefresh, type OutlookRefreshResult, outlookMarkdown } from './outlookRefresh';
import { summariseProfile } from './profileSummary';
import { type CopiesCurrent, machine, markdown, type Params, type Results, summarise, table } from './report';
import { benchSimilarity, type SimilarityBenchResult } from './similarity';
import { benchSweep, type SweepBenchResult } from './sweep';

const root = resolve(__dirname, '..', '..');
const numberFrom = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

const params: Params = {
  escalations: numberFrom('BENCH_ESCALATIONS', 64),
  concurrencies: (process.env.BENCH_CONCURRENCY ?? '16,64')
    .split(',')
    .map(Number)
    .filter((n) => n > 0),
  rounds: numberFrom('BENCH_ROUNDS', 3),
  warmupMs: numberFrom('BENCH_WARMUP_S', 1.5) * 1000,
  measureMs: numberFrom('BENCH_MEASURE_S', 4.5) * 1000,
  copiesPerEscalation: 1,
};
const profile = process.argv.includes('--profile');

type Side = 'ours' | 'bare';

/** Our bot with a fresh database, answering Outlook refreshes (the fake connector stands in for Teams). */
async function outlookRefresh(env: NodeJS.ProcessEnv): Promise<OutlookRefreshResult> {
  const fake = await FakeConnector.start();
  const dir = mkdtempSync(join(tmpdir(), 'escalation-desk-outlook-'));
  const bot = await startBot('Escalation Desk', [join(root, 'dist/src/main.js')], {
    ...env,
    DATABASE_URL: `sqlite:${join(dir, 'escalations.db')}`,
  });
  try {
    return await benchOutlookRefresh(bot, fake);
  } finally {
    await bot.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--click-update-only')) {
    console.log(clickUpdateMarkdown(await benchClickUpdate()));
    return;
  }
  if (process.argv.includes('--board-only')) {
    console.log(boardMarkdown(await boardAtScale()));
    return;
  }
  if (process.argv.includes('--outlook-only')) {
    const result = await outlookRefresh(cleanEnv());
    console.log(outlookMarkdown(result));
    return;
  }
  const startedAt = Date.now();
  const fake = await FakeConnector.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'escalation-desk-bench-'));
  const profileDir = join(root, 'dist', 'bench-profiles');
  if (profile) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  const env = cleanEnv();
  const oursEnv = { ...env, DATABASE_URL: `sqlite:${join(dataDir, 'escalations.db')}` };
  const targets: Record<Side, ClickTarget[]> = { ours: [], bare: [] };
  const windows: (WindowStats & { side: Side; round: number; putsPerClick: number })[] = [];
  const copies: CopiesCurrent[] = [];
  const peaks: { side: Side; round: number; startRssMb: number; peakRssMb: number }[] = [];
  /** Our processes' measured windows, in ms since each was spawned: the part of a profile that counts. */
  const profiled = new Map<number, [number, number][]>();

  const start = (side: Side): Promise<BotProcess> =>
    side === 'ours'
      ? startBot(
          'Escalation Desk',
          [
            ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
            resolve(process.env.BENCH_OURS_MAIN ?? join(root, 'dist/src/main.js')),
          ],
          oursEnv,
        )
      : startBot('bare bot', [join(root, 'dist/bench/bareBot.js')], env);

  try {
    for (let round = 1; round <= params.rounds; round++) {
      // ABBA: neither side always runs first (warm caches, thermal drift, a growing database).
      const order: Side[] = round % 2 === 1 ? ['ours', 'bare'] : ['bare', 'ours'];
      for (const side of order) {
        const bot = await start(side);
        const startRssMb = bot.rss() / 2 ** 20;
        try {
          if (targets[side].length === 0) {
            const began = Date.now();
            targets[side] = side === 'ours' ? await seedOurs(bot, fake) : await seedBare(bot, fake);
            log(`${bot.label}: ${targets[side].length} cards posted in ${Date.now() - began} ms`);
          }
          for (const concurrency of params.concurrencies) {
            forgetHistory(fake);
            const windowStats = await runWindow({
              bot,
              serviceUrl: fake.url,
              targets: targets[side],
              concurrency,
              warmupMs: params.warmupMs,
              measureMs: params.measureMs,
              resync: side === 'ours' ? (t) => resyncOurs(bot, t) : async () => {},
            });
            let current: { current: boolean; afterMs: number; behind: number } | undefined;
            if (side === 'ours') current = await allCopiesCurrent(fake, targets.ours, 60_000);
            // Card updates the bot made, per accepted click (warm-up included): the outbox coalesces bursts.
            const stats = {
              ...windowStats,
              putsPerClick: fake.updates().length / Math.max(1, windowStats.acceptedInAll),
            };
            windows.push({ ...stats, side, round });
            if (side === 'ours') {
              profiled.set(bot.pid, [
                ...(profiled.get(bot.pid) ?? []),
                [stats.from - bot.spawnedAt, stats.to - bot.spawnedAt],
              ]);
            }
            log(
              `round ${round} ${side.padEnd(4)} C=${String(concurrency).padStart(3)}: ${stats.rps.toFixed(0)} req/s, ` +
                `p50 ${stats.p50Ms.toFixed(1)} ms, p99 ${stats.p99Ms.toFixed(1)} ms, ` +
                `${stats.cpuMsPerRequest.toFixed(2)} CPU ms/req, peak RSS ${stats.peakRssMb.toFixed(0)} MB, ` +
                `${stats.putsPerClick.toFixed(2)} PUTs/click, bench process ${stats.benchCpuPct.toFixed(0)}% CPU, ` +
                `refused ${stats.refused}, errors ${stats.errors}${stats.firstError ? ` (${stats.firstError})` : ''}`,
            );
            if (current) {
              copies.push({ round, concurrency, ...current });
              log(
                current.current
                  ? `  all ${targets.ours.length} copies current ${current.afterMs} ms after the last click`
                  : `  NOT all copies current after ${current.afterMs} ms: ${current.behind} behind`,
              );
            }
          }
          peaks.push({ side, round, startRssMb, peakRssMb: bot.peakRss() / 2 ** 20 });
        } catch (error) {
          throw new Error(`${(error as Error).message}\n--- ${bot.label} said:\n${bot.output()}`);
        } finally {
          await bot.stop();
        }
      }
    }
  } finally {
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  console.log('the clicked message after a click…');
  const clickUpdate = await benchClickUpdate();
  console.log(clickUpdateMarkdown(clickUpdate));

  console.log('Outlook refreshes…');
  const outlook = await outlookRefresh(env);
  console.log(outlookMarkdown(outlook));

  console.log('at 100,000 escalations: filling a store for the similarity lookup and the SLA sweep…');
  const scaleDir = mkdtempSync(join(tmpdir(), 'escalation-desk-scale-'));
  const similarity = await benchSimilarity(`sqlite:${join(scaleDir, 'similarity.db')}`, 100_000);
  const sweep = await benchSweep(`sqlite:${join(scaleDir, 'sweep.db')}`, 100_000);
  rmSync(scaleDir, { recursive: true, force: true });
  console.log('the board at 100,000 escalations, on SQLite and PostgreSQL…');
  const board = await boardAtScale();

  const results: Results & {
    atScale: { similarity: typeof similarity; sweep: typeof sweep; board: BoardBenchResult[] };
    outlook: OutlookRefreshResult;
    clickUpdate: ClickUpdateResult;
  } = {
    atScale: { similarity, sweep, board },
    outlook,
    clickUpdate,
    when: new Date().toISOString(),
    machine: machine(),
    params,
    windows,
    copies,
    peaks,
    summary: summarise(params, windows, copies, peaks),
    totalSeconds: (Date.now() - startedAt) / 1000,
  };
  writeFileSync(join(root, 'bench', 'results.json'), formatJson(results));
  writeFileSync(
    join(root, 'docs', 'benchmarks.md'),
    `${markdown(results, join(root, 'bench', 'findings.md'))}\n${clickUpdateMarkdown(clickUpdate)}\n${outlookMarkdown(outlook)}\n${scaleMarkdown(similarity, sweep)}\n${boardMarkdown(board)}`,
  );
  console.log(scaleMarkdown(similarity, sweep));
  console.log(boardMarkdown(board));
  console.log(`\n${table(results)}\n`);
  console.log(results.summary.verdict);
  console.log('Written: bench/results.json, docs/benchmarks.md');
  if (profile) {
    const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
    for (const file of files) {
      const pid = Number(/\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(file)?.[1]);
      console.log(`\n${file}\n${summariseProfile(join(profileDir, file), profiled.get(pid))}`);
    }
  }
}

/** The board's routes at 100,000 escalations on both engines (PostgreSQL at 127.0.0.1:5432, or TEST_POSTGRES_URL). */
async function boardAtScale(): Promise<BoardBenchResult[]> {
  return [await benchBoard('sqlite'), await benchBoard('postgres')];
}

/** Binds the Engineering channel, creates the escalations over the API, waits for each one's channel post. */
async function seedOurs(bot: BotProcess, fake: FakeConnector): Promise<ClickTarget[]> {
  const routed = await send(
    bot.url,
    channelMessage({
      serviceUrl: fake.url,
      channel: channels.engineering,
      text: 'route engineering',
      user: personas.lead,
    }),
  );
  if (routed.status !== 200) throw new Error(`route engineering answered ${routed.status}`);
  const ids: string[] = [];
  for (let i = 0; i < params.escalations; i++) {
    const response = await fetch(`${bot.url}/api/escalations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...fullForm, requester: { name: 'Dana Agent' } }),
    });
    const body = (await response.json()) as { id?: string };
    if (response.status !== 201 || !body.id) throw new Error(`POST /api/escalations answered ${response.status}`);
    ids.push(body.id);
  }
  return postedCards(fake, ids, 120_000);
}

/** The bare bot posts one card thread per "post KEY" message, as a bot posts a card. */
async function seedBare(bot: BotProcess, fake: FakeConnector): Promise<ClickTarget[]> {
  const keys = Array.from({ length: params.escalations }, (_, i) => `BARE-${i + 1}`);
  for (const key of keys) {
    const answer = await send(
      bot.url,
      channelMessage({ serviceUrl: fake.url, channel: channels.engineering, text: `post ${key}` }),
    );
    if (answer.status !== 200) throw new Error(`the bare bot answered ${answer.status} to "post ${key}"`);
  }
  return postedCards(fake, keys, 10_000);
}

/** The channel thread each key was posted in, found by the activity's summary "KEY: ...". */
async function postedCards(fake: FakeConnector, keys: string[], timeoutMs: number): Promise<ClickTarget[]> {
  return fake.waitFor(() => {
    const byKey = new Map<string, { conversationId: string; activityId: string }>();
    for (const post of fake.posts(channels.engineering.id)) {
      const key = /^(\S+):/.exec(post.activity?.summary ?? '')?.[1];
      if (post.kind === 'create' && key)
        byKey.set(key, { conversationId: post.conversationId, activityId: post.activityId });
    }
    if (!keys.every((key) => byKey.has(key))) return undefined;
    return keys.map((key) => ({
      key,
      card: byKey.get(key) as { conversationId: string; activityId: string },
      version: 1,
      status: 'new' as const,
    }));
  }, timeoutMs);
}

async function resyncOurs(bot: BotProcess, target: ClickTarget): Promise<void> {
  const response = await fetch(`${bot.url}/api/escalations/${target.key}`);
  const body = (await response.json()) as { version: number; status: ClickTarget['status'] };
  target.version = body.version;
  target.status = body.status;
}

/** Waits until the fake's copy of every card shows the version the last click made. */
async function allCopiesCurrent(
  fake: FakeConnector,
  targets: ClickTarget[],
  timeoutMs: number,
): Promise<{ current: boolean; afterMs: number; behind: number }> {
  const began = Date.now();
  for (;;) {
    const behind = targets.filter(
      (t) =>
        !JSON.stringify(fake.card(t.card.conversationId, t.card.activityId) ?? {}).includes(`Version ${t.version} ·`),
    ).length;
    const afterMs = Date.now() - began;
    if (behind === 0) return { current: true, afterMs, behind };
    if (afterMs > timeoutMs) return { current: false, afterMs, behind };
    await sleep(10);
  }
}

/**
 * The fake keeps every request and update it answered; over a run that is hundreds of MB in
 * this process (the load generator's). Forget them between windows, keep the cards as they
 * are now. (A `forgetHistory()` on FakeConnector would say this without reaching inside.)
 */
function forgetHistory(fake: FakeConnector): void {
  const inside = fake as unknown as Record<string, unknown>;
  for (const name of ['recorded', 'updated']) {
    const list = inside[name];
    if (Array.isArray(list)) list.length = 0;
  }
}

/** JSON as the project's formatter (Biome) lays it out: short arrays of plain values on one line. */
function formatJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2).replace(/\[\n\s+([^[\]{}]*?)\n\s*\]/g, (whole, inner: string) => {
    const line = `[${inner.split(/,\n\s*/).join(', ')}]`;
    return line.length <= 80 ? line : whole;
  });
  return `${text}\n`;
}

function log(message: string): void {
  console.log(`${new Date().toISOString().slice(11, 23)} ${message}`);
}

/** This process's environment without a bot identity or keys: the bot runs in local mode. */
function cleanEnv(): NodeJS.ProcessEnv {
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

function scaleMarkdown(similarity: SimilarityBenchResult, sweep: SweepBenchResult): string {
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  return [
    '## At 100,000 escalations (SQLite, the default store)',
    '',
    `${similarity.count.toLocaleString('en')} stored, ${similarity.open.toLocaleString('en')} of them open (the rest resolved or closed).`,
    '',
    '| what | figure | target | verdict |',
    '| --- | --- | --- | --- |',
    `| "possibly the same as" lookup for a new brief (200 lookups) | p50 ${similarity.p50Ms} ms, p95 ${similarity.p95Ms} ms, p99 ${similarity.p99Ms} ms | p95 < 50 ms | ${verdict(similarity.p95Ms < 50)} |`,
    `| SLA watcher sweep, a usual one (${sweep.usualDue} escalations came due) | ${sweep.usualSweepMs} ms | < 500 ms | ${verdict(sweep.usualSweepMs < 500)} |`,
    `| SLA watcher sweep, the most one sweep takes (${sweep.fullDue} came due) | ${sweep.fullSweepMs} ms | < 500 ms | ${verdict(sweep.fullSweepMs < 500)} |`,
    '',
    'The watcher looks only at escalations whose clocks may have changed state since it last looked',
    '(a schedule kept in the store), so a sweep costs what came due, not what is stored. Those that',
    'came due here were raised 50 minutes earlier and never acknowledged: each gets its reminders,',
    'and the Critical ones are raised to Leadership.',
    '',
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
