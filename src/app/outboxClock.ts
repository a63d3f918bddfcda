// Now by the database's clock: leases and due times in the outbox are its, whatever the replicas'
// clocks say. Asked again every 10 s; in between, ours plus the difference last seen.
import { performance } from 'node:perf_hooks';
import type { Clock, OutboxStore } from './ports';

const askEveryMs = 10_000;

export class OutboxClock {
  /** The database's clock minus ours, and when that was last asked (performance.now()). */
  private skew = { ms: 0, askedAt: Number.NEGATIVE_INFINITY };

  constructor(
    private readonly clock: Clock,
    private readonly store: Pick<OutboxStore, 'databaseNow'>,
  ) {}

  /** Now (ms), the database asked if it was not lately. */
  async fresh(): Promise<number> {
    const local = this.clock.now().getTime();
    if (performance.now() - this.skew.askedAt > askEveryMs) {
      this.skew = { ms: (await this.store.databaseNow()).getTime() - local, askedAt: performance.now() };
    }
    return local + this.skew.ms;
  }

  /** Now (ms), as of the last look at the database. */
  now(): number {
    return this.clock.now().getTime() + this.skew.ms;
  }

  /** That moment, `afterMs` from now, as the outbox writes it. */
  iso(afterMs = 0): string {
    return iso(this.now() + afterMs);
  }
}

/** A moment (ms since the epoch) as the outbox writes it. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
