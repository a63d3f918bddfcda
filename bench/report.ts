// The click scenarios as people read them, in markdown: the hot channel, the spread (and its
// table for the console), the soak and where the time goes; the machine they ran on. bench/run.ts
// puts them together in docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import type { HotChannelResult } from './hotChannel';
import { type PaceHeld, teamsLimits } from './sends';
import type { SoakResult } from './soak';
import { soakTarget } from './soak';
import type { SpreadProfile } from './spreadProfile';
import type { SpreadSummary } from './spreadSummary';

export function machine() {
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    commit,
  };
}

export const f = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
const held = (kept: boolean) => (kept ? 'held' : 'NOT held');

function spreadRows(summary: SpreadSummary): string[][] {
  const out: string[][] = [];
  for (const c of summary.byConcurrency) {
    for (const [name, s] of [
      ['Escalation Desk', c.ours],
      ['bare botbuilder bot', c.bare],
    ] as const) {
      out.push([
        String(c.concurrency),
        name,
        f(s.clicksPerSecond, 0),
        `${f(s.rpsMin, 0)}-${f(s.rpsMax, 0)}`,
        f(s.p50Ms),
        f(s.p99Ms),
        f(s.cpuMsPerClick, 2),
        f(s.putsPerClick, 2),
        f(s.benchCpuPct, 0),
        `${f(s.startRssMb, 0)} / ${f(s.peakRssMb, 0)}`,
        `${s.refused} / ${s.errors}`,
      ]);
    }
    out.push([
      String(c.concurrency),
      'ours / bare',
      `${f(c.throughputRatio, 2)}x`,
      '',
      `${f(c.ours.p50Ms / c.bare.p50Ms, 2)}x`,
      `${f(c.p99Ratio, 2)}x`,
      `${f(c.ours.cpuMsPerClick / c.bare.cpuMsPerClick, 2)}x`,
      '',
      '',
      `peak ${f(c.ours.peakRssMb / c.bare.peakRssMb, 2)}x`,
      '',
    ]);
  }
  return out;
}

const spreadHeader = [
  'C',
  'bot',
  'clicks/s',
  'range',
  'p50 ms',
  'p99 ms',
  'CPU ms/click',
  'PUTs/click',
  'bench CPU %',
  'RSS MB start / peak',
  'refused / failed',
];

/** The spread's table, aligned for a terminal. */
export function spreadTable(summary: SpreadSummary): string {
  const all = [spreadHeader, ...spreadRows(summary)];
  const widths = spreadHeader.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ')).join('\n');
}

const markdownTable = (rows: string[][]) => rows.map((r) => `| ${r.join(' | ')} |`).join('\n');

function targetLines(summary: SpreadSummary): string {
  return summary.byConcurrency
    .flatMap((c) => c.targets.map((t) => `- C=${c.concurrency}: ${t.name}: ${t.figure}, ${verdict(t.met)}`))
    .join('\n');
}

export function spreadMarkdown(
  summary: SpreadSummary,
  settings: { warmupMs: number; measureMs: number; rounds: number },
): string {
  const perChannel = summary.cards / summary.conversations;
  return `## The spread: ${summary.cards} cards over ${summary.conversations} channels, against a bare botbuilder bot

What is measured: the \`adaptiveCard/action\` invoke \`escalation.setStatus\` sent over HTTP to
\`/api/messages\`, as Teams sends it, by ${summary.byConcurrency.map((c) => c.concurrency).join(' and ')} virtual users at once on
keep-alive connections. ${summary.cards} cards, ${perChannel} in each of ${summary.conversations} channels of one team (our bot keeps one
channel a tier, so the Engineering tier was bound to each channel in turn while its cards were posted). Each user owns
its share of the cards and clicks them in turn, alternating Investigating and Fix in progress, always with
the version the last answer showed: every click is a real change and none may be refused.

- **Escalation Desk** (\`node dist/src/main.js\`, local mode, a SQLite file): reads the escalation,
  checks the version and the rules, saves it with its timeline entry and the update of its posted copy
  in one transaction, updates the clicked message in the click's turn when Teams' pace lets that send go
  within 100 ms, and answers with the new card.
- **bare bot** (\`bench/bareBot.ts\`): restify 11 + botbuilder CloudAdapter, local mode; answers the
  same invoke with one \`updateActivity\` of the clicked card and the card in the invoke response.
  No store, no rules, no pacing. Its cards are in the same channels.
- Both talk to one fake Bot Connector (\`tests/support/fakeConnector.ts\`) on loopback in the bench
  process, which also runs the load. Each bot is its own process, so RSS and CPU are its own.
- Per side and concurrency: ${settings.warmupMs / 1000} s warm-up, then ${settings.measureMs / 1000} s measured;
  ${settings.rounds} round(s), sides alternated (ours, bare, bare, ours...); the table shows the median of the rounds.

${markdownTable([spreadHeader, spreadHeader.map(() => '---'), ...spreadRows(summary)])}

Columns: clicks/s, p50, p99 and CPU are the median of the rounds; "range" the lowest and highest round's
clicks/s. CPU ms/click: the bot process's user + system CPU time over the measured window divided by the
clicks answered in it. PUTs/click: card updates the bot sent per accepted click (the bare bot one each; ours
only as Teams' pace allows). bench CPU %: the load generator and fake connector's process, in % of one core.
Ours' sends as Teams counts them (POST and PUT, a channel with all its threads; the bare bot does not pace), the busiest
conversation's and app-wide, within any one process of ours and over all the rounds' processes together (each starts with
an empty budget while Teams still counts the sends of the one before):

${spreadPaceTable(summary.oursPace)}

${busiestSecondSentence(summary.oursPace.withinOneProcess)} Messages redrawn after the answer to the version the clicker
held: ${summary.oursRedrawsToReadersVersion} (must be 0).

**Targets: ${summary.met ? 'all met' : 'NOT all met'}.**

${targetLines(summary)}
`;
}

function busiestSecondSentence(pace: PaceHeld): string {
  const b = pace.busiestSecond;
  return `The busiest second: ${b.sends} sends (${b.puts} of them PUTs), ${b.mostIn100Ms} of them within 100 ms.`;
}

function spreadPaceTable(pace: SpreadSummary['oursPace']): string {
  const { withinOneProcess: one, acrossProcesses: all } = pace;
  const rows = one.perConversation.map((w, i) => [
    `${w.ms / 1000} s`,
    String(w.most),
    String(all.perConversation[i]?.most),
    String(w.max),
    held(w.most <= w.max && (all.perConversation[i]?.most ?? 0) <= w.max),
  ]);
  const tenant = teamsLimits.perTenant.max;
  rows.push([
    '1 s, app-wide in the tenant',
    String(one.tenantMost),
    String(all.tenantMost),
    String(tenant),
    held(all.tenantMost <= tenant),
  ]);
  const header = ['window', 'within one process', 'over all processes', 'Teams\u2019 limit', 'verdict'];
  return markdownTable([header, header.map(() => '---'), ...rows]);
}

export function hotChannelMarkdown(
  hot: HotChannelResult,
  settings: { warmupMs: number; measureMs: number; rounds: number },
): string {
  const rows = hot.byConcurrency.map((c) => [
    String(c.concurrency),
    f(c.clicksPerSecond, 0),
    f(c.p50Ms),
    f(c.p99Ms),
    f(c.cpuMsPerClick, 2),
    `${f(100 * c.clickedCopy.updatedBeforeAnswer, 1)} % of ${c.clickedCopy.clicks}`,
    `${f(c.clickedCopy.putFromAnswerP50Ms, 0)} / ${f(c.clickedCopy.putFromAnswerP95Ms, 0)}`,
    `${c.refused} / ${c.errors}`,
  ]);
  const header = [
    'C',
    'clicks/s',
    'p50 ms',
    'p99 ms',
    'CPU ms/click',
    'clicked message updated before the answer',
    'PUT from answer p50 / p95 ms',
    'refused / failed',
  ];
  const paceRows = hot.pace.perConversation.map((w) => [
    `${w.ms / 1000} s`,
    String(w.most),
    String(w.max),
    held(w.most <= w.max),
  ]);
  paceRows.push([
    '1 s, app-wide in the tenant',
    String(hot.pace.tenantMost),
    String(teamsLimits.perTenant.max),
    held(hot.pace.tenantMost <= teamsLimits.perTenant.max),
  ]);
  return `## The hot channel: ${hot.cards} cards in one channel

Every card in ${hot.channel}, one conversation as Teams counts it (a channel with all its reply threads),
where Teams' per-conversation limits bind. Our bot only, the same clicks as in the spread, ${settings.warmupMs / 1000} s warm-up
and ${settings.measureMs / 1000} s measured per concurrency, ${settings.rounds} round(s) in one process (medians). Posting the cards took ${f(hot.seedSeconds, 0)} s (paced).

${markdownTable([header, header.map(() => '---'), ...rows])}

"Clicked message updated before the answer": of the accepted clicks, the share whose clicked message the fake
connector saw PUT with the click's version before the answer arrived (the bot does so when Teams' pace lets that
send go within 100 ms, else it answers without updating the message and never redraws that version). "PUT from
answer": for those, from the answer to that PUT (negative: the PUT came first).

Sends as Teams counts them (POST and PUT to the channel and all its threads), over the process's whole life, cards'
posting included, as the fake connector saw them arrive:

${markdownTable([['window', 'most sends', 'Teams\u2019 limit', 'verdict'], ['---', '---', '---', '---'], ...paceRows])}

${busiestSecondSentence(hot.pace)}

Messages redrawn after the answer to the version the clicker already held: **${hot.redrawsToReadersVersion}** (must be 0):
${verdict(hot.redrawsToReadersVersion === 0)}. Cards whose message did not show their last change once the bot stopped: ${hot.cardsBehindAtEnd} of ${hot.cards}
(the version a click's answer carried is not drawn later; a card catches up with its next change).
`;
}

export function soakMarkdown(soaks: SoakResult[]): string {
  const header = [
    'engine',
    'clicks sent',
    'accepted / refused / failed',
    'p50 ms',
    'p99 ms',
    'CPU ms/click',
    `RSS MB around second ${soaks[0]?.settings.earlyAtS ?? 10}`,
    'RSS MB at the end',
    'growth',
    'heap in use at its lowest, first / last third, MB',
    'verdict',
  ];
  const rows = soaks.map((s) =>
    s.skipped
      ? [s.engine, `skipped: ${s.skipped}`, '', '', '', '', '', '', '', '', '']
      : [
          s.engine,
          String(s.sent),
          `${s.accepted} / ${s.refused} / ${s.errors}`,
          f(s.p50Ms),
          f(s.p99Ms),
          f(s.cpuMsPerClick, 2),
          f(s.earlyRssMb, 0),
          f(s.lateRssMb, 0),
          `${f(100 * s.growth, 1)} %`,
          `${f(s.heapFloorMb.first, 0)} / ${f(s.heapFloorMb.last, 0)}`,
          verdict(s.met),
        ],
  );
  const soak = soaks[0]?.settings;
  return `## The soak: ${soak?.clicksPerSecond} clicks a second for ${soak?.seconds} s

A freshly started process of ours, ${soak?.cards} cards in one channel, ${soak?.clicksPerSecond} clicks a second sent on schedule (open loop:
whether or not earlier clicks were answered), on SQLite and on PostgreSQL (a scratch database, dropped after).
RSS read every second; growth is the median of the samples around the last second over the median of those around
second ${soak?.earlyAtS}, minus 1. Beside it, V8's heap in use (the bot's \`/metrics\`, every second) at its lowest in the
first and in the last third: right after a full collection, what the bot holds on to. RSS that grows while that floor
does not is heap V8 grew before collecting, not a leak (every sample is in \`bench/results.json\`). A click sent before the one before it on the same card was answered is refused (stale version); it
still counts as an answer. Targets: growth under ${soakTarget.growth * 100} %, p99 under ${soakTarget.p99Ms} ms, no failed click.

${markdownTable([header, header.map(() => '---'), ...rows])}
`;
}

export function profileMarkdown(profile: SpreadProfile): string {
  return `## Where the time goes

One more window of the spread at C=${profile.concurrency}, our bot in a process of its own under \`node --cpu-prof\`
(${f(profile.clicksPerSecond, 0)} clicks/s and ${f(profile.cpuMsPerClick, 2)} CPU ms a click while profiled), summarised by
\`bench/profileSummary.ts\` over the measured window only. Generated on every run; \`npm run bench -- --profile\`
profiles every process of ours and prints the same summaries.

\`\`\`
${profile.summary}
\`\`\`
`;
}
