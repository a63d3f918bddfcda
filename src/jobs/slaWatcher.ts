// Checks the SLA clocks every SLA_CHECK_INTERVAL. Sweeps never overlap; a failed sweep is
// logged and the next one runs as usual.
import { type SweepReport, sweepClocks, type WatchDeps } from '../app/watchClocks';

export class SlaWatcher {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** Reminder keys this process has queued: not offered to the store again. */
  private readonly remembered = new Set<string>();

  constructor(
    private readonly deps: WatchDeps,
    private readonly intervalMs: number,
    /** Told what each sweep did (for metrics). */
    private readonly onSwept: (report: SweepReport) => void = () => undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
    void this.sweep();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep now, unless one is already running (then wait for it). */
  sweep(): Promise<void> {
    if (this.running) return this.running;
    this.running = sweepClocks(this.deps, this.remembered)
      .then((report) => this.onSwept(report))
      .catch((error: unknown) => this.deps.log(`SLA sweep failed: ${(error as Error).stack ?? error}`))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
