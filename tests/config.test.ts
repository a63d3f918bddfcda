import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { defaultSlaPolicy } from '../src/domain/slaPolicy';

const root = resolve(__dirname, '../..');

describe('configuration', () => {
  it('defaults to local mode on loopback with the embedded SQLite store', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3978);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.localMode, true);
    assert.equal(config.databaseUrl, 'sqlite:./data/escalations.db');
    assert.equal(config.publicUrl, 'http://localhost:3978');
    assert.equal(config.slaCheckIntervalMs, 30_000);
    assert.deepEqual(config.slaPolicy, defaultSlaPolicy);
  });

  it('reads the Azure Bot identity by the Teams Toolkit names', () => {
    const config = loadConfig({
      BOT_ID: 'abc',
      BOT_PASSWORD: 'secret',
      BOT_TYPE: 'SingleTenant',
      BOT_TENANT_ID: 't1',
      HOST: '0.0.0.0',
    });
    assert.equal(config.localMode, false);
    assert.deepEqual(config.bot, { id: 'abc', password: 'secret', tenantId: 't1', type: 'SingleTenant' });
    assert.equal(config.host, '0.0.0.0');
  });

  it('merges an SLA policy file over the defaults, seconds included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sla-'));
    const file = join(dir, 'sla.json');
    writeFileSync(file, JSON.stringify({ critical: { acknowledge: 'PT5S' }, medium: { resolve: 'P1DT12H' } }));
    const { slaPolicy } = loadConfig({ SLA_POLICY: file });
    assert.equal(slaPolicy.critical.acknowledge, 5_000);
    assert.equal(slaPolicy.critical.resolve, defaultSlaPolicy.critical.resolve);
    assert.equal(slaPolicy.medium.resolve, 36 * 3_600_000);
  });

  const refusals: [string, NodeJS.ProcessEnv, RegExp][] = [
    ['a port out of range', { PORT: '70000' }, /^PORT="70000" is not valid: expected a port number from 1 to 65535$/],
    ['a port that is not a number', { PORT: 'web' }, /^PORT="web" is not valid/],
    [
      'a database URL of another kind',
      { DATABASE_URL: 'mysql://x' },
      /^DATABASE_URL="mysql:\/\/x" is not valid: expected sqlite:PATH or postgres:/,
    ],
    [
      'a public URL that is not a URL',
      { PUBLIC_URL: 'escalations' },
      /^PUBLIC_URL="escalations" is not valid: expected an http\(s\) URL/,
    ],
    [
      'a check interval that is not a duration',
      { SLA_CHECK_INTERVAL: '30s' },
      /^SLA_CHECK_INTERVAL="30s" is not valid: expected an ISO-8601 duration/,
    ],
    [
      'an unknown bot type',
      { BOT_TYPE: 'Global' },
      /^BOT_TYPE="Global" is not valid: expected MultiTenant, SingleTenant or UserAssignedMSI$/,
    ],
    ['a short API key', { API_KEY: 'abc' }, /^API_KEY="abc" is not valid: expected a key of at least 16 characters$/],
    [
      'listening beyond loopback without authentication',
      { HOST: '0.0.0.0' },
      /^HOST=0\.0\.0\.0 is not allowed without BOT_ID/,
    ],
    ['a bot id without its password', { BOT_ID: 'abc' }, /^BOT_PASSWORD is required when BOT_ID is set/],
    [
      'a missing SLA policy file',
      { SLA_POLICY: '/nonexistent/sla.json' },
      /^SLA_POLICY=\/nonexistent\/sla\.json cannot be read: no such file$/,
    ],
  ];
  for (const [name, env, message] of refusals) {
    it(`refuses ${name}, naming the variable`, () => {
      assert.throws(
        () => loadConfig(env),
        (error: Error) => error instanceof ConfigError && message.test(error.message),
      );
    });
  }

  it('refuses an SLA policy with a bad duration, naming where', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sla-'));
    const file = join(dir, 'sla.json');
    writeFileSync(file, JSON.stringify({ high: { resolve: '1 day' } }));
    assert.throws(
      () => loadConfig({ SLA_POLICY: file }),
      /SLA_POLICY=.* is not valid: high\.resolve "1 day" is not an ISO-8601 duration/,
    );
  });

  it('stops start-up with one line and exit code 1, no stack trace', () => {
    const run = spawnSync(process.execPath, [join(root, 'dist/src/main.js')], {
      env: { ...process.env, PORT: 'abc', DATABASE_URL: '' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 1);
    assert.equal(
      run.stderr,
      'Escalation Desk cannot start: PORT="abc" is not valid: expected a port number from 1 to 65535\n',
    );
  });
});
