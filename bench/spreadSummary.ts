// The spread's rounds brought together: per concurrency and side the median of the rounds (RSS:
// the highest), ours against the bare bot, and each target met or not.
import { median } from './harness';
import type { SpreadRun, SpreadWindow } from './spread';

export const spreadTarget = { throughputRatio: 0.5, cpuMsPerClick: 1.0, p99Ratio: 2 };

export interface SideSummary {
  clicksPerSecond: number;
  /** Lowest and highest over the rounds: how noisy the machine was. */
  rpsMin: number;
  rpsMax: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerClick: number;
  putsPerClick: number;
  /** CPU of the bench process (load and fake connector), % of one core: near 100 = the bench was the limit. */
  benchCpuPct: number;
  /** RSS right after start-up (lowest over the rounds) and the highest while measuring. */
  startRssMb: number;
  peakRssMb: number;
  refused: number;
  errors: number;
}

export interface SpreadAtConcurrency {
  concurrency: number;
  ours: SideSummary;
  bare: SideSummary;
  throughputRatio: number;
  p99Ratio: number;
  /** Each target that applies here (throughput only at the highest concurrency): met or not. */
  targets: { name: string; figure: string; met: boolean }[];
  met: boolean;
}

export type SpreadSummary = Omit<SpreadRun, 'measuredSpans'> & { byConcurrency: SpreadAtConcurrency[]; met: boolean };

const twoPlaces = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');

function side(windows: SpreadWindow[], peaks: SpreadRun['peaks']): SideSummary {
  return {
    clicksPerSecond: median(windows.map((w) => w.rps)),
    rpsMin: Math.min(...windows.map((w) => w.rps)),
    rpsMax: Math.max(...windows.map((w) => w.rps)),
    p50Ms: median(windows.map((w) => w.p50Ms)),
    p99Ms: median(windows.map((w) => w.p99Ms)),
    cpuMsPerClick: median(windows.map((w) => w.cpuMsPerRequest)),
    putsPerClick: median(windows.map((w) => w.putsPerClick)),
    benchCpuPct: median(windows.map((w) => w.benchCpuPct)),
    startRssMb: Math.min(...peaks.map((p) => p.startRssMb)),
    peakRssMb: Math.max(...windows.map((w) => w.peakRssMb)),
    refused: windows.reduce((sum, w) => sum + w.refused, 0),
    errors: windows.reduce((sum, w) => sum + w.errors, 0),
  };
}

export function summariseSpread(run: SpreadRun): SpreadSummary {
  const { measuredSpans: _spans, ...rest } = run;
  const highest = Math.max(...run.windows.map((w) => w.concurrency));
  const concurrencies = [...new Set(run.windows.map((w) => w.concurrency))];
  const byConcurrency = concurrencies.map((concurrency): SpreadAtConcurrency => {
    const of = (s: 'ours' | 'bare') =>
      side(
        run.windows.filter((w) => w.side === s && w.concurrency === concurrency),
        run.peaks.filter((p) => p.side === s),
      );
    const ours = of('ours');
    const bare = of('bare');
    const throughputRatio = ours.clicksPerSecond / bare.clicksPerSecond;
    const p99Ratio = ours.p99Ms / bare.p99Ms;
    const targets = [
      ...(concurrency === highest
        ? [
            {
              name: `clicks/s at least ${spreadTarget.throughputRatio}x the bare bot's`,
              figure: `${twoPlaces(throughputRatio)}x`,
              met: throughputRatio >= spreadTarget.throughputRatio,
            },
          ]
        : []),
      {
        name: `CPU at most ${spreadTarget.cpuMsPerClick.toFixed(1)} ms a click`,
        figure: `${twoPlaces(ours.cpuMsPerClick)} ms`,
        met: ours.cpuMsPerClick <= spreadTarget.cpuMsPerClick,
      },
      {
        name: `p99 at most ${spreadTarget.p99Ratio}x the bare bot's`,
        figure: `${twoPlaces(p99Ratio)}x`,
        met: p99Ratio <= spreadTarget.p99Ratio,
      },
      {
        name: 'no click refused or failed',
        figure: `${ours.refused + ours.errors}`,
        met: ours.refused + ours.errors === 0,
      },
    ];
    return { concurrency, ours, bare, throughputRatio, p99Ratio, targets, met: targets.every((t) => t.met) };
  });
  return { ...rest, byConcurrency, met: byConcurrency.every((c) => c.met) };
}
