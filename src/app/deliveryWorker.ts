// Sends the delivery outbox: card posts, updates and replies queued in the same transaction
// as the changes that call for them. At least once, whichever replica claims them; paced where
// Teams counts (app/pacing.ts), the budget spent as a send leaves; retried while Teams or the
// network fail for a while (429 after its Retry-After, 5xx and network errors with backoff);
// given up on when a retry cannot help (another 4xx) or after too many attempts. A worker that
// dies leaves its rows leased: once the lease runs out, any worker sends them.
import { performance } from 'node:perf_hooks';
import { Bookkeeping } from './bookkeeping';
import { copyKey, describe } from './deliveries';
import type { DeliverySender, DeliverySettings, DeliveryWorkerDeps, UpdateOf } from './deliverySettings';
import { settingsOf, turnSendWaitMs } from './deliverySettings';
import { type Claimed, type Lane, Lanes } from './lanes';
import { iso, OutboxClock } from './outboxClock';
import { Pacer } from './pacing';
import { channelOfConversation, type OutboxStore, type QueuedDelivery } from './ports';
import { SendAhead } from './sendAhead';
import { nextTry, sendFailure } from './sendFailure';
import { Waiters } from './waiters';

export type { DeliverySender, DeliveryWorkerDeps, UpdateOf } from './deliverySettings';

export class DeliveryWorker {
  private readonly store: OutboxStore;
  private readonly sender: DeliverySender;
  private readonly log: (message: string) => void;
  private readonly onResult: NonNullable<DeliveryWorkerDeps['onResult']>;
  private readonly settings: DeliverySettings;
  private readonly lanes: Lanes;
  private readonly time: OutboxClock;
  private readonly waiters = new Waiters();

  private running = false;
  /** Ids claimed and not yet finished (waiting in a lane or being sent). */
  private readonly inHand = new Set<number>();
  private sending = 0;
  private readonly sends = new Set<Promise<void>>();
  private claiming: Promise<void> | undefined;
  private claimAgain = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private laneTimer: NodeJS.Timeout | undefined;
  private wakeTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  /** Own posts tried lately, by escalation id, and whether they went: what awaitPost waits for. */
  private readonly postsTried = new Map<string, boolean>();
  private readonly ahead: SendAhead;
  private readonly books: Bookkeeping;

  constructor(deps: DeliveryWorkerDeps) {
    this.store = deps.store;
    this.sender = deps.sender;
    this.log = deps.log;
    this.onResult = deps.onResult ?? (() => undefined);
    this.settings = settingsOf(deps);
    this.lanes = new Lanes(new Pacer(this.settings.pace));
    this.time = new OutboxClock(deps.clock, deps.store);
    this.books = new Bookkeeping(deps.log);
    this.ahead = new SendAhead({
      store: this.store,
      lanes: this.lanes,
      time: this.time,
      books: this.books,
      settings: this.settings,
      log: this.log,
      onResult: this.onResult,
      settle: (deliveries) => this.settle(deliveries),
      throttle: (lane, delayMs) => this.throttle(lane, delayMs),
      waitFor: (done, timeoutMs) => this.waitFor(done, timeoutMs, true),
      moved: (queued) => {
        if (queued) this.claim();
        this.schedule();
        this.notify();
      },
    });
  }

  /** Starts looking for due deliveries, now and every pollMs. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.claim();
  }

  /**
   * Stops claiming, hands back what is claimed but not yet being sent, and waits for the
   * sends under way (at most `graceMs`; a send still hanging then is retried by whichever
   * worker takes its row once the lease runs out).
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    for (const timer of [this.pollTimer, this.laneTimer, this.wakeTimer?.timer]) clearTimeout(timer);
    this.wakeTimer = undefined;
    await this.claiming;
    const unsent = this.lanes.takeAll().map(({ delivery }) => delivery.id);
    for (const id of unsent) this.inHand.delete(id);
    await this.books.safely('handing back unsent deliveries', () =>
      this.store.releaseDeliveries(unsent, undefined, this.settings.workerId),
    );
    await this.books.settled();
    this.notify();
    if (this.sends.size > 0) await this.waitFor(() => this.sends.size === 0, graceMs, true);
    const left = this.sends.size;
    if (left > 0)
      this.log(`Delivery worker stopped with ${left} send(s) waiting for Teams; sent again after their lease`);
  }

  /** Looks for due deliveries now instead of at the next poll. */
  kick(): void {
    this.claim();
  }

  /**
   * Kicks, and resolves true once this worker has posted the escalation's card in its tier's
   * channel; false once its post failed (it is retried) or after `timeoutMs` (another replica
   * may post it, or the channel's pace waits).
   */
  async awaitPost(escalationId: string, timeoutMs: number): Promise<boolean> {
    if (!this.running) return false;
    this.claim();
    await this.waitFor(() => this.postsTried.has(escalationId), timeoutMs);
    const posted = this.postsTried.get(escalationId) === true;
    this.postsTried.delete(escalationId);
    return posted;
  }

  /**
   * Sends one copy of a card at once, ahead of whatever its lane holds (the message a person just
   * clicked), if its chat or channel's pace lets it go within `waitMs`: `send` renders it, awaits
   * `turn()` (the pace) and sends it, in the copy's lane, so no other update of it overtakes it.
   * 'later' when the pace does not let it: the person who clicked has the card in the click's
   * answer, and a redraw of that version would close what they opened meanwhile, so nothing
   * queued for the copy before `savedAt` is sent (the change saved with a `clicked` effect queued
   * none); others see the change with its next update. When Teams fails the send (a 429 is
   * waited out within `throttledMs`), the copy is queued again: a failing Teams must not leave it
   * behind for good.
   */
  sendCopyNow(
    copy: UpdateOf,
    savedAt: string,
    send: (turn: () => Promise<void>) => Promise<void>,
    within: { waitMs: number; throttledMs: number },
  ): Promise<'sent' | 'later'> {
    return this.ahead.send(copy, savedAt, send, within);
  }

  /** A message sent in a turn (a reply, a post elsewhere) takes its turn in its place's pace (turnSendWaitMs). */
  paceTurnSend(conversationId: string): Promise<void> {
    return this.lanes.paced(channelOfConversation(conversationId), turnSendWaitMs);
  }

  /** For tests and benchmarks: resolves once nothing is pending at all; rejects after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const pending = await this.store.pendingDeliveries();
      if (pending === 0) return;
      const left = deadline - performance.now();
      if (left <= 0) {
        const state = this.running ? '' : ' (the worker is stopped)';
        throw new Error(`${pending} deliveries still pending after ${timeoutMs} ms${state}`);
      }
      this.claim();
      await this.waitFor(() => false, Math.min(left, 50));
    }
  }

  // Claiming: one round at a time; a kick during a round asks for another right after it.

  private claim(): void {
    if (!this.running) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    clearTimeout(this.pollTimer);
    this.claiming = this.claimRound().finally(() => {
      this.claiming = undefined;
      if (!this.running) return;
      if (this.claimAgain) {
        this.claimAgain = false;
        this.claim();
      } else {
        this.pollTimer = setTimeout(() => this.claim(), this.settings.pollMs);
        this.pollTimer.unref();
      }
    });
  }

  private async claimRound(): Promise<void> {
    // Requests waiting meanwhile go first: with a store that answers synchronously (SQLite) and
    // sends that finish at once, round after round of a backlog would never let one in.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      const room = this.settings.capacity - this.inHand.size;
      if (room > 0) {
        const now = await this.time.fresh();
        const rows = await this.store.claimDeliveries(
          this.settings.workerId,
          iso(now),
          iso(now + this.settings.leaseMs),
          room,
        );
        // A full hand: more may be due.
        if (rows.length === room) this.claimAgain = true;
        this.take(rows);
      }
      this.books.outboxBack();
    } catch (error) {
      this.books.outboxAway(error);
    }
    this.notify();
  }

  private take(rows: QueuedDelivery[]): void {
    const claimedAt = performance.now();
    const throttled = new Map<number, number>();
    const coalesced: QueuedDelivery[] = [];
    for (const delivery of rows) {
      const lane = this.lanes.laneFor(delivery);
      if (this.inHand.has(delivery.id)) {
        // Our own lease ran out while the row waited (or was sent), and we claimed it again: once is enough.
        const held = lane.waiting.find((item) => item.delivery.id === delivery.id);
        if (held) held.claimedAt = claimedAt;
        continue;
      }
      // The same card (or post) already waits here unsent: it renders the escalation as it is when
      // it goes, so it carries this change too. A burst of changes becomes one or two sends. A
      // copy sent ahead since this was queued (app/deliveryWorker.ts sendCopyNow) is not sent again.
      const copy = copyKey(delivery);
      if (
        this.ahead.covers(delivery) ||
        (copy !== undefined && lane.waiting.some((item) => copyKey(item.delivery) === copy))
      ) {
        coalesced.push(delivery);
        continue;
      }
      // A place Teams throttles for long: hand the row back until then rather than sit on its lease.
      const pause = this.lanes.nextAt(lane, claimedAt) - claimedAt;
      if (pause > this.holdLimitMs) {
        throttled.set(delivery.id, pause);
        continue;
      }
      this.inHand.add(delivery.id);
      lane.waiting.push({ delivery, claimedAt });
    }
    for (const [id, pause] of throttled) this.books.meanwhile(this.handBack([id], pause));
    this.settle(coalesced);
    this.schedule();
  }

  // Sending: each lane one send at a time, paced where Teams counts; up to `concurrency` at once, in turn.

  private schedule(): void {
    clearTimeout(this.laneTimer);
    this.laneTimer = undefined;
    if (!this.running) return;
    const now = performance.now();
    const { starts, nextAt } = this.lanes.ready(now, this.settings.concurrency - this.sending);
    for (const { lane, item } of starts) this.startSend(lane, item);
    if (nextAt !== Number.POSITIVE_INFINITY) {
      this.laneTimer = setTimeout(() => this.schedule(), Math.max(0, nextAt - now));
      this.laneTimer.unref();
    }
  }

  private startSend(lane: Lane, item: Claimed): void {
    lane.sending = true;
    this.sending += 1;
    const send = this.deliver(lane, item).finally(() => {
      lane.sending = false;
      this.sending -= 1;
      this.sends.delete(send);
      this.schedule();
      // Running low: fetch more now rather than at the next poll.
      if (this.inHand.size <= this.settings.capacity / 4) this.claim();
      this.notify();
    });
    this.sends.add(send);
  }

  private async deliver(lane: Lane, { delivery, claimedAt }: Claimed): Promise<void> {
    // Too close to the end of its lease: another worker may take it mid-send. Hand it back whole.
    if (performance.now() - claimedAt > this.settings.leaseMs * 0.75) {
      await this.handBack([delivery.id], 0);
      return;
    }
    try {
      await this.sender.send(delivery, () => this.turn(lane));
    } catch (error) {
      // Out of hand once its outcome is written: a claim from then on may take it afresh.
      this.inHand.delete(delivery.id);
      await this.books.safely(`recording the failure of ${describe(delivery)}`, () =>
        this.failed(lane, delivery, error),
      );
      this.rememberPost(delivery, false);
      return;
    } finally {
      this.lanes.awaitingTurn(lane, false);
    }
    this.inHand.delete(delivery.id);
    this.onResult(delivery.kind, 'sent', false);
    this.rememberPost(delivery, true);
    await this.books.safely(`recording ${describe(delivery)} as sent`, async () => {
      const mine = await this.store.completeDelivery(delivery.id, this.time.iso(), this.settings.workerId);
      if (!mine) this.log(`${describe(delivery)} was sent after its lease ran out; another worker sends it again`);
    });
  }

  /** A send's turn in its place: when the budgets allow it, they are spent and it leaves. */
  private async turn(lane: Lane): Promise<void> {
    await this.lanes.turn(lane);
    this.schedule();
  }

  /** Deliveries this worker holds that need no sending: recorded as done. */
  private settle(deliveries: QueuedDelivery[]): void {
    if (deliveries.length === 0) return;
    for (const { id } of deliveries) this.inHand.delete(id);
    const at = this.time.iso();
    this.books.meanwhile(
      this.books.safely('recording deliveries carried by another', async () => {
        for (const { id } of deliveries) await this.store.completeDelivery(id, at, this.settings.workerId);
      }),
    );
  }

  /** An escalation's own post tried, for awaitPost; kept until awaited, or forgotten with many others. */
  private rememberPost(delivery: QueuedDelivery, posted: boolean): void {
    if (delivery.kind !== 'post' || delivery.target) return;
    if (this.postsTried.size > 1000) this.postsTried.clear();
    this.postsTried.set(delivery.escalationId, posted);
  }

  private async failed(lane: Lane, delivery: QueuedDelivery, error: unknown): Promise<void> {
    const now = this.time.now();
    const failure = sendFailure(error, now);
    const attempts = delivery.attempts + 1;
    const what = `${describe(delivery)}, attempt ${attempts} of ${this.settings.maxAttempts}`;
    const throttled = failure.statusCode === 429;
    const next = nextTry(failure, attempts, this.settings);
    this.onResult(delivery.kind, 'giveUp' in next ? 'failed' : 'retried', throttled);
    if ('giveUp' in next) {
      this.log(`Gave up on ${what}: ${failure.message}${next.giveUp}`);
      await this.store.failDelivery(delivery.id, iso(now), failure.message, this.settings.workerId);
      return;
    }
    this.log(`${what} failed: ${failure.message}; trying again in ${Math.round(next.afterMs)} ms`);
    // Teams throttles the conversation, not one message: the rest of it waits too.
    if (throttled) this.throttle(lane, next.afterMs);
    await this.store.retryDelivery(delivery.id, iso(now + next.afterMs), failure.message, this.settings.workerId);
    this.wakeIn(next.afterMs);
  }

  private throttle(lane: Lane, delayMs: number): void {
    lane.notBefore = Math.max(lane.notBefore, performance.now() + delayMs);
    if (delayMs <= this.holdLimitMs) return;
    this.books.meanwhile(
      this.handBack(
        lane.waiting.splice(0).map(({ delivery }) => delivery.id),
        delayMs,
      ),
    );
  }

  /** Gives claimed rows back unsent, due again in `afterMs`; no attempt is counted. */
  private async handBack(ids: number[], afterMs: number): Promise<void> {
    if (ids.length === 0) return;
    for (const id of ids) this.inHand.delete(id);
    const at = this.time.iso(afterMs);
    await this.books.safely('handing back deliveries', () =>
      this.store.releaseDeliveries(ids, at, this.settings.workerId),
    );
    this.wakeIn(afterMs);
  }

  /** Claims again when a retry falls due, if that is before the next poll. */
  private wakeIn(delayMs: number): void {
    if (!this.running || delayMs >= this.settings.pollMs) return;
    const at = performance.now() + delayMs;
    if (this.wakeTimer && this.wakeTimer.at <= at) return;
    clearTimeout(this.wakeTimer?.timer);
    // A little late rather than early: the row's due time is rounded to the millisecond.
    const timer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.claim();
    }, Math.max(0, delayMs) + 2);
    timer.unref();
    this.wakeTimer = { at, timer };
  }

  /** Rows held longer than this risk outliving their lease. */
  private get holdLimitMs(): number {
    return this.settings.leaseMs / 4;
  }

  /** Resolves once `done()` or after `timeoutMs`; at once when the worker stops, unless `evenStopped`. */
  private waitFor(done: () => boolean, timeoutMs: number, evenStopped = false): Promise<void> {
    return this.waiters.waitFor(done, timeoutMs, () => this.running || evenStopped);
  }

  private notify(): void {
    this.waiters.notify();
  }
}
