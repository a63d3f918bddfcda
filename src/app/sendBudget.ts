// How fast the bot may send, as Teams and Exchange publish it: per bot per conversation (a
// chat, or a channel with all its threads: app/pacing.ts) at most 7 sends a second, 8 in 2 s, 60
// in 30 s and 1,800 an hour; per app per tenant at most 50 requests a second; per mailbox about
// 30 emails a minute. A budget keeps the times of the last sends and says when the next may go;
// the delivery worker keeps one per conversation (and mailbox) and one for all of Teams.

/** At most `max` sends in any `ms`. */
export interface SendLimit {
  ms: number;
  max: number;
}

/**
 * Teams counts a send when it arrives; the budget, when it leaves. Under load the way there (the
 * connector client, a busy event loop) can take hundreds of milliseconds, bunching sends that left
 * apart: each window of a conversation is held this much longer than Teams' own.
 */
export const wayToTeamsMs = 500;

/** Per bot per conversation: Teams' "per bot per thread" limits, each window `wayToTeamsMs` longer. */
export const perConversationLimits: readonly SendLimit[] = [
  { ms: 1_000 + wayToTeamsMs, max: 7 },
  { ms: 2_000 + wayToTeamsMs, max: 8 },
  { ms: 30_000 + wayToTeamsMs, max: 60 },
  { ms: 3_600_000 + wayToTeamsMs, max: 1_800 },
];

/** Per sending mailbox: Exchange takes about 30 messages a minute. */
export const perMailboxLimits: readonly SendLimit[] = [{ ms: 60_000, max: 30 }];

/**
 * Per help desk: under Zendesk's smallest plan (200 requests a minute, and ticket updates per
 * ticket are limited too), Jira Cloud's and a ServiceNow instance's usual limits; a 429's
 * Retry-After is waited out besides.
 */
export const perDeskLimits: readonly SendLimit[] = [
  { ms: 1_000, max: 5 },
  { ms: 60_000, max: 100 },
];

/** Graph's sendActivityNotification to users: 5 requests a second per app per tenant (Graph's Teams service limits). */
export const perFeedLimits: readonly SendLimit[] = [{ ms: 1_000, max: 5 }];

/** Per app per tenant, across conversations; the window `wayToTeamsMs` longer, as Teams counts on arrival. */
export const perTenantLimits: readonly SendLimit[] = [{ ms: 1_000 + wayToTeamsMs, max: 50 }];

export class SendBudget {
  /** Times (ms) of the sends within the longest window, oldest first. */
  private readonly sent: number[] = [];
  private readonly longestMs: number;

  constructor(private readonly limits: readonly SendLimit[]) {
    this.longestMs = Math.max(0, ...limits.map((l) => l.ms));
  }

  /** The earliest moment (ms, at or after `now`) a send keeps within every limit. */
  nextAt(now: number): number {
    this.forget(now);
    let at = now;
    for (const { ms, max } of this.limits) {
      // The sends inside this window: if `max` are, the next waits until the oldest of them leaves it.
      const inside = this.sent.length - this.firstAfter(now - ms);
      if (inside >= max) at = Math.max(at, (this.sent[this.sent.length - max] as number) + ms);
    }
    return at;
  }

  spend(now: number): void {
    this.sent.push(now);
  }

  /** Nothing sent within the longest window: the budget can be dropped. */
  idle(now: number): boolean {
    this.forget(now);
    return this.sent.length === 0;
  }

  private forget(now: number): void {
    let stale = 0;
    while (stale < this.sent.length && (this.sent[stale] as number) <= now - this.longestMs) stale += 1;
    if (stale > 0) this.sent.splice(0, stale);
  }

  /** Index of the first send later than `time` (binary search: sends are in order). */
  private firstAfter(time: number): number {
    let low = 0;
    let high = this.sent.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.sent[middle] as number) > time) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
