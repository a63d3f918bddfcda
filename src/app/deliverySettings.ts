// What the delivery worker is given: its store, its sender, and its timings and limits, each
// with the default a deployment runs with.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { PaceLimits } from './pacing';
import type { Clock, OutboxStore, PostedCard, QueuedDelivery } from './ports';
import { perConversationLimits, type SendLimit } from './sendBudget';

/**
 * How long a message sent in a turn (a reply to a command, a post in another channel) waits for its
 * place's pace before it goes anyway: a person is waiting for it, and Teams gives a turn seconds.
 */
export const turnSendWaitMs = 3_000;

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
  /** Followers' notices go to the Teams activity feed through Graph, paced as Graph counts them. */
  noticesToFeed?: boolean;
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

export interface DeliverySettings {
  workerId: string;
  pollMs: number;
  concurrency: number;
  maxAttempts: number;
  leaseMs: number;
  backoff: { baseMs: number; capMs: number; random: () => number };
  /** Deliveries held in memory at most: enough to keep every lane busy, few enough to send within their lease. */
  capacity: number;
  pace: PaceLimits;
}

export function settingsOf(deps: DeliveryWorkerDeps): DeliverySettings {
  const spacing = deps.perConversationIntervalMs ? [{ ms: deps.perConversationIntervalMs, max: 1 }] : [];
  const concurrency = Math.max(1, deps.concurrency ?? 8);
  return {
    workerId: deps.workerId ?? `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`,
    pollMs: deps.pollMs ?? 500,
    concurrency,
    maxAttempts: Math.max(1, deps.maxAttempts ?? 12),
    leaseMs: deps.leaseMs ?? 30_000,
    backoff: {
      baseMs: deps.backoffBaseMs ?? 500,
      capMs: deps.backoffCapMs ?? 60_000,
      random: deps.random ?? Math.random,
    },
    capacity: concurrency * 4,
    pace: {
      place: [...(deps.conversationLimits ?? perConversationLimits), ...spacing],
      mailbox: deps.mailboxLimits,
      tenant: deps.tenantLimits,
      noticesToFeed: deps.noticesToFeed,
    },
  };
}
