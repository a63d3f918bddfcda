// Starting and stopping as an operator's platform does, with the real binary (`node
// dist/src/main.js`): listening while the database's migrations run (/readyz fails until they are
// done), and on SIGTERM saying "draining", answering what is under way, finishing the card post in
// progress and exiting within 10 s.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { startBot } from './support/botProcess';
import { fullForm } from './support/briefs';
import { FakeConnector } from './support/fakeConnector';
import { channels, routeTier } from './support/teamsActivities';

const main = resolve(__dirname, '../src/main.js');
const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Kysely's migration lock on PostgreSQL (its PostgresAdapter): held here, the migrations wait. */
const migrationLock = '3853314791062309107';

describe('Starting and stopping', function () {
  this.timeout(60_000);

  it('listens while the migrations run: /readyz fails and the API says it is starting, until they are done', async () => {
    const name = `escalation_lifecycle_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    const holder = new Client({ connectionString: url.toString() });
    await holder.connect();
    await holder.query(`select pg_advisory_lock(${migrationLock})`);
    // Listening (its /healthz answers) while the migrations wait for the lock.
    const bot = await startBot(
      'Escalation Desk',
      [main],
      { ...process.env, BOT_ID: '', DATABASE_URL: url.toString() },
      20_000,
      '/healthz',
    );
    try {
      const ready = await fetch(`${bot.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { status: 'migrating' });
      const health = await fetch(`${bot.url}/healthz`);
      assert.deepEqual([health.status, await health.json()], [200, { status: 'starting' }]);
      const api = await fetch(`${bot.url}/api/escalations`);
      assert.equal(api.status, 503);
      assert.equal(api.headers.get('retry-after'), '5');
      assert.match(((await api.json()) as { message: string }).message, /starting/);

      await holder.query(`select pg_advisory_unlock(${migrationLock})`);
      const deadline = Date.now() + 20_000;
      let answer = await fetch(`${bot.url}/readyz`);
      while (answer.status !== 200 && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 100));
        answer = await fetch(`${bot.url}/readyz`);
      }
      assert.deepEqual([answer.status, await answer.json()], [200, { status: 'ready' }]);
      assert.equal((await fetch(`${bot.url}/api/escalations`)).status, 200);
    } finally {
      await bot.stop();
      await holder.end();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  it('on SIGTERM says draining, finishes the card post under way, records it sent and exits within 10 s', async () => {
    const teams = await FakeConnector.start();
    // Teams, slow: every request it gets waits 2.5 s before the fake connector answers it.
    const held: string[] = [];
    const slowTeams: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        held.push(`${req.method} ${req.url}`);
        setTimeout(async () => {
          const answer = await fetch(`${teams.url.replace(/\/amer\/?$/, '')}${req.url}`, {
            method: req.method,
            headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
            body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
          });
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        }, 2_500);
      });
    });
    await new Promise<void>((done) => slowTeams.listen(0, '127.0.0.1', done));
    const slowUrl = `http://127.0.0.1:${(slowTeams.address() as AddressInfo).port}/amer/`;
    const file = join(mkdtempSync(join(tmpdir(), 'escalation-desk-stop-')), 'escalations.db');
    const bot = await startBot('Escalation Desk', [main], {
      ...process.env,
      BOT_ID: '',
      DATABASE_URL: `sqlite:${file}`,
    });
    try {
      await routeTier(bot.url, slowUrl, 'engineering', channels.engineering);
      const made = await fetch(`${bot.url}/api/escalations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...fullForm, requester: { name: 'Dana Agent' } }),
      });
      assert.equal(made.status, 201);
      // The card's post is on its way to (slow) Teams when the platform stops the process.
      const deadline = Date.now() + 10_000;
      // A new thread in a channel is a new conversation: POST /v3/conversations.
      while (!held.some((line) => /^POST \/amer\/v3\/conversations\/?$/.test(line))) {
        assert.ok(Date.now() < deadline, `no post reached Teams: ${held.join(', ')}`);
        await new Promise((done) => setTimeout(done, 20));
      }
      const signalled = Date.now();
      const stopped = bot.stop();
      await new Promise((done) => setTimeout(done, 200));
      const health = await fetch(`${bot.url}/healthz`);
      assert.deepEqual([health.status, await health.json()], [503, { status: 'draining' }]);
      assert.equal((await fetch(`${bot.url}/readyz`)).status, 503);
      await stopped;
      const took = Date.now() - signalled;
      assert.ok(took < 10_000, `stopped in ${took} ms`);

      assert.equal(teams.cardsIn(channels.engineering.id).length, 1, 'the post under way reached Teams');
      const db = new Database(file, { readonly: true });
      const rows = db.prepare("select delivered_at from outbox where kind = 'post'").all() as {
        delivered_at: string | null;
      }[];
      db.close();
      assert.ok(rows.length > 0 && rows.every((row) => row.delivered_at !== null), 'and it is recorded as sent');
    } finally {
      await bot.stop();
      slowTeams.close();
      await teams.close();
    }
  });
});
