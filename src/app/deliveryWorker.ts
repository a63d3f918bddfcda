// Sends the delivery outbox: card posts, updates and replies queued in the same transaction
// as the changes that call for them. At least once, whichever replica claims them; paced where
// Teams counts (app/pacing.ts), the budget spent as a send leaves; retried while Teams or the
// network fail for a while (429 after its Retry-After, 5xx and network errors with backoff);
// given up on when a retry cannot help (another 4xx) or after too many attempts. A worker that
// dies leaves its rows leased: once the lease runs out, any worker sends them.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { copyKey, copyKeyOf, updatesOf } from './deliveries';
import { type Claimed, type Lane, Lanes } from './lanes';
import { type PaceLimits, Pacer } from './pacing';
import { type Clock, channelOfConversation, type OutboxStore, type PostedCard, type QueuedDelivery } from './ports';
import { perConversationLimits, type SendLimit } from './sendBudget';
import { backoffMs, messageOf, retryable, sendFailure } from './sendFailure';

/** One copy of a card, as an update names it. */
export type UpdateOf = Pick<PostedCard, 'escalationId' | 'conversationId' | 'activityId' | 'serviceUrl'>;

/** Renders and sends one delivery. Implemented in src/teams. */
export interface DeliverySender {
  /**
   * Renders the delivery, awaits `turn()` right before it leaves (the pace: it spends the
   * budget), and resolves once Teams has it. Throws when it did not go, with `statusCode` (and
   * `retryAfterMs`, or a botbuilder error's `response.headers['retry-after']`) when Teams
   * answered: a 4xx other than 408 and 429 is never retried, so throw one for a delivery that
   * cannot succeed. A delivery with nothing to send resolves without taking its turn.
   */
  send(delivery: QueuedDelivery, turn: () => Promise<void>): Promise<void>;
}

export interface DeliveryWorkerDeps {
  store: OutboxStore;
  clock: Clock;
  sender: DeliverySender;
  log: (message: string) => void;
  /** Told of each send's result (for metrics); `throttled` when the answer was a 429. */
  onResult?: (kind: QueuedDelivery['kind'], result: 'sent' | 'retried' | 'failed', throttled: boolean) => void;
  /** Names this worker's leases; unique per process by default. */
  workerId?: string;
  /** How often to look for due deliveries when nobody kicks. */
  pollMs?: number;
  /** At most so many sends to one chat or channel in so long (default: Teams' published per-thread limits). */
  conversationLimits?: readonly SendLimit[];
  /** At most so many emails from the mailbox in so long (default: Exchange's 30 a minute). */
  mailboxLimits?: readonly SendLimit[];
  /** At most so many sends in all, per app and tenant (default: Teams' 50 a second). */
  tenantLimits?: readonly SendLimit[];
  /** At least this long between two sends to one chat or channel, on top of the limits (tests). */
  perConversationIntervalMs?: number;
  /** Sends under way at once. */
  concurrency?: number;
  /** Sends of one delivery before it is given up on. */
  maxAttempts?: number;
  /** How long a claimed delivery stays this worker's before another may take it. */
  leaseMs?: number;
  /** Backoff after a 5xx or network error: random up to min(cap, base * 2^(attempts - 1)). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** [0, 1), for the jitter. */
  random?: () => number;
}

/** How often the database's clock is asked again (leases and due times are its). */
const skewCheckMs = 10_000;

export class DeliveryWorker {
  private readonly store: OutboxStore;
  private readonly clock: Clock;
  private readonly sender: DeliverySender;
  private readonly log: (message: string) => void;
  private readonly onResult: NonNullable<DeliveryWorkerDeps['onResult']>;
  private readonly workerId: string;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly leaseMs: number;
  private readonly backoff: { baseMs: number; capMs: number; random: () => number };
  /** Deliveries held in memory at most: enough to keep every lane busy, few enough to send within their lease. */
  private readonly capacity: number;
  private readonly lanes: Lanes;

  private running = false;
  /** The database's clock minus ours, and when that was last asked (performance.now()). */
  private skew = { ms: 0, askedAt: Number.NEGATIVE_INFINITY };
  /** Ids claimed and not yet finished (waiting in a lane or being sent). */
  private readonly inHand = new Set<number>();
  private sending = 0;
  private readonly sends = new Set<Promise<void>>();
  /** Bookkeeping writes not tied to a send (coalesced rows, rows handed back). */
  private readonly chores = new Set<Promise<void>>();
  private claiming: Promise<void> | undefined;
  private claimAgain = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private laneTimer: NodeJS.Timeout | undefined;
  private wakeTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  /** Called whenever something is sent or the worker's state changes: waiters look again. */
  private readonly listeners = new Set<() => void>();
  /** Own posts tried lately, by escalation id, and whether they went: what awaitPost waits for. */
  private readonly postsTried = new Map<string, boolean>();
  /** Copies sent (or settled) ahead of their lane, and when: what was queued for them before is not sent again. */
  private readonly sentAhead = new Map<string, string>();
  private storeTrouble: { message: string; loggedAt: number } | undefined;

  constructor(deps: DeliveryWorkerDeps) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.sender = deps.sender;
    this.log = deps.log;
    this.onResult = deps.onResult ?? (() => undefined);
    this.workerId = deps.workerId ?? `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
    this.pollMs = deps.pollMs ?? 500;
    const spacing = deps.perConversationIntervalMs ? [{ ms: deps.perConversationIntervalMs, max: 1 }] : [];
    const limits: PaceLimits = {
      place: [...(deps.conversationLimits ?? perConversationLimits), ...spacing],
      mailbox: deps.mailboxLimits,
      tenant: deps.tenantLimits,
    };
    this.lanes = new Lanes(new Pacer(limits));
    this.concurrency = Math.max(1, deps.concurrency ?? 8);
    this.maxAttempts = Math.max(1, deps.maxAttempts ?? 12);
    this.leaseMs = deps.leaseMs ?? 30_000;
    this.backoff = {
      baseMs: deps.backoffBaseMs ?? 500,
      capMs: deps.backoffCapMs ?? 60_000,
      random: deps.random ?? Math.random,
    };
    this.capacity = this.concurrency * 4;
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
    await this.safely('handing back unsent deliveries', () =>
      this.store.releaseDeliveries(unsent, undefined, this.workerId),
    );
    await Promise.allSettled([...this.chores]);
    this.notify();
    if (this.sends.size > 0) await this.waitFor(() => this.sends.size === 0, graceMs, true);
    if (this.sends.size > 0) {
      this.log(
        `Delivery worker stopped with ${this.sends.size} send(s) still waiting for Teams; ` +
          'they are sent again once their lease runs out',
      );
    }
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
   * clicked), if its chat or channel's pace lets it go within `waitMs`: `send` leaves in the
   * copy's lane, so no other update of it overtakes it. 'later' when the pace does not let it:
   * the person who clicked has the card in the click's answer, and a redraw of that version would
   * close what they opened meanwhile, so nothing queued for the copy until now is sent; others see
   * the change with the copy's next update. When Teams fails the send (a 429 is waited out within
   * `throttledMs`), the copy is queued again: a failing Teams must not leave it behind for good.
   */
  async sendCopyNow(
    copy: UpdateOf,
    send: () => Promise<void>,
    { waitMs, throttledMs }: { waitMs: number; throttledMs: number },
  ): Promise<'sent' | 'later'> {
    const started = performance.now();
    const key = copyKeyOf(copy);
    const at = iso(this.outboxNow());
    await this.safely('settling a clicked card', () => this.store.settleCopy(copy, at));
    this.sentAhead.set(key, at);
    if (this.sentAhead.size > this.capacity * 64) this.forgetSentAhead();
    const lane = this.lanes.laneOfConversation(copy.conversationId, channelOfConversation(copy.conversationId));
    this.settle(this.lanes.takeCopy(lane, key).map(({ delivery }) => delivery));
    // Another send of this thread is on its way: it goes first, so the newest lands last.
    if (lane.sending) await this.waitFor(() => !lane.sending, started + waitMs - performance.now(), true);
    const leaves = lane.sending ? Number.POSITIVE_INFINITY : this.lanes.nextAt(lane, performance.now());
    if (leaves > started + waitMs) return 'later';
    lane.sending = true;
    try {
      const failure = await this.sendInTurn(lane, leaves, send, started + throttledMs);
      if (!failure) return 'sent';
      this.log(`The clicked card in ${copy.conversationId} was not updated at once: ${failure}; it is queued again`);
      this.sentAhead.delete(key);
      await this.safely('queueing a clicked card again', () =>
        this.store.enqueueDeliveries(updatesOf([copy]), iso(this.outboxNow())),
      );
      this.claim();
      return 'later';
    } finally {
      lane.sending = false;
      this.schedule();
      this.notify();
    }
  }

  /** `send` at `leaves`, again after a 429's Retry-After if that ends by `until`; what failed, if it did not go. */
  private async sendInTurn(
    lane: Lane,
    leaves: number,
    send: () => Promise<void>,
    until: number,
  ): Promise<string | undefined> {
    for (let waitUntil = leaves; ; ) {
      if (waitUntil > performance.now()) await sleep(waitUntil - performance.now());
      this.lanes.spend(lane, performance.now());
      const failure = await send().then(
        () => undefined,
        (error: unknown) => sendFailure(error, this.outboxNow()),
      );
      const throttled = failure?.statusCode === 429;
      this.onResult('update', failure ? 'retried' : 'sent', throttled);
      if (!failure) return undefined;
      const retryAfterMs = throttled ? (failure.retryAfterMs ?? this.backoff.baseMs) : Number.POSITIVE_INFINITY;
      if (throttled) this.throttle(lane, retryAfterMs);
      waitUntil = performance.now() + retryAfterMs;
      if (waitUntil > until) return failure.message;
    }
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
        this.pollTimer = setTimeout(() => this.claim(), this.pollMs);
        this.pollTimer.unref();
      }
    });
  }

  private async claimRound(): Promise<void> {
    // Requests waiting meanwhile go first: with a store that answers synchronously (SQLite) and
    // sends that finish at once, round after round of a backlog would never let one in.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      const room = this.capacity - this.inHand.size;
      if (room > 0) {
        const now = await this.databaseNow();
        const rows = await this.store.claimDeliveries(this.workerId, iso(now), iso(now + this.leaseMs), room);
        // A full hand: more may be due.
        if (rows.length === room) this.claimAgain = true;
        this.take(rows);
      }
      this.storeTrouble = undefined;
    } catch (error) {
      this.reportStoreTrouble(error);
    }
    this.notify();
  }

  /** Now by the database's clock (ms): leases and due times are its, whatever the replicas' clocks say. */
  private async databaseNow(): Promise<number> {
    const local = this.clock.now().getTime();
    if (performance.now() - this.skew.askedAt > skewCheckMs) {
      this.skew = { ms: (await this.store.databaseNow()).getTime() - local, askedAt: performance.now() };
    }
    return local + this.skew.ms;
  }

  private take(rows: QueuedDelivery[]): void {
    const claimedAt = performance.now();
    const throttled = new Map<number, number>();
    const coalesced: number[] = [];
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
      const ahead = copy === undefined ? undefined : this.sentAhead.get(copy);
      if (
        copy !== undefined &&
        ((ahead !== undefined && delivery.createdAt <= ahead) ||
          lane.waiting.some((item) => copyKey(item.delivery) === copy))
      ) {
        coalesced.push(delivery.id);
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
    for (const [id, pause] of throttled) this.chore(this.handBack([id], pause));
    if (coalesced.length > 0) {
      const at = iso(this.outboxNow());
      this.chore(
        this.safely('recording coalesced deliveries', async () => {
          for (const id of coalesced) await this.store.completeDelivery(id, at, this.workerId);
        }),
      );
    }
    this.schedule();
  }

  // Sending: each lane one send at a time, paced where Teams counts; up to `concurrency` at once, in turn.

  private schedule(): void {
    clearTimeout(this.laneTimer);
    this.laneTimer = undefined;
    if (!this.running) return;
    const now = performance.now();
    const { starts, nextAt } = this.lanes.ready(now, this.concurrency - this.sending);
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
      if (this.inHand.size <= this.capacity / 4) this.claim();
      this.notify();
    });
    this.sends.add(send);
  }

  private async deliver(lane: Lane, { delivery, claimedAt }: Claimed): Promise<void> {
    // Too close to the end of its lease: another worker may take it mid-send. Hand it back whole.
    if (performance.now() - claimedAt > this.leaseMs * 0.75) {
      await this.handBack([delivery.id], 0);
      return;
    }
    try {
      await this.sender.send(delivery, () => this.turn(lane));
    } catch (error) {
      // Out of hand once its outcome is written: a claim from then on may take it afresh.
      this.inHand.delete(delivery.id);
      await this.safely(`recording the failure of ${describe(delivery)}`, () => this.failed(lane, delivery, error));
      this.rememberPost(delivery, false);
      return;
    } finally {
      this.lanes.awaitingTurn(lane, false);
    }
    this.inHand.delete(delivery.id);
    this.onResult(delivery.kind, 'sent', false);
    this.rememberPost(delivery, true);
    await this.safely(`recording ${describe(delivery)} as sent`, async () => {
      const mine = await this.store.completeDelivery(delivery.id, iso(this.outboxNow()), this.workerId);
      if (!mine) this.log(`${describe(delivery)} was sent after its lease ran out; another worker sends it again`);
    });
  }

  /** A send's turn in its place: when the budgets allow it, they are spent and it leaves. */
  private async turn(lane: Lane): Promise<void> {
    this.lanes.awaitingTurn(lane, true);
    for (let now = performance.now(); ; now = performance.now()) {
      const at = this.lanes.nextAt(lane, now);
      if (at <= now) {
        this.lanes.spend(lane, now);
        break;
      }
      await sleep(at - now);
    }
    this.lanes.awaitingTurn(lane, false);
    this.schedule();
  }

  /** Deliveries this worker holds that need no sending: recorded as done. */
  private settle(deliveries: QueuedDelivery[]): void {
    if (deliveries.length === 0) return;
    for (const { id } of deliveries) this.inHand.delete(id);
    const at = iso(this.outboxNow());
    this.chore(
      this.safely('recording deliveries carried by another', async () => {
        for (const { id } of deliveries) await this.store.completeDelivery(id, at, this.workerId);
      }),
    );
  }

  /** Marks older than a lease are no use: a row queued before them was claimed (and settled) long since. */
  private forgetSentAhead(): void {
    const before = iso(this.outboxNow() - this.leaseMs);
    for (const [key, at] of this.sentAhead) if (at < before) this.sentAhead.delete(key);
  }

  /** An escalation's own post tried, for awaitPost; kept until awaited, or forgotten with many others. */
  private rememberPost(delivery: QueuedDelivery, posted: boolean): void {
    if (delivery.kind !== 'post' || delivery.target) return;
    if (this.postsTried.size > 1000) this.postsTried.clear();
    this.postsTried.set(delivery.escalationId, posted);
  }

  private async failed(lane: Lane, delivery: QueuedDelivery, error: unknown): Promise<void> {
    const now = this.outboxNow();
    const failure = sendFailure(error, now);
    const attempts = delivery.attempts + 1;
    const what = `${describe(delivery)}, attempt ${attempts} of ${this.maxAttempts}`;
    const throttled = failure.statusCode === 429;
    if (!retryable(failure.statusCode) || attempts >= this.maxAttempts) {
      this.onResult(delivery.kind, 'failed', throttled);
      this.log(
        `Gave up on ${what}: ${failure.message}${retryable(failure.statusCode) ? '' : ' (a retry cannot help)'}`,
      );
      await this.store.failDelivery(delivery.id, iso(now), failure.message, this.workerId);
      return;
    }
    this.onResult(delivery.kind, 'retried', throttled);
    const delayMs =
      throttled && failure.retryAfterMs !== undefined
        ? failure.retryAfterMs
        : backoffMs(attempts, this.backoff.baseMs, this.backoff.capMs, this.backoff.random);
    this.log(`${what} failed: ${failure.message}; trying again in ${Math.round(delayMs)} ms`);
    // Teams throttles the conversation, not one message: the rest of it waits too.
    if (throttled) this.throttle(lane, delayMs);
    await this.store.retryDelivery(delivery.id, iso(now + delayMs), failure.message, this.workerId);
    this.wakeIn(delayMs);
  }

  private throttle(lane: Lane, delayMs: number): void {
    lane.notBefore = Math.max(lane.notBefore, performance.now() + delayMs);
    if (delayMs <= this.holdLimitMs) return;
    this.chore(
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
    const at = iso(this.outboxNow() + afterMs);
    await this.safely('handing back deliveries', () => this.store.releaseDeliveries(ids, at, this.workerId));
    this.wakeIn(afterMs);
  }

  /** Claims again when a retry falls due, if that is before the next poll. */
  private wakeIn(delayMs: number): void {
    if (!this.running || delayMs >= this.pollMs) return;
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

  private chore(work: Promise<void>): void {
    this.chores.add(work);
    void work.finally(() => this.chores.delete(work));
  }

  /** Now by the database's clock, as of the last look at it (ms). */
  private outboxNow(): number {
    return this.clock.now().getTime() + this.skew.ms;
  }

  /** Rows held longer than this risk outliving their lease. */
  private get holdLimitMs(): number {
    return this.leaseMs / 4;
  }

  /** Resolves once `done()` (looked at whenever the worker's state changes) or after `timeoutMs`. */
  private waitFor(done: () => boolean, timeoutMs: number, evenStopped = false): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const check = () => {
        if (done() || (!this.running && !evenStopped)) finish();
      };
      const timer = setTimeout(finish, Math.max(0, timeoutMs));
      this.listeners.add(check);
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private async safely(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.log(`Delivery worker: ${what} failed: ${messageOf(error)}`);
    }
  }

  /** The database away: say so once a minute, not every poll. */
  private reportStoreTrouble(error: unknown): void {
    const message = messageOf(error);
    const now = performance.now();
    if (this.storeTrouble?.message === message && now - this.storeTrouble.loggedAt < 60_000) return;
    this.storeTrouble = { message, loggedAt: now };
    this.log(`Delivery worker cannot reach the outbox: ${message}; deliveries wait until it can`);
  }
}

function describe(delivery: QueuedDelivery): string {
  return `delivery ${delivery.id} (${delivery.kind} of ${delivery.escalationId})`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
