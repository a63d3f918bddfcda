// The outbox survives the process: updates pending when the bot is killed are delivered
// by the next run. The bot runs as a real child process (`node dist/src/main.js`).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { json, post } from '../support/app';
import { type BotProcess, startBot as startBotProcess } from '../support/botProcess';
import { fullForm } from '../support/briefs';
import { FakeConnector, type PostedActivity } from '../support/fakeConnector';
import { cardAction, channels, personas, routeTier, send } from '../support/teamsActivities';

const main = resolve(__dirname, '../../src/main.js');

const startBot = (databaseFile: string) =>
  startBotProcess('the bot', [main], { ...process.env, DATABASE_URL: `sqlite:${databaseFile}`, BOT_ID: '' });

describe('Deliveries across a restart', () => {
  let teams: FakeConnector;
  let bot: BotProcess | undefined;
  before(async () => {
    teams = await FakeConnector.start();
  });
  after(async () => {
    await bot?.kill();
    await teams.close();
  });

  it('delivers after a restart the card updates pending when the process was killed', async function () {
    this.timeout(60_000);
    const databaseFile = join(mkdtempSync(join(tmpdir(), 'escalation-restart-')), 'escalations.db');
    const first = await startBot(databaseFile);
    bot = first;
    await routeTier(first.url, teams.url, 'engineering', channels.engineering);
    assert.equal(
      (await post(`${first.url}/api/escalations`, { ...fullForm, requester: { name: 'Dana Agent' } })).status,
      201,
    );
    const card = await teams.waitFor(() => teams.posts().find((p) => p.kind === 'create') as PostedActivity);

    // Teams is down for card updates: the update waits in the outbox, retried with backoff.
    teams.failNext(1000, 503, { match: (r: any) => r.method === 'PUT' });
    const answer = await send(
      first.url,
      cardAction({
        serviceUrl: teams.url,
        user: personas.engineer,
        card,
        verb: 'escalation.setStatus',
        data: { escalationId: 'ESC-1', version: 1, status: 'investigating' },
      }),
    );
    assert.equal(answer.body.statusCode, 200);
    const outbox = new Database(databaseFile, { readonly: true, fileMustExist: true });
    const waiting = () =>
      outbox
        .prepare("select attempts, claimed_until from outbox where kind = 'update' and delivered_at is null")
        .get() as { attempts: number; claimed_until: string | null } | undefined;
    await teams.waitFor(() => {
      const row = waiting();
      return row && row.attempts >= 1 && row.claimed_until === null;
    }, 30_000);
    await first.kill();
    assert.ok(waiting(), 'the update is still pending when the process dies');
    outbox.close();

    teams.clearFaults();
    const second = await startBot(databaseFile);
    bot = second;
    await teams.waitFor(
      () => JSON.stringify(teams.card(card.conversationId, card.activityId)).includes('Investigating'),
      30_000,
    );
    const detail = await json(await fetch(`${second.url}/api/escalations/ESC-1`));
    assert.equal(detail.status, 'investigating');
    await second.stop();
  });
});
