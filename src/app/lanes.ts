// The delivery worker's lanes: the deliveries it holds, one lane a card thread or chat (new
// posts: one lane a tier; emails: the mailbox's), each sent one at a time and in order. Which lane
// may send next is the pacer's to say (app/pacing.ts): lanes of one channel share its budget, and
// only one send a place waits for its turn at a time, so a busy channel holds no other lane up.
import { performance } from 'node:perf_hooks';
import { immediateTargets } from '../domain/tiers';
import { copyKey } from './deliveries';
import type { Pacer, Place } from './pacing';
import type { QueuedDelivery } from './ports';

export interface Claimed {
  delivery: QueuedDelivery;
  /** performance.now() when the lease was taken. */
  claimedAt: number;
}

export interface Lane {
  key: string;
  /** Where its sends are counted. */
  place: Place;
  waiting: Claimed[];
  sending: boolean;
  /** performance.now() before which nothing more goes here (a 429's Retry-After). */
  notBefore: number;
  /** 0: posts of a tier that goes out at once (Security), served first; 1: the rest. */
  priority: number;
}

/** The lane a delivery goes in: its conversation's, its tier's new posts', or the mailbox's. */
export function laneKeyOf(delivery: QueuedDelivery): string {
  if (delivery.kind === 'post') return `posts of ${delivery.tier ?? 'a tier'}`;
  if (delivery.kind === 'email') return 'mail';
  if (delivery.kind === 'ticketNote') return `notes to ${delivery.ticket.system}`;
  if (delivery.kind === 'personal' || delivery.kind === 'notice') return `personal chat of ${delivery.person.teamsId}`;
  return laneKeyOfConversation(delivery.conversationId);
}

export function laneKeyOfConversation(conversationId: string): string {
  return `conversation ${conversationId}`;
}

export class Lanes {
  private readonly lanes = new Map<string, Lane>();
  /** Places where a send has started and waits for its turn (its permit). */
  private readonly waitingForTurn = new Set<Place>();

  constructor(private readonly pacer: Pacer) {}

  get all(): IterableIterator<Lane> {
    return this.lanes.values();
  }

  laneFor(delivery: QueuedDelivery): Lane {
    const key = laneKeyOf(delivery);
    let lane = this.lanes.get(key);
    if (!lane) {
      const urgent =
        delivery.kind === 'post' && delivery.tier !== undefined && immediateTargets.includes(delivery.tier);
      lane = {
        key,
        place: this.pacer.placeOf(delivery),
        waiting: [],
        sending: false,
        notBefore: 0,
        priority: urgent ? 0 : 1,
      };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /** The lane of a card thread or chat, made if need be. */
  laneOfConversation(conversationId: string, place: Place): Lane {
    const key = laneKeyOfConversation(conversationId);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { key, place, waiting: [], sending: false, notBefore: 0, priority: 1 };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /** When the lane's next send could leave (performance.now() ms). */
  nextAt(lane: Lane, now: number): number {
    return Math.max(lane.notBefore, this.pacer.nextAt(lane.place, now));
  }

  /**
   * The lanes whose next delivery may start now, at most `slots`, Security's posts first, each
   * taken off its lane (which is then sending) and the lane moved to the back of the turn; and
   * when another could.
   */
  ready(now: number, slots: number): { starts: { lane: Lane; item: Claimed }[]; nextAt: number } {
    const starts: { lane: Lane; item: Claimed }[] = [];
    let nextAt = Number.POSITIVE_INFINITY;
    const places = new Set(this.waitingForTurn);
    for (const lane of [...this.lanes.values()].sort((a, b) => a.priority - b.priority)) {
      if (lane.sending) continue;
      if (lane.waiting.length === 0) {
        if (lane.notBefore <= now) this.lanes.delete(lane.key);
        continue;
      }
      if (places.has(lane.place)) continue;
      const at = this.nextAt(lane, now);
      if (at > now) {
        nextAt = Math.min(nextAt, at);
        continue;
      }
      if (starts.length >= slots) continue;
      const item = lane.waiting.shift() as Claimed;
      // Taken now, not when the send starts: a look at the lanes meanwhile must not start another.
      lane.sending = true;
      starts.push({ lane, item });
      places.add(lane.place);
      // To the back of the turn order, so a busy conversation does not starve the others.
      this.lanes.delete(lane.key);
      this.lanes.set(lane.key, lane);
    }
    return { starts, nextAt };
  }

  /** A send started in `lane` waits for its turn in its place; another lane of that place waits behind it. */
  awaitingTurn(lane: Lane, waiting: boolean): void {
    if (waiting) this.waitingForTurn.add(lane.place);
    else this.waitingForTurn.delete(lane.place);
  }

  /** Resolves when the budgets let a send of `lane` leave, and spends them: it leaves now. */
  async turn(lane: Lane): Promise<void> {
    this.awaitingTurn(lane, true);
    await this.turnBy(lane, Number.POSITIVE_INFINITY);
    this.awaitingTurn(lane, false);
  }

  /**
   * Waits for the budgets to let a send of `lane` leave by `by` (performance.now() ms), and spends
   * them: true when it leaves now, false (nothing spent) when it could not by then.
   */
  turnBy(lane: Lane, by: number): Promise<boolean> {
    return this.leaveBy((now) => this.nextAt(lane, now), lane.place, by);
  }

  /**
   * A send outside the lanes (a message in a turn) waits for its place's pace, at most `mostMs`,
   * and spends it: it leaves then, within Teams' limits unless it waited that long.
   */
  async paced(place: Place, mostMs: number): Promise<void> {
    const until = performance.now() + mostMs;
    if (await this.leaveBy((now) => this.pacer.nextAt(place, now), place, until)) return;
    await sleep(until - performance.now());
    this.pacer.take(place, performance.now());
  }

  /** The budgets are looked at again after every wait: other sends to the place may have spent them meanwhile. */
  private async leaveBy(nextAt: (now: number) => number, place: Place, by: number): Promise<boolean> {
    for (let now = performance.now(); ; now = performance.now()) {
      const at = nextAt(now);
      if (at <= now) {
        this.pacer.take(place, now);
        return true;
      }
      if (at > by) return false;
      await sleep(at - now);
    }
  }

  /** The deliveries held for one copy of a card, taken out of its lane. */
  takeCopy(lane: Lane, copy: string): Claimed[] {
    const taken = lane.waiting.filter((item) => copyKey(item.delivery) === copy);
    if (taken.length > 0) lane.waiting = lane.waiting.filter((item) => !taken.includes(item));
    return taken;
  }

  /** Everything held and not yet being sent, taken out of every lane. */
  takeAll(): Claimed[] {
    return [...this.lanes.values()].flatMap((lane) => lane.waiting.splice(0));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
