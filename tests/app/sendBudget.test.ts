import assert from 'node:assert/strict';
import { perConversationLimits, SendBudget, wayToTeamsMs } from '../../src/app/sendBudget';

/** Sends as soon as the budget allows, from `start`, and returns their times. */
function sendAsFastAsAllowed(budget: SendBudget, count: number, start = 0): number[] {
  const times: number[] = [];
  let now = start;
  for (let i = 0; i < count; i++) {
    now = budget.nextAt(now);
    budget.spend(now);
    times.push(now);
  }
  return times;
}

/** The most sends inside any window of `ms`. */
function most(times: number[], ms: number): number {
  let best = 0;
  for (let i = 0; i < times.length; i++) {
    const start = times[i] as number;
    best = Math.max(best, times.filter((t) => t >= start && t < start + ms).length);
  }
  return best;
}

describe('the send budget (Teams per-conversation limits)', () => {
  it('lets 7 go at once, the 8th once a second (and the way to Teams) has passed, and no more than 8 in any 2 s, 60 in any 30 s', () => {
    const times = sendAsFastAsAllowed(new SendBudget(perConversationLimits), 130);
    assert.deepEqual(times.slice(0, 7), [0, 0, 0, 0, 0, 0, 0]);
    assert.equal(times[7], 1000 + wayToTeamsMs);
    assert.equal(times[8], 2000 + wayToTeamsMs);
    assert.ok(most(times, 1000) <= 7);
    assert.ok(most(times, 2000) <= 8);
    assert.ok(most(times, 30_000) <= 60);
    // 60 in the first 30 s (and the way to Teams), then it waits for the window to move.
    assert.equal(times.filter((t) => t < 30_000 + wayToTeamsMs).length, 60);
  });

  it('keeps to 1,800 an hour', () => {
    const budget = new SendBudget(perConversationLimits);
    const times = sendAsFastAsAllowed(budget, 1801);
    assert.ok((times[1800] as number) >= 3_600_000);
    assert.ok(most(times, 3_600_000) <= 1800);
  });

  it('forgets sends older than its longest window, and says when it is idle', () => {
    const budget = new SendBudget([{ ms: 1000, max: 1 }]);
    budget.spend(0);
    assert.equal(budget.nextAt(10), 1000);
    assert.equal(budget.idle(500), false);
    assert.equal(budget.idle(1000), true);
    assert.equal(budget.nextAt(1000), 1000);
  });
});
