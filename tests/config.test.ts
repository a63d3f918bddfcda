import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { defaultSlaPolicy } from '../src/domain/slaPolicy';

const root = resolve(__dirname, '../..');
const linkSecret = 'a-link-secret-of-32-characters-or-more';
const tenant = '6f0c2a51-3d4e-4b8a-9c7d-2e1f0a9b8c7d';
const zendesk = {
  ZENDESK_URL: 'https://acme.zendesk.com/',
  ZENDESK_EMAIL: 'agent@acme.test',
  ZENDESK_API_TOKEN: 'zendesk-token',
  ZENDESK_WEBHOOK_SECRET: 'zendesk-signing-secret',
};
const serviceNow = {
  SERVICENOW_URL: 'https://acme.service-now.com',
  SERVICENOW_USER: 'escalation.desk',
  SERVICENOW_PASSWORD: 'pw',
  SERVICENOW_WEBHOOK_SECRET: `whsec_${Buffer.alloc(24, 7).toString('base64')}`,
};
const appCertificate = join(root, 'tests/fixtures/entra/app-certificate.pem');
/** A PEM file written for a refusal below. */
const pemFile = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'pem-')), 'app.pem');
  writeFileSync(file, text);
  return file;
};

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
      LINK_SECRET: linkSecret,
    });
    assert.equal(config.localMode, false);
    assert.deepEqual(config.bot, { id: 'abc', password: 'secret', tenantId: 't1', type: 'SingleTenant' });
    assert.equal(config.host, '0.0.0.0');
    // A single-tenant bot takes its own tenant's activities only.
    assert.deepEqual(config.allowedTenants, ['t1']);
  });

  it('reads the Agents Toolkit’s Azure names too: CLIENT_ID, CLIENT_SECRET, TENANT_ID, BOT_TYPE=UserAssignedMsi', () => {
    const managed = loadConfig({
      CLIENT_ID: 'identity-client-id',
      TENANT_ID: 't2',
      BOT_TYPE: 'UserAssignedMsi',
      HOST: '0.0.0.0',
      LINK_SECRET: linkSecret,
    });
    assert.deepEqual(managed.bot, {
      id: 'identity-client-id',
      password: undefined,
      tenantId: 't2',
      type: 'UserAssignedMSI',
    });
    assert.deepEqual(managed.allowedTenants, ['t2']);
    const ours = loadConfig({
      BOT_ID: 'ours',
      CLIENT_ID: 'theirs',
      CLIENT_SECRET: 's',
      TENANT_ID: 't3',
      LINK_SECRET: linkSecret,
    });
    assert.equal(ours.bot?.id, 'ours', 'our own names win');
    assert.equal(ours.bot?.password, 's');
  });

  it('reads who may do what: admins, allowed tenants, whether Leadership sees Security', () => {
    const config = loadConfig({
      ADMINS: ' AAD00000-0000-4000-8000-000000000004 , Lena.Lead@contoso.example',
      ALLOWED_TENANTS: '6f0c2a51-3d4e-4b8a-9c7d-2e1f0a9b8c7d,00000000-0000-4000-8000-0000000e5c00',
      LEADERSHIP_SEES_SECURITY: 'true',
    });
    assert.deepEqual(config.admins, {
      ids: ['aad00000-0000-4000-8000-000000000004'],
      upns: ['lena.lead@contoso.example'],
    });
    assert.deepEqual(config.allowedTenants, [
      '6f0c2a51-3d4e-4b8a-9c7d-2e1f0a9b8c7d',
      '00000000-0000-4000-8000-0000000e5c00',
    ]);
    assert.equal(config.leadershipSeesSecurity, true);
    const local = loadConfig({});
    assert.equal(local.allowedTenants, undefined, 'local mode takes any tenant unless told');
    assert.equal(local.linkSecret, undefined, 'made in the data folder at start');
    assert.equal(local.leadershipSeesSecurity, false);
  });

  it("sends mail through Graph as MAIL_SENDER, with the GRAPH_ identity or the bot's own; else writes files", () => {
    assert.deepEqual(loadConfig({}).mail, { kind: 'files' });
    assert.equal(loadConfig({}).graph, undefined);
    const withBot = loadConfig({
      MAIL_SENDER: 'escalations@contoso.example',
      BOT_ID: 'bot-id',
      BOT_PASSWORD: 'bot-secret',
      BOT_TENANT_ID: 't1',
      BOT_TYPE: 'SingleTenant',
      LINK_SECRET: linkSecret,
    });
    assert.deepEqual(withBot.mail, { kind: 'graph', sender: 'escalations@contoso.example' });
    assert.deepEqual(withBot.graph, {
      url: 'https://graph.microsoft.com',
      authorityHost: 'https://login.microsoftonline.com',
      identity: { kind: 'secret', clientId: 'bot-id', clientSecret: 'bot-secret', tenantId: 't1' },
    });
    const own = loadConfig({
      MAIL_SENDER: 'escalations@contoso.example',
      GRAPH_CLIENT_ID: 'mail-app',
      GRAPH_CLIENT_SECRET: 'mail-secret',
      GRAPH_TENANT_ID: 't2',
      GRAPH_URL: 'https://graph.microsoft.us/',
      ENTRA_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
    });
    assert.deepEqual(own.graph, {
      url: 'https://graph.microsoft.us',
      authorityHost: 'https://login.microsoftonline.us',
      identity: { kind: 'secret', clientId: 'mail-app', clientSecret: 'mail-secret', tenantId: 't2' },
    });
  });

  it('sends mail as the bot’s user-assigned managed identity, which has no secret', () => {
    const managed = loadConfig({
      MAIL_SENDER: 'escalations@contoso.example',
      CLIENT_ID: 'identity-client-id',
      TENANT_ID: 't2',
      BOT_TYPE: 'UserAssignedMsi',
      LINK_SECRET: linkSecret,
    });
    assert.deepEqual(managed.mail, { kind: 'graph', sender: 'escalations@contoso.example' });
    assert.deepEqual(managed.graph?.identity, { kind: 'managedIdentity', clientId: 'identity-client-id' });
    // A secret given for Graph is the app's own choice, managed identity or not.
    const withSecret = loadConfig({
      MAIL_SENDER: 'escalations@contoso.example',
      CLIENT_ID: 'identity-client-id',
      TENANT_ID: 't2',
      BOT_TYPE: 'UserAssignedMsi',
      LINK_SECRET: linkSecret,
      GRAPH_CLIENT_ID: 'mail-app',
      GRAPH_CLIENT_SECRET: 'mail-secret',
    });
    assert.deepEqual(withSecret.graph?.identity, {
      kind: 'secret',
      clientId: 'mail-app',
      clientSecret: 'mail-secret',
      tenantId: 't2',
    });
  });

  it('sends mail with a client certificate: one PEM file with the certificate and its key', () => {
    const withCertificate = loadConfig({
      MAIL_SENDER: 'escalations@contoso.example',
      GRAPH_CLIENT_ID: 'mail-app',
      GRAPH_TENANT_ID: 't2',
      GRAPH_CLIENT_CERTIFICATE_PATH: appCertificate,
    });
    assert.deepEqual(withCertificate.graph?.identity, {
      kind: 'certificate',
      clientId: 'mail-app',
      tenantId: 't2',
      certificatePath: appCertificate,
    });
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

  it('opens swarm chats through Graph when TEAMS_APP_ID and an identity are set, and with deep links otherwise', () => {
    assert.deepEqual(loadConfig({}).swarm, { kind: 'deepLinks' });
    assert.deepEqual(loadConfig({ TEAMS_APP_ID: '00000000-0000-4000-8000-00000000e5c1' }).swarm, { kind: 'deepLinks' });
    const graph = loadConfig({
      TEAMS_APP_ID: '00000000-0000-4000-8000-00000000e5c1',
      GRAPH_CLIENT_ID: 'app',
      GRAPH_CLIENT_SECRET: 'secret',
      GRAPH_TENANT_ID: 'tenant',
    });
    assert.deepEqual(graph.swarm, { kind: 'graph', teamsAppId: '00000000-0000-4000-8000-00000000e5c1' });
    assert.equal(graph.graph?.identity.kind, 'secret');
    assert.throws(
      () => loadConfig({ TEAMS_APP_ID: 'my-app' }),
      /^Error: TEAMS_APP_ID="my-app" is not valid: expected the Teams app's id \(a GUID\)$/,
    );
  });

  it("sends followers' notices to the activity feed when TEAMS_APP_ID and a Graph identity are set, else to their chat", () => {
    const app = '00000000-0000-4000-8000-00000000e5c1';
    assert.deepEqual(loadConfig({}).notices, { kind: 'chat' });
    assert.deepEqual(loadConfig({ TEAMS_APP_ID: app }).notices, { kind: 'chat' });
    const identity = { GRAPH_CLIENT_ID: 'app', GRAPH_CLIENT_SECRET: 'secret', GRAPH_TENANT_ID: 'tenant' };
    assert.deepEqual(loadConfig({ ...identity, MAIL_SENDER: 'desk@contoso.com' }).notices, { kind: 'chat' });
    assert.deepEqual(loadConfig({ ...identity, TEAMS_APP_ID: app }).notices, { kind: 'activityFeed', teamsAppId: app });
  });

  it('connects the help desks whose four variables are set, and none by default', () => {
    assert.deepEqual(loadConfig({}).helpdesk, { desks: [] });
    const { helpdesk } = loadConfig({ ...zendesk, ...serviceNow });
    assert.deepEqual(
      helpdesk.desks.map((d) => [d.system, d.baseUrl, d.user]),
      [
        ['zendesk', 'https://acme.zendesk.com', 'agent@acme.test'],
        ['servicenow', 'https://acme.service-now.com', 'escalation.desk'],
      ],
    );
    assert.equal(helpdesk.webhookSecret, undefined);
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
      'a check interval so short it would spin',
      { SLA_CHECK_INTERVAL: 'PT0S' },
      /^SLA_CHECK_INTERVAL="PT0S" is not valid: expected an ISO-8601 duration from PT0\.1S to PT1H/,
    ],
    [
      'a check interval longer than a timer can wait',
      { SLA_CHECK_INTERVAL: 'P30D' },
      /^SLA_CHECK_INTERVAL="P30D" is not valid: expected an ISO-8601 duration from PT0\.1S to PT1H/,
    ],
    [
      'a sender that is not a mailbox',
      { MAIL_SENDER: 'escalations' },
      /^MAIL_SENDER="escalations" is not valid: expected the mailbox emails are sent from/,
    ],
    [
      'a sender without an identity to send with',
      { MAIL_SENDER: 'escalations@contoso.example' },
      /^GRAPH_CLIENT_ID is required when MAIL_SENDER is set/,
    ],
    [
      'a sender with an app id but neither secret nor certificate',
      { MAIL_SENDER: 'escalations@contoso.example', GRAPH_CLIENT_ID: 'mail-app', GRAPH_TENANT_ID: 't2' },
      /^GRAPH_CLIENT_SECRET \(or GRAPH_CLIENT_CERTIFICATE_PATH\) is required when MAIL_SENDER is set/,
    ],
    [
      'a secret shown to an authority that is not https',
      {
        MAIL_SENDER: 'escalations@contoso.example',
        GRAPH_CLIENT_ID: 'mail-app',
        GRAPH_CLIENT_SECRET: 'mail-secret',
        GRAPH_TENANT_ID: 't2',
        ENTRA_AUTHORITY_HOST: 'http://login.example',
      },
      /^ENTRA_AUTHORITY_HOST="http:\/\/login\.example" is not valid for sending mail: expected an https URL/,
    ],
    [
      'a missing certificate file',
      { GRAPH_CLIENT_CERTIFICATE_PATH: '/nonexistent/app.pem' },
      /^GRAPH_CLIENT_CERTIFICATE_PATH=\/nonexistent\/app\.pem cannot be read: no such file$/,
    ],
    [
      'a certificate file without its private key',
      {
        GRAPH_CLIENT_CERTIFICATE_PATH: pemFile(
          readFileSync(appCertificate, 'utf8').split('-----BEGIN PRIVATE KEY')[0] ?? '',
        ),
      },
      /^GRAPH_CLIENT_CERTIFICATE_PATH=\S+ is not valid: expected one PEM file holding the app's certificate and its unencrypted private key/,
    ],
    [
      'a certificate file with another certificate’s key',
      {
        GRAPH_CLIENT_CERTIFICATE_PATH: pemFile(
          readFileSync(appCertificate, 'utf8').split('-----BEGIN PRIVATE KEY')[0] +
            readFileSync(join(root, 'tests/fixtures/entra/loopback.key'), 'utf8'),
        ),
      },
      /^GRAPH_CLIENT_CERTIFICATE_PATH=\S+ is not valid: .*; its private key is not the certificate's own$/,
    ],
    [
      'a Graph URL that is not a URL',
      { GRAPH_URL: 'graph' },
      /^GRAPH_URL="graph" is not valid: expected an http\(s\) URL/,
    ],
    [
      'an originator that is not an id',
      { OUTLOOK_ORIGINATOR_ID: 'x y' },
      /^OUTLOOK_ORIGINATOR_ID="x y" is not valid: expected the provider id/,
    ],
    [
      'an unknown bot type',
      { BOT_TYPE: 'Global' },
      /^BOT_TYPE="Global" is not valid: expected MultiTenant, SingleTenant or UserAssignedMSI$/,
    ],
    // A secret is never repeated in the message: logs of a failed start are read by many.
    ['a short API key', { API_KEY: 'abc' }, /^API_KEY is not valid: expected a key of at least 16 characters$/],
    ['a short link secret', { LINK_SECRET: 'short' }, /^LINK_SECRET is not valid: expected a secret of at least 32/],
    [
      'a malformed database URL, without its password',
      { DATABASE_URL: 'mysql://app:hunter2@db/x' },
      /^DATABASE_URL="mysql:\/\/\*\*\*@db\/x" is not valid/,
    ],
    [
      'an admin that is neither an object id nor a UPN',
      { ADMINS: 'lena' },
      /^ADMINS="lena" is not valid: expected comma-separated Entra object ids/,
    ],
    ['a tenant that is not a GUID', { ALLOWED_TENANTS: 'contoso' }, /^ALLOWED_TENANTS="contoso" is not valid/],
    [
      'a multi-tenant bot without the tenants it serves',
      { BOT_ID: 'abc', BOT_PASSWORD: 'x', LINK_SECRET: linkSecret },
      /^ALLOWED_TENANTS is required for a multi-tenant bot/,
    ],
    [
      'a bot without a link secret',
      { BOT_ID: 'abc', BOT_PASSWORD: 'x', BOT_TENANT_ID: 't1' },
      /^LINK_SECRET is required when BOT_ID is set/,
    ],
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
    [
      'a help desk half connected',
      { ZENDESK_URL: 'https://acme.zendesk.com', ZENDESK_EMAIL: 'agent@acme.test' },
      /^ZENDESK_API_TOKEN, ZENDESK_WEBHOOK_SECRET must be set to connect Zendesk/,
    ],
    [
      'a help desk that is not https',
      {
        ...zendesk,
        ZENDESK_URL: 'http://acme.zendesk.com',
        BOT_ID: 'b',
        BOT_PASSWORD: 'p',
        ALLOWED_TENANTS: tenant,
        LINK_SECRET: linkSecret,
      },
      /^ZENDESK_URL="http:\/\/acme\.zendesk\.com" is not valid: expected an https:\/\/ address$/,
    ],
    [
      'a ServiceNow secret that is not a Standard Webhooks secret, without showing it',
      { ...serviceNow, SERVICENOW_WEBHOOK_SECRET: 'plain-secret-value-123' },
      /^SERVICENOW_WEBHOOK_SECRET is not valid: expected a Standard Webhooks secret(?!.*plain-secret)/,
    ],
    [
      'a generic webhook secret that is too short',
      { HELPDESK_WEBHOOK_SECRET: 'whsec_c2hvcnQ=' },
      /^HELPDESK_WEBHOOK_SECRET is not valid: expected a Standard Webhooks secret/,
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
