// The outbox survives the process: updates pending when the bot is killed are delivered
// by the next run. The bot runs as a real child process (`node dist/src/main.js`).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { json, post } from '../support/app';
import { fullForm } from '../support/briefs';
import { FakeConnector, type PostedActivity } from '../support/fakeConnector';
import { cardAction, channels, personas, routeTier, send } from '../support/teamsActivities';

const main = resolve(__dirname, '../../src/main.js');

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function startBot(databaseFile: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${databaseFile}`, BOT_ID: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, process: child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the bot did not start');
}

describe('Deliveries across a restart', () => {
  let teams: FakeConnector;
  let bot: ChildProcess | undefined;
  before(async () => {
    teams = await FakeConnector.start();
  });
  after(async () => {
    bot?.kill('SIGKILL');
    await teams.close();
  });

  it('delivers after a restart the card updates pending when the process was killed', async function () {
    this.timeout(60_000);
    const databaseFile = join(mkdtempSync(join(tmpdir(), 'escalation-restart-')), 'escalations.db');
    const first = await startBot(databaseFile);
    bot = first.process;
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
    first.process.kill('SIGKILL');
    await new Promise((r) => first.process.once('exit', r));
    assert.ok(waiting(), 'the update is still pending when the process dies');
    outbox.close();

    teams.clearFaults();
    const second = await startBot(databaseFile);
    bot = second.process;
    await teams.waitFor(
      () => JSON.stringify(teams.card(card.conversationId, card.activityId)).includes('Investigating'),
      30_000,
    );
    const detail = await json(await fetch(`${second.url}/api/escalations/ESC-1`));
    assert.equal(detail.status, 'investigating');
    second.process.kill('SIGTERM');
  });
});
