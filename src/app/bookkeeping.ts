// The delivery worker's writes about its rows (sent, handed back, carried by another): none may
// throw into a send or a timer, each is logged when it fails, and stopping waits for those under
// way. The outbox away is said once a minute, not at every poll.
import { performance } from 'node:perf_hooks';
import { messageOf } from './sendFailure';

export class Bookkeeping {
  private readonly underWay = new Set<Promise<void>>();
  private trouble: { message: string; loggedAt: number } | undefined;

  constructor(private readonly log: (message: string) => void) {}

  /** Does `work`; a failure is logged, not thrown. */
  async safely(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.log(`Delivery worker: ${what} failed: ${messageOf(error)}`);
    }
  }

  /** Lets `work` (that throws nothing) go on without waiting for it; `settled` waits for it. */
  meanwhile(work: Promise<void>): void {
    this.underWay.add(work);
    void work.finally(() => this.underWay.delete(work));
  }

  async settled(): Promise<void> {
    await Promise.allSettled([...this.underWay]);
  }

  /** The outbox cannot be reached. */
  outboxAway(error: unknown): void {
    const message = messageOf(error);
    const now = performance.now();
    if (this.trouble?.message === message && now - this.trouble.loggedAt < 60_000) return;
    this.trouble = { message, loggedAt: now };
    this.log(`Delivery worker cannot reach the outbox: ${message}; deliveries wait until it can`);
  }

  outboxBack(): void {
    this.trouble = undefined;
  }
}
