// Sends the delivery outbox: card posts, updates and replies queued in the same transaction
// as the changes that call for them. At least once, whichever replica claims them; paced per
// conversation under Teams' limits; retried while Teams or the network fail for a while
// (429 after its Retry-After, 5xx and network errors with backoff); given up on when a retry
// cannot help (another 4xx) or after too many attempts. A worker that dies leaves its rows
// leased: once the lease runs out, any worker sends them.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { immediateTargets } from '../domain/tiers';
import { copyKey } from './deliveries';
import type { Clock, OutboxStore, QueuedDelivery } from './ports';
import { perConversationLimits, perMailboxLimits, perTenantLimits, SendBudget, type SendLimit } from './sendBudget';
import { backoffMs, messageOf, retryable, sendFailure } from './sendFailure';

/** Renders and sends one delivery. Implemented in src/teams. */
export interface DeliverySender {
  /**
   * Resolves once Teams has it. Throws when it did not go, with `statusCode` (and
   * `retryAfterMs`, or a botbuilder error's `response.headers['retry-after']`) when Teams
   * answered: a 4xx other than 408 and 429 is never retried, so throw one for a delivery
   * that cannot succeed.
   */
  send(delivery: QueuedDelivery): Promise<void>;
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
  /** At most so many sends to one conversation in so long (default: Teams' published per-thread limits). */
  conversationLimits?: readonly SendLimit[];
  /** At most so many emails from the mailbox in so long (default: Exchange's 30 a minute). */
  mailboxLimits?: readonly SendLimit[];
  /** At most so many sends in all, per app and tenant (default: Teams' 50 a second). */
  tenantLimits?: readonly SendLimit[];
  /** At least this long between two sends to one conversation, on top of the limits (tests). */
  perConversationIntervalMs?: number;
  /** Conversations sent to at once. */
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

interface Claimed {
  delivery: QueuedDelivery;
  /** performance.now() when the lease was taken. */
  claimedAt: number;
}

/**
 * The deliveries of one conversation (or the new posts of one tier's channel), sent one at a
 * time, in order, within its send budget.
 */
interface Lane {
  waiting: Claimed[];
  sending: boolean;
  /** performance.now() before which nothing more goes to this conversation (a 429's Retry-After). */
  notBefore: number;
  /** 0: posts of a tier that goes out at once (Security), served first; 1: the rest. */
  priority: number;
}

export class DeliveryWorker {
  private readonly store: OutboxStore;
  private readonly clock: Clock;
  private readonly sender: DeliverySender;
  private readonly log: (message: string) => void;
  private readonly workerId: string;
  private readonly pollMs: number;
  private readonly conversationLimits: readonly SendLimit[];
  private readonly mailboxLimits: readonly SendLimit[];
  /** Each conversation's budget (kept past its lane: Teams counts an hour back). */
  private readonly budgets = new Map<string, SendBudget>();
  private readonly tenantBudget: SendBudget;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly leaseMs: number;
  private readonly backoff: { baseMs: number; capMs: number; random: () => number };
  /** Deliveries held in memory at most: enough to keep every lane busy, few enough to send within their lease. */
  private readonly capacity: number;

  private running = false;
  /** The database's clock minus ours, as measured at the last claim round. */
  private skewMs = 0;
  private readonly lanes = new Map<string, Lane>();
  /** Ids claimed and not yet finished (waiting in a lane or being sent). */
  private readonly inHand = new Set<number>();
  private sending = 0;
  private readonly sends = new Set<Promise<void>>();
  /** Bookkeeping writes not tied to a send (coalesced rows, rows handed back). */
  private readonly chores = new Set<Promise<void>>();

  private claiming: Promise<void> | undefined;
  private claimAgain = false;
  private claimRounds = 0;
  /** The last claim round that found nothing due and left nothing in hand. */
  private quietRound = 0;
  private pollTimer: NodeJS.Timeout | undefined;
  private laneTimer: NodeJS.Timeout | undefined;
  private wakeTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly onResult: NonNullable<DeliveryWorkerDeps['onResult']>;
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
    this.conversationLimits = [...(deps.conversationLimits ?? perConversationLimits), ...spacing];
    this.tenantBudget = new SendBudget(deps.tenantLimits ?? perTenantLimits);
    this.mailboxLimits = deps.mailboxLimits ?? perMailboxLimits;
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
    clearTimeout(this.pollTimer);
    clearTimeout(this.laneTimer);
    clearTimeout(this.wakeTimer?.timer);
    this.wakeTimer = undefined;
    await this.claiming;
    const unsent: number[] = [];
    for (const lane of this.lanes.values()) {
      for (const { delivery } of lane.waiting.splice(0)) {
        unsent.push(delivery.id);
        this.inHand.delete(delivery.id);
      }
    }
    await this.safely('handing back unsent deliveries', () =>
      this.store.releaseDeliveries(unsent, undefined, this.workerId),
    );
    await Promise.allSettled([...this.chores]);
    this.notify();
    if (this.sends.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.allSettled([...this.sends]), grace]);
      clearTimeout(timer);
    }
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
   * Kicks and resolves once nothing due is left to send (what failed waits for its retry),
   * or when `timeoutMs` has passed, whichever is first. Never rejects.
   */
  async deliverNow(timeoutMs: number): Promise<void> {
    if (!this.running) return;
    // Only a round that starts from here on can see what the caller just queued.
    const after = this.claimRounds;
    this.claim();
    await this.waitFor(() => this.quietRound > after, timeoutMs);
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
    const round = ++this.claimRounds;
    // Requests waiting meanwhile go first: with a store that answers synchronously (SQLite) and
    // sends that finish at once, round after round of a backlog would never let one in.
    await new Promise<void>((resolve) => setImmediate(resolve));
    let found = 0;
    try {
      const room = this.capacity - this.inHand.size;
      if (room > 0) {
        // Leases and due times are the database's: replicas' own clocks may disagree.
        const local = this.clock.now().getTime();
        this.skewMs = (await this.store.databaseNow()).getTime() - local;
        const now = local + this.skewMs;
        const rows = await this.store.claimDeliveries(this.workerId, iso(now), iso(now + this.leaseMs), room);
        found = rows.length;
        // A full hand: more may be due.
        if (found === room) this.claimAgain = true;
        this.take(rows);
      }
      this.storeTrouble = undefined;
    } catch (error) {
      found = -1;
      this.reportStoreTrouble(error);
    }
    if (found === 0 && this.inHand.size === 0) this.quietRound = round;
    this.notify();
  }

  private take(rows: QueuedDelivery[]): void {
    const claimedAt = performance.now();
    const throttled = new Map<number, number>();
    const coalesced: number[] = [];
    for (const delivery of rows) {
      const key = laneOf(delivery);
      let lane = this.lanes.get(key);
      if (!lane) {
        const urgent =
          delivery.kind === 'post' && delivery.tier !== undefined && immediateTargets.includes(delivery.tier);
        lane = { waiting: [], sending: false, notBefore: 0, priority: urgent ? 0 : 1 };
        this.lanes.set(key, lane);
      }
      if (this.inHand.has(delivery.id)) {
        // Our own lease ran out while the row waited (or was sent), and we claimed it again: once is enough.
        const held = lane.waiting.find((item) => item.delivery.id === delivery.id);
        if (held) held.claimedAt = claimedAt;
        continue;
      }
      // The same card (or post) already waits here unsent: it renders the escalation as it is when
      // it goes, so it carries this change too. A burst of changes becomes one or two sends.
      const copy = copyKey(delivery);
      if (copy !== undefined && lane.waiting.some((item) => copyKey(item.delivery) === copy)) {
        coalesced.push(delivery.id);
        continue;
      }
      // A conversation Teams throttles for long: hand the row back until then rather than sit on its lease.
      const pause = Math.max(lane.notBefore, this.budgetOf(key).nextAt(claimedAt)) - claimedAt;
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

  // Sending: each lane one send at a time, paced; up to `concurrency` lanes at once, in turn.

  private schedule(): void {
    clearTimeout(this.laneTimer);
    this.laneTimer = undefined;
    if (!this.running) return;
    const now = performance.now();
    let nextAt = Number.POSITIVE_INFINITY;
    // Security's posts first; otherwise in turn.
    const lanes = [...this.lanes].sort(([, a], [, b]) => a.priority - b.priority);
    for (const [key, lane] of lanes) {
      if (lane.sending) continue;
      if (lane.waiting.length === 0) {
        if (lane.notBefore <= now) this.lanes.delete(key);
        continue;
      }
      const budget = this.budgetOf(key);
      // Teams' per-tenant budget is Teams': emails go through Exchange.
      const teams = key === mailLane ? now : this.tenantBudget.nextAt(now);
      const at = Math.max(lane.notBefore, budget.nextAt(now), teams);
      if (at > now) {
        nextAt = Math.min(nextAt, at);
        continue;
      }
      if (this.sending >= this.concurrency) continue;
      const item = lane.waiting.shift() as Claimed;
      // To the back of the turn order, so a busy conversation does not starve the others.
      this.lanes.delete(key);
      this.lanes.set(key, lane);
      budget.spend(now);
      if (key !== mailLane) this.tenantBudget.spend(now);
      this.startSend(lane, item);
    }
    this.forgetIdleBudgets(now);
    if (nextAt !== Number.POSITIVE_INFINITY) {
      this.laneTimer = setTimeout(() => this.schedule(), Math.max(0, nextAt - now));
      this.laneTimer.unref();
    }
  }

  private budgetOf(key: string): SendBudget {
    let budget = this.budgets.get(key);
    if (!budget) {
      budget = new SendBudget(key === mailLane ? this.mailboxLimits : this.conversationLimits);
      this.budgets.set(key, budget);
    }
    return budget;
  }

  /** Budgets of conversations with nothing sent for the longest window, and no lane, go. */
  private forgetIdleBudgets(now: number): void {
    if (this.budgets.size < budgetsKept) return;
    for (const [key, budget] of this.budgets) {
      if (!this.lanes.has(key) && budget.idle(now)) this.budgets.delete(key);
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
      await this.sender.send(delivery);
    } catch (error) {
      // Out of hand once its outcome is written: a claim from then on may take it afresh.
      this.inHand.delete(delivery.id);
      await this.safely(`recording the failure of ${describe(delivery)}`, () => this.failed(lane, delivery, error));
      return;
    }
    this.inHand.delete(delivery.id);
    this.onResult(delivery.kind, 'sent', false);
    await this.safely(`recording ${describe(delivery)} as sent`, async () => {
      const mine = await this.store.completeDelivery(delivery.id, iso(this.outboxNow()), this.workerId);
      if (!mine) this.log(`${describe(delivery)} was sent after its lease ran out; another worker sends it again`);
    });
  }

  private async failed(lane: Lane, delivery: QueuedDelivery, error: unknown): Promise<void> {
    const now = this.outboxNow();
    const failure = sendFailure(error, now);
    const attempts = delivery.attempts + 1;
    const what = `${describe(delivery)}, attempt ${attempts} of ${this.maxAttempts}`;
    const throttled = failure.statusCode === 429;
    if (!retryable(failure.statusCode)) {
      this.onResult(delivery.kind, 'failed', throttled);
      this.log(`Gave up on ${what}: ${failure.message} (a retry cannot help)`);
      await this.store.failDelivery(delivery.id, iso(now), failure.message, this.workerId);
      return;
    }
    if (attempts >= this.maxAttempts) {
      this.onResult(delivery.kind, 'failed', throttled);
      this.log(`Gave up on ${what}: ${failure.message}`);
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

  /** Now by the database's clock, as of the last claim round (ms). */
  private outboxNow(): number {
    return this.clock.now().getTime() + this.skewMs;
  }

  /** Rows held longer than this risk outliving their lease. */
  private get holdLimitMs(): number {
    return this.leaseMs / 4;
  }

  private waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const check = () => {
        if (done() || !this.running) finish();
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

/** Sends to one conversation are paced together. New threads have no conversation yet: one lane for all. */
/** Posts go out in their tier's channel's lane, emails in the mailbox's, everything else in its conversation's. */
function laneOf(delivery: QueuedDelivery): string {
  if (delivery.kind === 'post') return `post:${delivery.tier ?? 'unknown'}`;
  if (delivery.kind === 'email') return mailLane;
  return `conversation:${delivery.conversationId}`;
}

/** One mailbox sends every email. */
const mailLane = 'mail';

/** Past this many conversations' budgets, the idle ones are forgotten. */
const budgetsKept = 1000;

function describe(delivery: QueuedDelivery): string {
  return `delivery ${delivery.id} (${delivery.kind} of ${delivery.escalationId})`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
