// Who the email is sent as. On Azure the bot runs as a user-assigned managed identity
// (BOT_TYPE=UserAssignedMSI), which has no secret: the bot, as its own process with App
// Service's IDENTITY_ENDPOINT and IDENTITY_HEADER, gets its Graph token from a fake of that
// endpoint. Elsewhere an app proves itself to Microsoft Entra ID with a client certificate.
// Only the far side is faked: Graph, Entra and the identity endpoint.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunningApp } from '../../src/main';
import { post, startTestApp } from '../support/app';
import { type BotProcess, startBot } from '../support/botProcess';
import { fullForm } from '../support/briefs';
import { FakeAppServiceIdentity } from '../support/fakeAppServiceIdentity';
import { appCertificatePath, FakeGraph } from '../support/fakeGraph';

const main = resolve(__dirname, '../../src/main.js');
const sender = 'escalations@contoso.example';
const apiKey = 'an-integration-key-for-these-tests';
const asIntegration = { authorization: `Bearer ${apiKey}` };
const requester = { name: 'Dana Agent' };
/** The user-assigned managed identity the bot runs as: its client id is the bot's id. */
const botId = '5b1f0a9b-8c7d-4b8a-9c7d-2e1f0a9b8c7d';
const tenant = '6f0c2a51-3d4e-4b8a-9c7d-2e1f0a9b8c7d';

async function putEmails(url: string, addresses: string[]): Promise<void> {
  const answer = await fetch(`${url}/api/tiers/engineering/emails`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...asIntegration },
    body: JSON.stringify({ addresses }),
  });
  assert.equal(answer.status, 200, await answer.text());
}

async function raiseCritical(url: string): Promise<void> {
  const made = await post(`${url}/api/escalations`, { ...fullForm, severity: 'critical', requester }, asIntegration);
  assert.equal(made.status, 201, await made.text());
}

describe('Sending mail as the bot’s managed identity or an app’s certificate', function () {
  this.timeout(60_000);
  let graph: FakeGraph;

  beforeEach(async () => {
    graph = await FakeGraph.start();
  });
  afterEach(() => graph.close());

  describe('on Azure App Service, as the user-assigned managed identity (no secret anywhere)', () => {
    let identity: FakeAppServiceIdentity;
    let bot: BotProcess | undefined;
    const startManagedBot = (id: string) =>
      startBot('Escalation Desk', [main], {
        ...process.env,
        NODE_TLS_REJECT_UNAUTHORIZED: undefined,
        BOT_ID: id,
        BOT_TYPE: 'UserAssignedMSI',
        BOT_TENANT_ID: tenant,
        BOT_PASSWORD: '',
        GRAPH_CLIENT_ID: '',
        GRAPH_CLIENT_SECRET: '',
        GRAPH_CLIENT_CERTIFICATE_PATH: '',
        LINK_SECRET: 'a-link-secret-of-32-characters-or-more',
        API_KEY: apiKey,
        MAIL_SENDER: sender,
        GRAPH_URL: graph.url,
        DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'managed-identity-')), 'escalations.db')}`,
        // What App Service puts in the environment of an app with a managed identity.
        IDENTITY_ENDPOINT: identity.endpoint,
        IDENTITY_HEADER: identity.header,
      });

    beforeEach(async () => {
      identity = await FakeAppServiceIdentity.start(graph, [botId]);
    });
    afterEach(async () => {
      await bot?.stop();
      bot = undefined;
      await identity.close();
    });

    it('sends the email with the token App Service’s identity endpoint gave the bot’s identity', async () => {
      bot = await startManagedBot(botId);
      await putEmails(bot.url, ['am@contoso.example']);
      await raiseCritical(bot.url);
      const mail = await graph.waitFor(() => graph.sent[0], 20_000);
      assert.equal(mail.sender, sender);
      assert.deepEqual(mail.to, ['am@contoso.example']);
      const given = identity.requests.filter((r) => r.token);
      assert.equal(given.length, 1, 'one token, kept for the next email');
      assert.deepEqual(given[0], {
        header: identity.header,
        apiVersion: '2019-08-01',
        resource: graph.url,
        clientId: botId,
        status: 200,
        token: mail.token,
      });
      assert.deepEqual(graph.tokensGiven, [], 'no secret or certificate was shown to Entra');
    });

    it('says which identity to check when App Service has no such identity for the app', async () => {
      bot = await startManagedBot('0d3e5f60-7a8b-4c9d-8e0f-1a2b3c4d5e6f');
      await putEmails(bot.url, ['am@contoso.example']);
      await raiseCritical(bot.url);
      const deadline = Date.now() + 20_000;
      while (!/managed identity 0d3e5f60-7a8b-4c9d-8e0f-1a2b3c4d5e6f is assigned/.test(bot.output())) {
        assert.ok(Date.now() < deadline, `no sentence about the identity in:\n${bot.output()}`);
        await new Promise((done) => setTimeout(done, 100));
      }
      assert.ok(identity.requests.some((r) => r.status === 400));
      assert.equal(graph.sent.length, 0);
    });
  });

  describe('elsewhere, as an app registration with a client certificate', () => {
    let app: RunningApp | undefined;
    const lines: string[] = [];
    const start = () => {
      lines.length = 0;
      return startTestApp(
        {
          API_KEY: apiKey,
          MAIL_SENDER: sender,
          GRAPH_CLIENT_ID: 'mail-app',
          GRAPH_TENANT_ID: 'contoso-tenant',
          GRAPH_CLIENT_CERTIFICATE_PATH: appCertificatePath,
          GRAPH_URL: graph.url,
          ENTRA_AUTHORITY_HOST: graph.authorityUrl,
        },
        { delivery: { pollMs: 50, backoffBaseMs: 50 }, log: (line) => lines.push(line) },
      );
    };
    afterEach(() => app?.close());
    /** The delivery worker's line when it gives up on the email. */
    const givenUp = async () => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const line = lines.find((l) => l.startsWith('Gave up on'));
        if (line) return line;
        assert.ok(Date.now() < deadline, `not given up:\n${lines.join('\n')}`);
        await new Promise((done) => setTimeout(done, 50));
      }
    };

    it('proves itself to Entra with an assertion signed by the certificate’s key, and sends with that token', async () => {
      // The certificate as uploaded to the app's registration: the public part only.
      const pem = readFileSync(appCertificatePath, 'utf8');
      graph.certificates.set('mail-app', pem.slice(0, pem.indexOf('-----BEGIN PRIVATE KEY')));
      app = await start();
      await putEmails(app.url, ['am@contoso.example']);
      await raiseCritical(app.url);
      const mail = await graph
        .waitFor(() => graph.sent[0])
        .catch((error) => {
          throw new Error(`${error.message}\n${lines.join('\n')}`);
        });
      assert.deepEqual(graph.tokensGiven, [
        { tenant: 'contoso-tenant', clientId: 'mail-app', proof: 'certificate', token: mail.token },
      ]);
    });

    it('gives up on an email Graph refuses for want of permission, saying what to check', async () => {
      const pem = readFileSync(appCertificatePath, 'utf8');
      graph.certificates.set('mail-app', pem.slice(0, pem.indexOf('-----BEGIN PRIVATE KEY')));
      graph.failNext(1, 403);
      app = await start();
      await putEmails(app.url, ['am@contoso.example']);
      await raiseCritical(app.url);
      const gaveUp = await givenUp();
      assert.match(
        gaveUp,
        /Microsoft Graph answered 403 to POST \/v1\.0\/users\/escalations%40contoso\.example\/sendMail/,
      );
      assert.match(gaveUp, /ErrorAccessDenied.*check GRAPH_CLIENT_ID \(mail-app\).*and the app's Graph permission/);
    });

    it('gives up on an email Entra refuses the app a token for, saying what to check', async () => {
      app = await start();
      await putEmails(app.url, ['am@contoso.example']);
      await raiseCritical(app.url);
      const gaveUp = await givenUp();
      assert.match(
        gaveUp,
        /Microsoft Entra ID answered 401 \(invalid_client\) when asked for a Microsoft Graph token: AADSTS700027/,
      );
      assert.match(gaveUp, /check GRAPH_CLIENT_ID \(mail-app\), GRAPH_CLIENT_CERTIFICATE_PATH and GRAPH_TENANT_ID/);
      assert.equal(graph.sent.length, 0);
    });
  });
});
