// `npm run bench`: the Escalation Desk under clicks, each bot its own process, one fake Bot
// Connector on loopback. The hot channel (bench/hotChannel.ts: every card in one channel, where
// Teams' limits bind); the spread (bench/spread.ts: cards over 16 channels, ours against a bare
// botbuilder bot, rounds alternated); the soak (bench/soak.ts: 50 clicks a second for 60 s on
// SQLite and PostgreSQL); where the time goes (bench/spreadProfile.ts); then the clicked message
// after a click, Outlook refreshes, and 100,000 escalations (similarity, SLA sweep, the board, the
// search command).
// Writes bench/results.json and docs/benchmarks.md. Exits 0 whether or not the targets are met.
//
// Flags: --clicks-only (the hot channel, the spread, the soak and the profile; printed, written
// only with --out DIR); --smoke (the same in seconds: tests/bench/smoke.test.ts; written only with
// --out DIR); --spread-only (the spread and its profile, to see where a click's time goes);
// --soak-only (the soak on both engines);
// --profile (every process of ours in the spread under --cpu-prof, in
// dist/bench-profiles, summarised at the end); --click-update-only, --board-only, --outlook-only;
// --search-only (the search command on both engines: printed, and put into bench/results.json and
// docs/benchmarks.md beside the figures of the last full run).
// Tuning: see bench/settings.ts.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BoardBenchResult, benchBoard, boardMarkdown } from './board';
import { benchClickUpdate, type ClickUpdateResult, clickUpdateMarkdown } from './clickUpdate';
import { formatJson } from './formatJson';
import { log, root } from './harness';
import { benchHotChannel, type HotChannelResult } from './hotChannel';
import { benchOutlookInProcess, type OutlookRefreshResult, outlookMarkdown } from './outlookRefresh';
import { summariseProfile } from './profileSummary';
import { f, hotChannelMarkdown, machine, profileMarkdown, soakMarkdown, spreadMarkdown, spreadTable } from './report';
import { benchSearch, type SearchBenchResult, searchMarkdown, searchVerdict } from './search';
import { type Settings, settingsFrom } from './settings';
import { benchSimilarity, type SimilarityBenchResult } from './similarity';
import { benchSoak, type SoakResult } from './soak';
import { benchSpread } from './spread';
import { profileSpread, type SpreadProfile } from './spreadProfile';
import { type SpreadSummary, summariseSpread } from './spreadSummary';
import { benchSweep, type SweepBenchResult, scaleMarkdown } from './sweep';

export interface BenchResults {
  when: string;
  machine: ReturnType<typeof machine>;
  settings: Omit<Settings, 'outDir' | 'oursMain'>;
  totalSeconds: number;
  hotChannel?: HotChannelResult;
  spread?: SpreadSummary;
  soak?: SoakResult[];
  whereTheTimeGoes?: SpreadProfile;
  clickUpdate?: ClickUpdateResult;
  outlook?: OutlookRefreshResult;
  atScale?: {
    similarity: SimilarityBenchResult;
    sweep: SweepBenchResult;
    board: BoardBenchResult[];
    search?: SearchBenchResult[];
  };
}

/** Where a run writes: into the repository (bench/results.json, docs/benchmarks.md), or both into one folder. */
export function outputsOf(outDir: string): { results: string; markdown: string } {
  return outDir === root
    ? { results: join(root, 'bench', 'results.json'), markdown: join(root, 'docs', 'benchmarks.md') }
    : { results: join(outDir, 'results.json'), markdown: join(outDir, 'benchmarks.md') };
}

async function main(): Promise<void> {
  const settings = settingsFrom(process.argv, process.env, root, join(root, 'dist/src/main.js'));
  if (await onePartOnly(settings)) return;
  const startedAt = Date.now();
  const profileDir = settings.profile ? freshProfileDir() : undefined;
  const { outDir: _out, oursMain: _main, ...described } = settings;
  const results: BenchResults = {
    when: new Date().toISOString(),
    machine: machine(),
    settings: described,
    totalSeconds: 0,
  };
  const spans = await clickScenarios(settings, results, profileDir);
  await otherSections(settings, results);
  results.totalSeconds = (Date.now() - startedAt) / 1000;
  const markdown = documentOf(results);
  if (settings.outDir) {
    const out = outputsOf(settings.outDir);
    mkdirSync(settings.outDir, { recursive: true });
    writeFileSync(out.results, formatJson(results));
    writeFileSync(out.markdown, markdown);
    console.log(`Written: ${out.results}, ${out.markdown}`);
  } else {
    console.log(`\n${markdown}`);
  }
  console.log(consoleSummary(results));
  if (profileDir) printProfiles(profileDir, spans);
}

/** --click-update-only, --board-only, --outlook-only, --search-only: one part, printed. */
async function onePartOnly(settings: Settings): Promise<boolean> {
  if (process.argv.includes('--click-update-only')) console.log(clickUpdateMarkdown(await benchClickUpdate()));
  else if (process.argv.includes('--search-only')) await searchOnly();
  else if (process.argv.includes('--board-only')) console.log(boardMarkdown(await boardAtScale()));
  else if (process.argv.includes('--outlook-only'))
    console.log(outlookMarkdown(await benchOutlookInProcess(settings.oursMain)));
  else return false;
  return true;
}

async function clickScenarios(
  settings: Settings,
  results: BenchResults,
  profileDir: string | undefined,
): Promise<Map<number, [number, number][]>> {
  const wanted = (section: Settings['sections'][number]) => settings.sections.includes(section);
  if (wanted('hot')) results.hotChannel = await benchHotChannel(settings);
  let spans = new Map<number, [number, number][]>();
  if (wanted('spread')) {
    const run = await benchSpread(
      settings,
      profileDir,
      wanted('profile')
        ? async (place) => {
            results.whereTheTimeGoes = await profileSpread(settings, place);
          }
        : undefined,
    );
    spans = run.measuredSpans;
    results.spread = summariseSpread(run);
  }
  if (wanted('soak')) results.soak = [await benchSoak('sqlite', settings), await benchSoak('postgres', settings)];
  return spans;
}

async function otherSections(settings: Settings, results: BenchResults): Promise<void> {
  if (settings.sections.includes('clickUpdate')) {
    log('the clicked message after a click…');
    results.clickUpdate = await benchClickUpdate();
  }
  if (settings.sections.includes('outlook')) {
    log('Outlook refreshes…');
    results.outlook = await benchOutlookInProcess(settings.oursMain);
  }
  if (settings.sections.includes('atScale')) {
    log('at 100,000 escalations: filling a store for the similarity lookup and the SLA sweep…');
    const scaleDir = mkdtempSync(join(tmpdir(), 'escalation-desk-scale-'));
    try {
      const similarity = await benchSimilarity(`sqlite:${join(scaleDir, 'similarity.db')}`, 100_000);
      const sweep = await benchSweep(`sqlite:${join(scaleDir, 'sweep.db')}`, 100_000);
      log('the board at 100,000 escalations, on SQLite and PostgreSQL…');
      const board = await boardAtScale();
      results.atScale = { similarity, sweep, board, search: await searchAtScale() };
    } finally {
      rmSync(scaleDir, { recursive: true, force: true });
    }
  }
}

/** The board's routes at 100,000 escalations on both engines (PostgreSQL at 127.0.0.1:5432, or TEST_POSTGRES_URL). */
async function boardAtScale(): Promise<BoardBenchResult[]> {
  return [await benchBoard('sqlite'), await benchBoard('postgres')];
}

/** The search command at 100,000 escalations on both engines. */
async function searchAtScale(): Promise<SearchBenchResult[]> {
  log('the search command at 100,000 escalations, on SQLite and PostgreSQL…');
  return [await benchSearch('sqlite'), await benchSearch('postgres')];
}

/**
 * The search alone, printed; its figures then replace those in bench/results.json (a full run's),
 * and docs/benchmarks.md is written again from them, as a full run writes it.
 */
async function searchOnly(): Promise<void> {
  const search = await searchAtScale();
  console.log(searchMarkdown(search));
  const out = outputsOf(root);
  if (!existsSync(out.results)) return;
  const results = JSON.parse(readFileSync(out.results, 'utf8')) as BenchResults;
  if (!results.atScale) return;
  results.atScale.search = search;
  writeFileSync(out.results, formatJson(results));
  writeFileSync(out.markdown, documentOf(results));
  console.log(`Written: ${out.results}, ${out.markdown}\n${search.map(searchVerdict).join('\n')}`);
}

export function documentOf(results: BenchResults): string {
  const m = results.machine;
  const findingsPath = join(root, 'bench', 'findings.md');
  const { hotChannel, spread, soak, whereTheTimeGoes, clickUpdate, outlook, atScale } = results;
  const parts = [
    `# Benchmarks

Generated by \`npm run bench\` (bench/run.ts); raw figures in \`bench/results.json\`. Do not edit by
hand: run it again.${results.settings.smoke ? ' **This is a smoke run (seconds, not minutes): its figures mean nothing.**' : ''}

Run ${results.when} on ${m.nproc} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}, Linux ${m.kernel}${
      m.commit ? `, commit ${m.commit} plus the working tree` : ''
    }; the whole run took ${f(results.totalSeconds, 0)} s. On ${m.nproc} cores the load generator and the fake
connector share the machine with the bot.
`,
    hotChannel && hotChannelMarkdown(hotChannel, results.settings.hot),
    spread && spreadMarkdown(spread, results.settings.spread),
    soak && soakMarkdown(soak),
    whereTheTimeGoes && profileMarkdown(whereTheTimeGoes),
    !results.settings.smoke && existsSync(findingsPath) && readFileSync(findingsPath, 'utf8').trim(),
    clickUpdate && clickUpdateMarkdown(clickUpdate),
    outlook && outlookMarkdown(outlook),
    atScale && scaleMarkdown(atScale.similarity, atScale.sweep),
    atScale && boardMarkdown(atScale.board),
    atScale?.search && searchMarkdown(atScale.search),
  ];
  return `${parts
    .filter((part): part is string => typeof part === 'string')
    .map((part) => part.trim())
    .join('\n\n')}\n`;
}

/** What the run came to, for the terminal. */
function consoleSummary(results: BenchResults): string {
  const lines: string[] = [];
  const hot = results.hotChannel;
  if (hot) {
    for (const c of hot.byConcurrency) {
      lines.push(
        `hot channel C=${c.concurrency}: p50 ${f(c.p50Ms)} ms, p99 ${f(c.p99Ms)} ms, clicked message updated before the answer ` +
          `${f(100 * c.clickedCopy.updatedBeforeAnswer)} %`,
      );
    }
    lines.push(
      `hot channel: Teams' limits ${hot.pace.held ? 'held' : 'NOT held'} (${hot.pace.perConversation.map((w) => `${w.most}/${w.max} in ${w.ms / 1000} s`).join(', ')}, ` +
        `tenant ${hot.pace.tenantMost}/50 in 1 s); redraws to the reader's version: ${hot.redrawsToReadersVersion}`,
    );
  }
  if (results.spread) {
    lines.push(`\n${spreadTable(results.spread)}\n`);
    for (const c of results.spread.byConcurrency) {
      for (const t of c.targets)
        lines.push(`spread C=${c.concurrency}: ${t.name}: ${t.figure}, ${t.met ? 'met' : 'NOT met'}`);
    }
  }
  for (const s of results.soak ?? []) {
    lines.push(
      s.skipped
        ? `soak ${s.engine}: skipped (${s.skipped})`
        : `soak ${s.engine}: p50 ${f(s.p50Ms)} ms, p99 ${f(s.p99Ms)} ms, RSS ${f(s.earlyRssMb, 0)} -> ${f(s.lateRssMb, 0)} MB ` +
            `(${f(100 * s.growth)} %), ${s.accepted} accepted, ${s.refused} refused, ${s.errors} failed: ${s.met ? 'met' : 'NOT met'}`,
    );
  }
  for (const search of results.atScale?.search ?? []) lines.push(searchVerdict(search));
  return lines.join('\n');
}

function freshProfileDir(): string {
  const dir = join(root, 'dist', 'bench-profiles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function printProfiles(profileDir: string, spans: Map<number, [number, number][]>): void {
  const files = readdirSync(profileDir).filter((file) => file.endsWith('.cpuprofile'));
  for (const file of files) {
    const pid = Number(/\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(file)?.[1]);
    console.log(`\n${file}\n${summariseProfile(join(profileDir, file), spans.get(pid))}`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`bench failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  });
}
