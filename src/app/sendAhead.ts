// The message a person just clicked, sent in the click's own turn, ahead of what its lane holds,
// when Teams' pace lets it go at once; and what was queued for it before, not sent after it. The
// delivery worker owns the lanes and the rows; this is the one send that does not wait its turn
// in the outbox (app/deliveryWorker.ts sendCopyNow).
import { performance } from 'node:perf_hooks';
import type { Bookkeeping } from './bookkeeping';
import { copyKey, copyKeyOf, updatesOf } from './deliveries';
import type { DeliverySettings, DeliveryWorkerDeps, UpdateOf } from './deliverySettings';
import type { Lane, Lanes } from './lanes';
import type { OutboxClock } from './outboxClock';
import { channelOfConversation, type OutboxStore, type QueuedDelivery } from './ports';
import { sendFailure } from './sendFailure';

/** What sending ahead takes from the worker. */
export interface AheadDeps {
  store: Pick<OutboxStore, 'enqueueDeliveries'>;
  lanes: Lanes;
  time: OutboxClock;
  books: Bookkeeping;
  settings: Pick<DeliverySettings, 'leaseMs' | 'capacity' | 'backoff'>;
  log: (message: string) => void;
  onResult: NonNullable<DeliveryWorkerDeps['onResult']>;
  /** Deliveries held that need no sending: recorded as done. */
  settle: (deliveries: QueuedDelivery[]) => void;
  /** Teams answered 429 for this lane's place. */
  throttle: (lane: Lane, delayMs: number) => void;
  /** Resolves once `done()` (looked at whenever the worker's state changes) or after `timeoutMs`. */
  waitFor: (done: () => boolean, timeoutMs: number) => Promise<void>;
  /** A lane is free again (and a row was `queued`): the worker looks at its lanes (and the outbox). */
  moved: (queued?: boolean) => void;
}

/** The pace did not let the send go in time: nothing was sent. */
const held = Symbol('held');

export class SendAhead {
  /** Copies sent (or settled) ahead of their lane, and when. */
  private readonly marks = new Map<string, string>();

  constructor(private readonly deps: AheadDeps) {}

  /** Whether this delivery was queued for a copy before that copy was sent ahead: then it is not sent. */
  covers(delivery: QueuedDelivery): boolean {
    const copy = copyKey(delivery);
    const at = copy === undefined ? undefined : this.marks.get(copy);
    return at !== undefined && delivery.createdAt <= at;
  }

  /** See DeliveryWorker.sendCopyNow. */
  async send(
    copy: UpdateOf,
    savedAt: string,
    send: (turn: () => Promise<void>) => Promise<void>,
    { waitMs, throttledMs }: { waitMs: number; throttledMs: number },
  ): Promise<'sent' | 'later'> {
    const { lanes, store, time } = this.deps;
    const started = performance.now();
    const key = copyKeyOf(copy);
    // What waited unclaimed for the copy was settled as the change was saved; rows claimed before
    // then are in hand (taken out of the lane here) or about to be (`covers` drops them).
    this.mark(key, savedAt);
    const lane = lanes.laneOfConversation(copy.conversationId, channelOfConversation(copy.conversationId));
    this.deps.settle(lanes.takeCopy(lane, key).map(({ delivery }) => delivery));
    // Another send of this thread is on its way: it goes first, so the newest lands last.
    if (lane.sending) await this.deps.waitFor(() => !lane.sending, started + waitMs - performance.now());
    if (lane.sending) return 'later';
    lane.sending = true;
    let queued = false;
    try {
      const failure = await this.inTurn(lane, send, started + waitMs, started + throttledMs);
      if (failure === undefined) return 'sent';
      if (failure === held) return 'later';
      this.deps.log(
        `The clicked card in ${copy.conversationId} was not updated at once: ${failure}; it is queued again`,
      );
      this.marks.delete(key);
      await this.deps.books.safely('queueing a clicked card again', () =>
        store.enqueueDeliveries(updatesOf([copy]), time.iso()),
      );
      queued = true;
      return 'later';
    } finally {
      lane.sending = false;
      this.deps.moved(queued);
    }
  }

  /**
   * `send` (which renders, then awaits its turn, then sends) once the pace lets it go by `until`
   * (else `held`, nothing sent), again after a 429's Retry-After if that ends by `throttledUntil`;
   * what failed, if it did not go. The budgets are looked at again after every wait: other sends
   * to the place may have spent them meanwhile.
   */
  private async inTurn(
    lane: Lane,
    send: (turn: () => Promise<void>) => Promise<void>,
    until: number,
    throttledUntil: number,
  ): Promise<string | typeof held | undefined> {
    for (let by = until; ; ) {
      // Not drawn at all when the pace cannot let it go in time (the usual case in a busy place).
      if (this.deps.lanes.nextAt(lane, performance.now()) > by) return held;
      const turn = async () => {
        if (!(await this.deps.lanes.turnBy(lane, by))) throw held;
      };
      const failure = await send(turn).then(
        () => undefined,
        (error: unknown) => (error === held ? held : sendFailure(error, this.deps.time.now())),
      );
      if (failure === held) return held;
      const throttled = failure?.statusCode === 429;
      this.deps.onResult('update', failure ? 'retried' : 'sent', throttled);
      if (!failure) return undefined;
      if (!throttled) return failure.message;
      this.deps.throttle(lane, failure.retryAfterMs ?? this.deps.settings.backoff.baseMs);
      by = throttledUntil;
      if (this.deps.lanes.nextAt(lane, performance.now()) > by) return failure.message;
    }
  }

  private mark(copy: string, at: string): void {
    this.marks.set(copy, at);
    if (this.marks.size <= this.deps.settings.capacity * 64) return;
    // Marks older than a lease are no use: a row queued before them was claimed (and settled) long since.
    const before = this.deps.time.iso(-this.deps.settings.leaseMs);
    for (const [key, markedAt] of this.marks) if (markedAt < before) this.marks.delete(key);
  }
}
