// Opening an actionable email runs its card's refresh every time (Outlook ignores userIds): the
// bot must answer the current Outlook card within 2 s at p99. Measured against our bot in its
// own process: escalations posted to a bound channel, then Outlook-shaped escalation.refresh
// invokes from several people at once, over keep-alive HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BotProcess } from '../tests/support/botProcess';
import { fullForm } from '../tests/support/briefs';
import { FakeConnector } from '../tests/support/fakeConnector';
import { cardAction, channelMessage, channels, personas, send } from '../tests/support/teamsActivities';
import { startOurs, withBot } from './harness';

export interface OutlookRefreshResult {
  refreshes: number;
  concurrency: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
}

/** Our bot in its own process with a fresh database, the fake connector standing in for Teams. */
export async function benchOutlookInProcess(main: string): Promise<OutlookRefreshResult> {
  const fake = await FakeConnector.start();
  const dir = mkdtempSync(join(tmpdir(), 'escalation-desk-outlook-'));
  try {
    const bot = await startOurs({ main, databaseUrl: `sqlite:${join(dir, 'escalations.db')}` });
    return await withBot(bot, () => benchOutlookRefresh(bot, fake));
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchOutlookRefresh(
  bot: BotProcess,
  fake: FakeConnector,
  refreshes = 1000,
  concurrency = 16,
): Promise<OutlookRefreshResult> {
  await send(
    bot.url,
    channelMessage({
      serviceUrl: fake.url,
      channel: channels.engineering,
      text: 'route engineering',
      user: personas.lead,
    }),
  );
  const ids: string[] = [];
  for (let i = 0; i < 16; i++) {
    const made = await fetch(`${bot.url}/api/escalations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...fullForm, summary: `Outlook refresh ${i}`, requester: { name: 'Dana Agent' } }),
    });
    ids.push(((await made.json()) as { id: string }).id);
  }
  const people = [personas.engineer, personas.lead, personas.agent, personas.product];
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const user = async (n: number) => {
    for (;;) {
      const i = next++;
      if (i >= refreshes) return;
      const activity = {
        ...cardAction({
          serviceUrl: fake.url,
          user: people[(n + i) % people.length],
          card: { conversationId: 'a:1outlook', activityId: '1' },
          verb: 'escalation.refresh',
          data: { escalationId: ids[i % ids.length], version: 1 },
        }),
        channelId: 'outlook',
        conversation: { id: `outlook-${n}` },
        channelData: {},
      };
      const began = performance.now();
      const answer = await send(bot.url, activity);
      latencies.push(performance.now() - began);
      if (answer.status !== 200 || answer.body?.value?.version !== '1.4') errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, n) => user(n)));
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1));
  return {
    refreshes,
    concurrency,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    maxMs: Number((latencies.at(-1) ?? 0).toFixed(1)),
    errors,
  };
}

export function outlookMarkdown(result: OutlookRefreshResult): string {
  const met = result.p99Ms < 2000 && result.errors === 0 ? 'met' : 'MISSED';
  return [
    '## Opening an actionable email (Outlook refresh)',
    '',
    '| what | figure | target | verdict |',
    '| --- | --- | --- | --- |',
    `| ${result.refreshes} Outlook refreshes, ${result.concurrency} at a time | p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms (max ${result.maxMs} ms), ${result.errors} errors | p99 < 2 s | ${met} |`,
    '',
  ].join('\n');
}
