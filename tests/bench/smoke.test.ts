// `npm run bench` in seconds: the bench's own command with --smoke (one short round of each
// click scenario on a few cards, a soak of a few seconds on SQLite and PostgreSQL, the slow
// sections left out), written to a folder of its own. It must finish, and the hot channel, the
// spread (ours and the bare bot) and the soak must each come back with figures. How fast is not
// asserted: a test cannot hold a shared machine to a time; the full bench reports against targets.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// Importing the bench from here is also what builds it with the rest (npm run build).
import { type BenchResults, outputsOf } from '../../bench/run';

const root = resolve(__dirname, '..', '..', '..');
const benchEntry = resolve(__dirname, '..', '..', 'bench', 'run.js');

function runBench(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [benchEntry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('error', fail);
    child.once('exit', (code) => done({ code, output }));
  });
}

const finite = (value: unknown) => typeof value === 'number' && Number.isFinite(value);

describe('npm run bench, as a smoke run', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  const committed = outputsOf(root);
  const untouched = [committed.results, committed.markdown].map((path) => statSync(path).mtimeMs);
  let results: BenchResults;

  before(async function () {
    this.timeout(120_000);
    const { code, output } = await runBench(['--smoke', '--out', out]);
    assert.equal(code, 0, `the bench exited ${code}:\n${output.slice(-4000)}`);
    results = JSON.parse(readFileSync(outputsOf(out).results, 'utf8')) as BenchResults;
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('leaves bench/results.json and docs/benchmarks.md as they were, and writes its own report', () => {
    assert.deepEqual(
      [committed.results, committed.markdown].map((path) => statSync(path).mtimeMs),
      untouched,
    );
    const markdown = readFileSync(outputsOf(out).markdown, 'utf8');
    for (const heading of ['## The hot channel', '## The spread', '## The soak'])
      assert.ok(markdown.includes(heading), heading);
  });

  it('clicks the hot channel at each concurrency and counts its sends as Teams does', () => {
    const hot = results.hotChannel;
    assert.ok(hot, 'no hot channel results');
    assert.deepEqual(
      hot.byConcurrency.map((c) => c.concurrency),
      results.settings.hot.concurrencies,
    );
    for (const c of hot.byConcurrency) {
      assert.ok(finite(c.clicksPerSecond) && c.clicksPerSecond > 0, `C=${c.concurrency}: no clicks answered`);
      assert.ok(finite(c.p50Ms) && finite(c.p99Ms), `C=${c.concurrency}: no latencies`);
      assert.ok(c.clickedCopy.clicks > 0, `C=${c.concurrency}: no accepted clicks seen`);
    }
    assert.ok(hot.pace.sends > 0, 'no sends to Teams were counted');
    assert.ok(hot.pace.perConversation.every((w) => w.most > 0));
    assert.ok(Number.isInteger(hot.redrawsToReadersVersion));
  });

  it('clicks the spread on both bots at each concurrency', () => {
    const spread = results.spread;
    assert.ok(spread, 'no spread results');
    assert.deepEqual(
      spread.byConcurrency.map((c) => c.concurrency),
      results.settings.spread.concurrencies,
    );
    for (const c of spread.byConcurrency) {
      for (const [name, side] of [
        ['ours', c.ours],
        ['bare', c.bare],
      ] as const) {
        assert.ok(finite(side.clicksPerSecond) && side.clicksPerSecond > 0, `${name} C=${c.concurrency}: no clicks`);
        assert.ok(finite(side.p99Ms), `${name} C=${c.concurrency}: no p99`);
      }
      assert.ok(c.targets.length > 0, 'no targets judged');
    }
  });

  it('soaks a fresh process on SQLite and on PostgreSQL', () => {
    const soak = results.soak ?? [];
    assert.deepEqual(
      soak.map((s) => s.engine),
      ['sqlite', 'postgres'],
    );
    for (const s of soak) {
      if (s.skipped && !process.env.CI) continue;
      assert.equal(s.skipped, undefined, `${s.engine}: ${s.skipped}`);
      assert.ok(s.sent > 0 && s.accepted > 0, `${s.engine}: nothing accepted`);
      assert.ok(finite(s.p99Ms) && finite(s.growth), `${s.engine}: no figures`);
      assert.equal(s.rssMb.length, s.settings.seconds);
    }
  });
});
