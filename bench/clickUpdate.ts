// How soon the message a person clicked shows the change, and whether it is redrawn again: our bot
// as its own process (local mode) and the fake Bot Connector, 100 clicks on one posted card (a note
// each), one every 600 ms: within Teams' 60 sends a thread in 30 s, which the bot keeps to. For each: from the click's answer to the PUT of the clicked message
// showing the new version (negative: it landed before the answer), and how many PUTs showed that
// version (one is the target: a second redraw closes whatever the person opened meanwhile).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBot } from '../tests/support/botProcess';
import { fullForm } from '../tests/support/briefs';
import { textOf } from '../tests/support/cardValidation';
import { adaptiveCardOf, FakeConnector } from '../tests/support/fakeConnector';
import { cardAction, channels, personas, routeTier, send } from '../tests/support/teamsActivities';

export interface ClickUpdateResult {
  clicks: number;
  /** From the click's answer to the clicked message's PUT, in ms (negative: before the answer). */
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Versions shown by more than one PUT of the clicked message. */
  redrawn: number;
}

const clickEveryMs = 600;

export async function benchClickUpdate(clicks = 100): Promise<ClickUpdateResult> {
  const root = resolve(__dirname, '..', '..');
  const fake = await FakeConnector.start();
  const bot = await startBot('Escalation Desk', [join(root, 'dist/src/main.js')], {
    ...process.env,
    BOT_ID: '',
    DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'click-update-')), 'escalations.db')}`,
  });
  try {
    await routeTier(bot.url, fake.url, 'engineering', channels.engineering);
    const made = await fetch(`${bot.url}/api/escalations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...fullForm, requester: { name: 'Dana Agent' } }),
    });
    const { id } = (await made.json()) as { id: string };
    const card = await fake.waitFor((f) => f.cardsIn(channels.engineering.id)[0], 10_000);
    const shows = (version: number) => (update: { activity: unknown }) =>
      textOf(adaptiveCardOf(update.activity)).includes(`Version ${version} ·`);
    const took: number[] = [];
    for (let n = 1; n <= clicks; n++) {
      const answer = await send(
        bot.url,
        cardAction({
          serviceUrl: fake.url,
          user: personas.engineer,
          card,
          verb: 'escalation.addNote',
          data: { escalationId: id, version: n, note: `Looked again (${n})` },
        }),
      );
      const answeredAt = Date.now();
      if (answer.status !== 200) throw new Error(`click ${n} answered ${answer.status}`);
      const put = await fake.waitFor((f) => f.updates(card.conversationId, card.activityId).find(shows(n + 1)), 10_000);
      took.push(put.time.getTime() - answeredAt);
      await new Promise((done) => setTimeout(done, Math.max(0, clickEveryMs - (Date.now() - answeredAt))));
    }
    // Anything late would have come by now.
    await new Promise((done) => setTimeout(done, 1000));
    const updates = fake.updates(card.conversationId, card.activityId);
    let redrawn = 0;
    for (let version = 2; version <= clicks + 1; version++) {
      const same = updates.filter(shows(version));
      if (same.length > 1) {
        redrawn++;
        if (process.env.BENCH_DEBUG)
          console.log(
            version,
            same.map((u) => u.time.toISOString()),
          );
      }
    }
    took.sort((a, b) => a - b);
    const at = (share: number) => took[Math.min(took.length - 1, Math.ceil(share * took.length) - 1)] ?? 0;
    return { clicks, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: at(1), redrawn };
  } finally {
    await bot.stop();
    await fake.close();
  }
}

export function clickUpdateMarkdown(result: ClickUpdateResult): string {
  const met = result.p95Ms < 1000 && result.redrawn === 0;
  return [
    '## The clicked message, after a click',
    '',
    `${result.clicks} clicks (a note each, one every 600 ms) on one posted card, our bot in its own process. From the`,
    'click’s answer to the PUT of the clicked message showing the new version (negative: it landed before the answer):',
    `p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, max ${result.maxMs} ms; versions redrawn more than once: ${result.redrawn}.`,
    `Target: p95 under 1 s and no second redraw: ${met ? 'met' : 'NOT met'}.`,
    '',
  ].join('\n');
}
