// What the bot sent to Teams, read from the fake Bot Connector's records, and held against what
// Teams allows and what a person who clicked must see. Teams counts a bot's sends per
// conversation, and a channel's conversation includes all its reply threads
// (`19:x@thread.tacv2;messageid=N` counts as `19:x@thread.tacv2`): at most 7 in 1 s, 8 in 2 s
// and 60 in 30 s; and per app in a tenant at most 50 a second
// (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit). The limits
// are written here, not imported from src/app/sendBudget.ts: the bench checks the bot against
// Teams, not against itself.
import { adaptiveCardOf, type FakeConnector } from '../tests/support/fakeConnector';
import { channelOf } from '../tests/support/teamsActivities';
import { percentile } from './harness';

export const teamsLimits = {
  perConversation: [
    { ms: 1_000, max: 7 },
    { ms: 2_000, max: 8 },
    { ms: 30_000, max: 60 },
  ],
  perTenant: { ms: 1_000, max: 50 },
} as const;

/** A POST or PUT the bot made: when it reached the fake, and the channel or chat it counts against. */
export interface SendRecord {
  at: number;
  conversation: string;
  /** An update of a message (else a new message or thread). */
  put: boolean;
}

/** A PUT of a message: which one, when, and the version its card shows. */
export interface PutRecord {
  at: number;
  activityId: string;
  version: number;
}

/** A click answered as accepted: the message clicked, the version the answer showed, when it came. */
export interface AnsweredClick {
  activityId: string;
  version: number;
  answeredAt: number;
  /** Inside a measured window (not the warm-up). */
  measured: boolean;
}

const versionShown = /Version (\d+) ·/;

/** The version a card shows ("Version 7 · ..."), NaN when none. */
export function versionOf(card: unknown): number {
  return Number(versionShown.exec(JSON.stringify(card ?? {}))?.[1] ?? Number.NaN);
}

/**
 * Sends and PUTs of one bot's life, kept small: the fake holds every body it was sent (hundreds
 * of MB over a run), so they are read out and the fake forgets them between windows.
 */
export class SendLog {
  readonly sends: SendRecord[] = [];
  readonly puts: PutRecord[] = [];

  /** Reads what the fake recorded since the last call, then makes it forget (the cards stay as they are now). */
  collect(fake: FakeConnector): void {
    for (const request of fake.requests) {
      // Teams counts what it is sent, answered or not.
      if (request.method !== 'POST' && request.method !== 'PUT') continue;
      const at = request.time.getTime();
      this.sends.push({ at, conversation: channelOf(request.conversationId ?? ''), put: request.method === 'PUT' });
      if (request.route === 'updateActivity' && request.status === 200 && request.activityId) {
        this.puts.push({ at, activityId: request.activityId, version: versionOf(adaptiveCardOf(request.body)) });
      }
    }
    forgetHistory(fake);
  }
}

/**
 * The fake keeps every request and update it answered. Forget them, keep the cards as they are
 * now. (A `forgetHistory()` on FakeConnector would say this without reaching inside.)
 */
export function forgetHistory(fake: FakeConnector): void {
  const inside = fake as unknown as Record<string, unknown>;
  for (const name of ['recorded', 'updated']) {
    const list = inside[name];
    if (Array.isArray(list)) list.length = 0;
  }
}

/** The most of these times (ms, any order) inside any `ms` long window, and the first and last of them. */
export function busiestWindow(times: number[], ms: number): { most: number; first: number; last: number } {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { most: 0, first: Number.NaN, last: Number.NaN };
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= ms) first++;
    if (last - first + 1 > best.most) {
      best = { most: last - first + 1, first: sorted[first] as number, last: sorted[last] as number };
    }
  }
  return best;
}

export interface PaceHeld {
  /** The busiest conversation's most sends in any 1 s, 2 s and 30 s. */
  perConversation: { ms: number; max: number; most: number }[];
  /** The busiest second of the busiest conversation: which, how many of its sends were PUTs, the most in any 100 ms of it. */
  busiestSecond: { conversation: string; sends: number; puts: number; mostIn100Ms: number };
  /** All of Teams: the most sends in any 1 s. */
  tenantMost: number;
  sends: number;
  held: boolean;
}

/** The most sends Teams would have counted against one conversation, and against the app. */
export function paceHeld(sends: SendRecord[]): PaceHeld {
  const byConversation = new Map<string, SendRecord[]>();
  for (const send of sends) {
    const mine = byConversation.get(send.conversation) ?? [];
    mine.push(send);
    byConversation.set(send.conversation, mine);
  }
  let busiestSecond = { conversation: '', sends: 0, puts: 0, mostIn100Ms: 0 };
  const perConversation = teamsLimits.perConversation.map(({ ms, max }) => {
    let most = 0;
    for (const [conversation, mine] of byConversation) {
      const busiest = busiestWindow(
        mine.map((s) => s.at),
        ms,
      );
      most = Math.max(most, busiest.most);
      if (ms === 1_000 && busiest.most > busiestSecond.sends) {
        const inside = mine.filter((s) => s.at >= busiest.first && s.at <= busiest.last);
        const puts = inside.filter((s) => s.put).length;
        const mostIn100Ms = busiestWindow(
          inside.map((s) => s.at),
          100,
        ).most;
        busiestSecond = { conversation, sends: busiest.most, puts, mostIn100Ms };
      }
    }
    return { ms, max, most };
  });
  const tenantMost = busiestWindow(
    sends.map((s) => s.at),
    teamsLimits.perTenant.ms,
  ).most;
  const held = perConversation.every((w) => w.most <= w.max) && tenantMost <= teamsLimits.perTenant.max;
  return { perConversation, busiestSecond, tenantMost, sends: sends.length, held };
}

/** The most of several runs' (processes') paces, window by window. */
export function worstPace(paces: PaceHeld[]): PaceHeld {
  return paces.reduce(
    (a, b) => ({
      perConversation: a.perConversation.map((w, i) => {
        const other = b.perConversation[i];
        return other && other.most > w.most ? other : w;
      }),
      busiestSecond: b.busiestSecond.sends > a.busiestSecond.sends ? b.busiestSecond : a.busiestSecond,
      tenantMost: Math.max(a.tenantMost, b.tenantMost),
      sends: a.sends + b.sends,
      held: a.held && b.held,
    }),
    paceHeld([]),
  );
}

export interface ClickedCopy {
  /** Accepted clicks in the measured windows. */
  clicks: number;
  /** Of those, the share whose clicked message showed the click's version before the answer came. */
  updatedBeforeAnswer: number;
  /** For those: from the answer to that PUT, ms (negative: the PUT came first). */
  putFromAnswerP50Ms: number;
  putFromAnswerP95Ms: number;
  /** PUTs of a clicked message showing the version the clicker was answered with, after the answer: must be 0. */
  redrawsToReadersVersion: number;
}

/** How the clicked messages were updated, from every accepted click (warm-ups too) and every PUT. */
export function clickedCopies(clicks: AnsweredClick[], puts: PutRecord[]): ClickedCopy {
  const putsOf = new Map<string, PutRecord[]>();
  for (const put of puts) {
    const list = putsOf.get(`${put.activityId} ${put.version}`) ?? [];
    list.push(put);
    putsOf.set(`${put.activityId} ${put.version}`, list);
  }
  const leads: number[] = [];
  let measured = 0;
  let redraws = 0;
  for (const click of clicks) {
    const same = putsOf.get(`${click.activityId} ${click.version}`) ?? [];
    redraws += same.filter((put) => put.at > click.answeredAt).length;
    if (!click.measured) continue;
    measured++;
    const before = same.find((put) => put.at <= click.answeredAt);
    if (before) leads.push(before.at - click.answeredAt);
  }
  leads.sort((a, b) => a - b);
  return {
    clicks: measured,
    updatedBeforeAnswer: measured > 0 ? leads.length / measured : Number.NaN,
    putFromAnswerP50Ms: percentile(leads, 50),
    putFromAnswerP95Ms: percentile(leads, 95),
    redrawsToReadersVersion: redraws,
  };
}
