// Promises that resolve when a condition holds, looked at again whenever their owner's state
// changes (notify), or when their time is up.

export class Waiters {
  private readonly listeners = new Set<() => void>();

  /** Resolves once `done()` or after `timeoutMs`; also once `stillWaiting()` turns false. */
  waitFor(done: () => boolean, timeoutMs: number, stillWaiting: () => boolean = () => true): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const check = () => {
        if (done() || !stillWaiting()) finish();
      };
      const timer = setTimeout(finish, Math.max(0, timeoutMs));
      this.listeners.add(check);
    });
  }

  /** Something changed: every waiter looks again. */
  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
