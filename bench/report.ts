// The bench's results: medians per side and concurrency, the ratios against the target,
// a console table, and docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import type { WindowStats } from './load';

export interface Params {
  escalations: number;
  concurrencies: number[];
  rounds: number;
  warmupMs: number;
  measureMs: number;
  copiesPerEscalation: number;
}

export interface CopiesCurrent {
  round: number;
  concurrency: number;
  current: boolean;
  afterMs: number;
  behind: number;
}

export interface SideSummary {
  rps: number;
  /** Lowest and highest requests/s over the rounds: how noisy the machine was. */
  rpsMin: number;
  rpsMax: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
  /** Card updates (PUTs) the bot sent per accepted click. */
  putsPerClick: number;
  /** CPU of the bench process (load + fake connector), % of one core: near 100 = the bench was the limit. */
  benchCpuPct: number;
  /** RSS right after start-up (ready), the lowest over the rounds. */
  startRssMb: number;
  /** Highest VmRSS while measuring, over the rounds. */
  peakRssMb: number;
  refused: number;
  errors: number;
}

export interface ConcurrencySummary {
  concurrency: number;
  ours: SideSummary;
  bare: SideSummary;
  /** ours / bare requests per second: target >= 0.9. */
  throughputRatio: number;
  /** ours / bare p99: target <= 1.2. */
  p99Ratio: number;
  met: boolean;
  /** Every copy showed the last click's version after every window of ours, and how long that took at most. */
  copiesCurrent: boolean;
  copiesCurrentAfterMs: number;
}

export interface Results {
  when: string;
  machine: ReturnType<typeof machine>;
  params: Params;
  windows: (WindowStats & { side: 'ours' | 'bare'; round: number; putsPerClick: number })[];
  copies: CopiesCurrent[];
  peaks: { side: 'ours' | 'bare'; round: number; startRssMb: number; peakRssMb: number }[];
  summary: { byConcurrency: ConcurrencySummary[]; met: boolean; verdict: string };
  totalSeconds: number;
}

export const target = { throughputRatio: 0.9, p99Ratio: 1.2 };

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

function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function side(windows: Results['windows'], peaks: Results['peaks']): SideSummary {
  return {
    rps: median(windows.map((w) => w.rps)),
    rpsMin: Math.min(...windows.map((w) => w.rps)),
    rpsMax: Math.max(...windows.map((w) => w.rps)),
    p50Ms: median(windows.map((w) => w.p50Ms)),
    p99Ms: median(windows.map((w) => w.p99Ms)),
    cpuMsPerRequest: median(windows.map((w) => w.cpuMsPerRequest)),
    putsPerClick: median(windows.map((w) => w.putsPerClick)),
    benchCpuPct: median(windows.map((w) => w.benchCpuPct)),
    startRssMb: Math.min(...peaks.map((p) => p.startRssMb)),
    peakRssMb: Math.max(...windows.map((w) => w.peakRssMb)),
    refused: windows.reduce((sum, w) => sum + w.refused, 0),
    errors: windows.reduce((sum, w) => sum + w.errors, 0),
  };
}

export function summarise(
  params: Params,
  windows: Results['windows'],
  copies: CopiesCurrent[],
  peaks: Results['peaks'],
): Results['summary'] {
  const byConcurrency = params.concurrencies.map((concurrency): ConcurrencySummary => {
    const ours = side(
      windows.filter((w) => w.side === 'ours' && w.concurrency === concurrency),
      peaks.filter((p) => p.side === 'ours'),
    );
    const bare = side(
      windows.filter((w) => w.side === 'bare' && w.concurrency === concurrency),
      peaks.filter((p) => p.side === 'bare'),
    );
    const throughputRatio = ours.rps / bare.rps;
    const p99Ratio = ours.p99Ms / bare.p99Ms;
    const mine = copies.filter((c) => c.concurrency === concurrency);
    const copiesCurrent = mine.length > 0 && mine.every((c) => c.current);
    return {
      concurrency,
      ours,
      bare,
      throughputRatio,
      p99Ratio,
      copiesCurrent,
      copiesCurrentAfterMs: Math.max(...mine.map((c) => c.afterMs)),
      met:
        throughputRatio >= target.throughputRatio &&
        p99Ratio <= target.p99Ratio &&
        copiesCurrent &&
        ours.refused === 0 &&
        ours.errors === 0,
    };
  });
  const met = byConcurrency.every((c) => c.met);
  const lines = byConcurrency.map(
    (c) =>
      `C=${c.concurrency}: throughput ${c.throughputRatio.toFixed(2)}x the bare bot (target >= ${target.throughputRatio}), ` +
      `p99 ${c.p99Ratio.toFixed(2)}x (target <= ${target.p99Ratio}), ` +
      `refused ${c.ours.refused}, errors ${c.ours.errors}, ` +
      `all copies current ${c.copiesCurrent ? `within ${c.copiesCurrentAfterMs} ms` : 'NO'}: ${c.met ? 'met' : 'MISSED'}`,
  );
  return {
    byConcurrency,
    met,
    verdict: `VERDICT: target ${met ? 'MET' : 'MISSED'}\n${lines.map((l) => `  ${l}`).join('\n')}`,
  };
}

const f = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function rows(results: Results): string[][] {
  const out: string[][] = [];
  for (const c of results.summary.byConcurrency) {
    for (const [name, s] of [
      ['Escalation Desk', c.ours],
      ['bare botbuilder bot', c.bare],
    ] as const) {
      out.push([
        String(c.concurrency),
        name,
        f(s.rps, 0),
        `${f(s.rpsMin, 0)}-${f(s.rpsMax, 0)}`,
        f(s.p50Ms),
        f(s.p99Ms),
        f(s.cpuMsPerRequest, 2),
        f(s.putsPerClick, 2),
        f(s.benchCpuPct, 0),
        `${f(s.startRssMb, 0)} / ${f(s.peakRssMb, 0)}`,
        String(s.refused),
        String(s.errors),
      ]);
    }
    out.push([
      String(c.concurrency),
      'ratio (ours / bare)',
      `${f(c.throughputRatio, 2)}x`,
      '',
      `${f(c.ours.p50Ms / c.bare.p50Ms, 2)}x`,
      `${f(c.p99Ratio, 2)}x`,
      `${f(c.ours.cpuMsPerRequest / c.bare.cpuMsPerRequest, 2)}x`,
      '',
      '',
      `peak ${f(c.ours.peakRssMb / c.bare.peakRssMb, 2)}x`,
      '',
      c.met ? 'met' : 'MISSED',
    ]);
  }
  return out;
}

const header = [
  'C',
  'bot',
  'req/s',
  'req/s range',
  'p50 ms',
  'p99 ms',
  'CPU ms/req',
  'PUTs/click',
  'bench CPU %',
  'RSS MB start / peak',
  'refused',
  'errors',
];

export function table(results: Results): string {
  const all = [header, ...rows(results)];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ')).join('\n');
}

export function markdown(results: Results, findingsPath: string): string {
  const { machine: m, params: p, summary } = results;
  const md = [header, header.map(() => '---'), ...rows(results)].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const reading = summary.byConcurrency
    .map((c) => {
      const why: string[] = [];
      if (c.throughputRatio < target.throughputRatio)
        why.push(`Throughput is ${f(c.throughputRatio, 2)}x the bare bot's (needs ${target.throughputRatio})`);
      if (c.p99Ratio > target.p99Ratio) why.push(`p99 is ${f(c.p99Ratio, 2)}x (allowed ${target.p99Ratio})`);
      if (!c.copiesCurrent) why.push('not every copy showed the last change');
      if (c.ours.refused + c.ours.errors > 0) why.push(`${c.ours.refused} refused and ${c.ours.errors} failed clicks`);
      return (
        `- **${c.concurrency} concurrent users: target ${c.met ? 'met' : 'missed'}.** ${
          c.met
            ? `Throughput ${f(c.throughputRatio, 2)}x, p99 ${f(c.p99Ratio, 2)}x the bare bot's.`
            : `${why.join('; ')}.`
        } CPU per click: ${f(c.ours.cpuMsPerRequest, 2)} ms against ${f(c.bare.cpuMsPerRequest, 2)} ms. Every card ` +
        `${c.copiesCurrent ? `showed the last change at most ${c.copiesCurrentAfterMs} ms after the last click` : 'did NOT all show the last change'}.`
      );
    })
    .join('\n');
  const findings = existsSync(findingsPath) ? `\n${readFileSync(findingsPath, 'utf8').trim()}\n` : '';
  return `# Benchmarks

Generated by \`npm run bench\` (bench/run.ts); raw figures in \`bench/results.json\`. Do not edit by
hand: run it again.

## The setStatus click: Escalation Desk against a bare botbuilder bot

What is measured: the \`adaptiveCard/action\` invoke \`escalation.setStatus\` sent over HTTP to
\`/api/messages\`, as Teams sends it, by ${p.concurrencies.join(' and ')} concurrent virtual users on
keep-alive connections. Each user owns ${p.concurrencies.map((c) => `${p.escalations / c}`).join(' or ')} of
${p.escalations} posted cards and clicks them in turn, alternating Investigating and Fix in progress,
always with the version the last answer showed: every click is a real change and none may be refused.

- **Escalation Desk** (\`node dist/src/main.js\`, local mode, a fresh SQLite file): reads the
  escalation, checks the version and the rules, saves it with its timeline entry and an outbox row in
  one transaction, answers with the new card; the delivery worker then PUTs the card to every posted
  copy (${p.copiesPerEscalation} per escalation here: its channel thread), paced per conversation,
  coalescing bursts.
- **bare bot** (\`bench/bareBot.ts\`): restify 11 + botbuilder CloudAdapter, local mode; answers the
  same invoke with one \`updateActivity\` of the clicked card and the card in the invoke response.
  No store, no rules.
- Both talk to one fake Bot Connector (\`tests/support/fakeConnector.ts\`) on loopback in the bench
  process, which also runs the load. Each bot is its own process, so RSS and CPU are its own.
- Per side and concurrency: ${p.warmupMs / 1000} s warm-up, then ${p.measureMs / 1000} s measured;
  ${p.rounds} rounds, sides alternated (ours, bare, bare, ours...), the table shows the median of
  the rounds (peak RSS: the highest). Latency is from sending the request to the end of the answer.
  After each window of ours the bench waits until the fake's copy of every card shows the last
  click's version: "all copies current".

Target: at least ${target.throughputRatio}x the bare bot's requests/s, p99 within ${target.p99Ratio}x.

Run ${results.when} on ${m.nproc} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}, Linux ${m.kernel}${
    m.commit ? `, commit ${m.commit} plus the working tree` : ''
  }; the whole run took ${f(results.totalSeconds, 0)} s.

${md}

Columns: req/s, p50, p99 and CPU are the median of the rounds; "req/s range" the lowest and highest
round (the machine is shared: a wide range means a noisy neighbour, and CPU ms/req is the steadier
figure). CPU ms/req: the bot process's user + system CPU time over the measured window divided by the
clicks answered in it. PUTs/click: card updates the bot sent to the connector per accepted click (the
bare bot sends one each; ours coalesces a burst on one card into fewer). bench CPU %: the load
generator and fake connector's process, in % of one core; near 100 would mean the bench, not the bot,
set the pace. RSS: right after start-up,
and the highest seen while measuring (VmRSS polled every 50 ms). On ${m.nproc} cores the load generator
and the fake connector share the machine with the bot, so requests/s is what one bot process does with
roughly one core.

## Reading

**Target ${summary.met ? 'met' : 'missed'}.**

${reading}
${findings}`;
}
