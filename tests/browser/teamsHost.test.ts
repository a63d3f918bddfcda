// The board inside Teams, as far as a test can go without Teams: a small host page, served to the
// browser as https://teams.microsoft.com (an origin teams-js trusts), frames the real server's tab
// and answers teams-js's messages as Teams does: initialize, getContext, the person's token
// (authentication.getAuthToken, minted by the test and checked by the server against a loopback
// JWKS), theme changes, opening a deep link, and the channel tab's configuration (pages.config).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { fullForm, minimalForm } from '../support/briefs';
import { answerTeamsOriginList, launchChromium } from '../support/browser';
import { FakeConnector, rosterFrom } from '../support/fakeConnector';
import { channels, type Persona, personas, routeTier } from '../support/teamsActivities';

const tenant = '6f0c2a51-3d4e-4b8a-9c7d-2e1f0a9b8c7d';
const otherTenant = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
const clientId = '3e1f0a9b-8c7d-4b8a-9c7d-2e1f0a9b8c7d';
const appIdUri = `api://escalations.contoso.example/${clientId}`;
const hostUrl = 'https://teams.microsoft.com/_test/host.html';
/** Where the tab is served from, as in Teams (PUBLIC_URL): the browser's requests reach the real server. */
const tabOrigin = 'https://escalations.contoso.example';

interface HostOptions {
  /** The tab's page, from the server's root: "/tab/index.html". */
  page: string;
  frameContext: 'content' | 'settings';
  theme: string;
  person: Persona;
  token: string;
  /** What getSettings answers (a configured tab being changed). */
  settings?: object;
}

/** The host page: frames the tab and answers teams-js as Teams would; what it was asked is in window.asked. */
function hostPage(appUrl: string, options: HostOptions): string {
  const runtime = {
    apiVersion: 4,
    isLegacyTeams: false,
    hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
    supports: {
      appEntity: {},
      pages: { appButton: {}, tabs: {}, config: {}, backStack: {}, fullTrust: {} },
      teams: { fullTrust: {} },
    },
  };
  const context = {
    locale: 'en-us',
    theme: options.theme,
    entityId: 'board',
    userObjectId: options.person.aadObjectId,
    userPrincipalName: `${options.person.id}@contoso.example`,
    loginHint: `${options.person.id}@contoso.example`,
    tid: tenant,
    hostClientType: 'web',
    hostName: 'Teams',
    frameContext: options.frameContext,
    appSessionId: '1c3f5e7a-0000-4000-8000-000000000001',
    teamId: channels.engineering.teamId,
    teamName: 'Customer Operations',
    channelId: channels.engineering.id,
    channelName: 'Engineering',
  };
  const answers = {
    initialize: [options.frameContext, 'web', JSON.stringify(runtime), '2.0.0'],
    getContext: [context],
    'authentication.getAuthToken': [true, options.token],
    executeDeepLink: [true],
    'settings.setSettings': [true],
    'settings.getSettings': [options.settings ?? {}],
  };
  return `<!doctype html><html><body>
<iframe id="tab" title="Escalation Board" src="${appUrl}${options.page}" style="width:1240px;height:800px;border:0"></iframe>
<script>
window.asked = [];
const answers = ${JSON.stringify(answers)};
const frame = document.getElementById('tab');
window.addEventListener('message', (event) => {
  const message = event.data;
  if (event.source !== frame.contentWindow || !message || typeof message.func !== 'string') return;
  window.asked.push({ func: message.func, args: message.args });
  const args = answers[message.func];
  if (args) frame.contentWindow.postMessage({ id: message.id, uuid: message.uuid, args }, event.origin);
});
window.tell = (func, args) => frame.contentWindow.postMessage({ func, args }, '*');
</script></body></html>`;
}

describe('The Escalation Board inside a Teams host (teams-js, single sign-on)', function () {
  this.timeout(120_000);
  let jwks: Server;
  let authority: string;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let teams: FakeConnector;
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let invoices: string;
  let leak: string;

  const token = (person: Persona, tid = tenant) =>
    new SignJWT({ tid, oid: person.aadObjectId, name: person.name, scp: 'access_as_user' })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1', typ: 'JWT' })
      .setIssuer(`${authority}/${tid}/v2.0`)
      .setAudience(appIdUri)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys.privateKey);

  /** Opens the host page framing the tab; answers with the tab's frame. */
  const openHost = async (
    options: Omit<HostOptions, 'token'> & { token?: string },
  ): Promise<{ page: Page; tab: Frame }> => {
    const html = hostPage(tabOrigin, { ...options, token: options.token ?? (await token(options.person)) });
    await context.route(hostUrl, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
    const page = await context.newPage();
    const logged: string[] = [];
    page.on('console', (m) => logged.push(m.text()));
    await page.goto(hostUrl);
    const tab = page.frames().find((frame) => frame.url().startsWith(tabOrigin));
    assert.ok(
      tab,
      `the tab is framed: ${page
        .frames()
        .map((f) => f.url())
        .join(', ')} ${logged.join('\n')}`,
    );
    return { page, tab };
  };
  const asked = (page: Page) => page.evaluate(() => (globalThis as any).asked as { func: string; args: unknown[] }[]);

  before(async () => {
    keys = await generateKeyPair('RS256');
    const published = { ...(await exportJWK(keys.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    jwks = createServer((req, res) => {
      const known = req.url === `/${tenant}/discovery/v2.0/keys`;
      res.writeHead(known ? 200 : 400, { 'content-type': 'application/json' });
      res.end(known ? JSON.stringify({ keys: [published] }) : '{"error":"invalid_tenant"}');
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    authority = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;

    teams = await FakeConnector.start();
    teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.lead]));
    teams.rosters.set(channels.engineering.id, rosterFrom([personas.engineer, personas.lead]));
    // Local mode (the fake connector posts the cards) with single sign-on set up: tokens are checked.
    app = await startTestApp(
      {
        SSO_CLIENT_ID: clientId,
        SSO_APP_ID_URI: appIdUri,
        ENTRA_AUTHORITY_HOST: authority,
        ALLOWED_TENANTS: tenant,
      },
      { delivery: { pollMs: 50, backoffBaseMs: 50 } },
    );
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    await routeTier(app.url, teams.url, 'security', channels.security);
    const raise = async (form: object) => {
      const made = await post(`${app.url}/api/escalations`, { ...form, requester: { name: personas.agent.name } });
      assert.equal(made.status, 201, await made.clone().text());
      return (await json(made)).id as string;
    };
    invoices = await raise({ ...fullForm, severity: 'critical' });
    await raise(minimalForm);
    leak = await raise({ ...minimalForm, summary: 'Customer data visible to another tenant', target: 'security' });
    await teams.waitFor((fake) => fake.cardsIn(channels.engineering.id)[0]);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await teams?.close();
    jwks?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await answerTeamsOriginList(context);
    await context.route(`${tabOrigin}/**`, async (route) => {
      const url = new URL(route.request().url());
      await route.fulfill({ response: await route.fetch({ url: `${app.url}${url.pathname}${url.search}` }) });
    });
  });
  afterEach(() => context.close());

  it('signs the person in with Teams’ token, shows what they may see, follows Teams’ theme and opens the card’s thread in Teams', async () => {
    const { page, tab } = await openHost({
      page: '/tab/index.html',
      frameContext: 'content',
      theme: 'dark',
      person: personas.engineer,
    });
    await tab.locator('#queue tbody tr').first().waitFor();
    assert.equal(await tab.locator('#who .me').innerText(), personas.engineer.name);
    assert.equal(await tab.locator('#notice').innerText(), '', 'no "outside Teams" notice');
    assert.equal(await tab.locator('#acting-as').count(), 0, 'no local picker: Teams says who it is');
    const rows = await tab.locator('#queue tbody tr').evaluateAll((r) => r.map((row) => row.getAttribute('data-id')));
    assert.ok(rows.includes(invoices));
    assert.ok(!rows.includes(leak), 'no Security escalation for an engineer');
    const funcs = (await asked(page)).map((m) => m.func);
    for (const func of ['initialize', 'getContext', 'authentication.getAuthToken'])
      assert.ok(funcs.includes(func), func);

    const theme = () => tab.evaluate(() => (globalThis as any).document.documentElement.dataset.theme);
    assert.equal(await theme(), 'dark', 'the context’s theme');
    await page.evaluate(() => (globalThis as any).tell('themeChange', ['contrast']));
    await tab.waitForFunction(() => (globalThis as any).document.documentElement.dataset.theme === 'contrast');
    await page.evaluate(() => (globalThis as any).tell('themeChange', ['default']));
    await tab.waitForFunction(() => (globalThis as any).document.documentElement.dataset.theme === 'default');

    await tab.click(`#queue tr[data-id="${invoices}"] button`);
    await tab.locator('#open-in-teams').click();
    const link = await page.waitForFunction(
      () =>
        ((globalThis as any).asked as { func: string; args: string[] }[]).find((m) => m.func === 'executeDeepLink')
          ?.args[0],
    );
    assert.match(String(await link.jsonValue()), /^https:\/\/teams\.microsoft\.com\/l\/message\//);

    // Acting with the token: the server knows the engineer from it, and the posted card updates.
    const posted = await teams.waitFor((fake) => fake.cardsIn(channels.engineering.id)[0]);
    await tab.locator('#acknowledge').click();
    await tab.locator('#detail-message', { hasText: 'Done' }).waitFor();
    await teams.waitFor((fake) =>
      fake
        .updates(posted.conversationId, posted.activityId)
        .find((u) => /Acknowledged/.test(JSON.stringify(u.activity))),
    );
    const timeline = await json(await fetch(`${app.url}/api/escalations/${invoices}`));
    assert.equal(timeline.timeline.at(-1).actor.id, personas.engineer.aadObjectId);
  });

  it('says signing in did not work when Teams’ token is not for this app’s tenants, and shows nothing', async () => {
    const { tab } = await openHost({
      page: '/tab/index.html',
      frameContext: 'content',
      theme: 'default',
      person: personas.engineer,
      token: await token(personas.engineer, otherTenant),
    });
    await tab.locator('#notice', { hasText: 'Signing in did not work' }).waitFor();
    assert.equal(await tab.locator('#queue').count(), 0);
  });

  it('configures a channel tab for one tier (pages.config), and that tab shows only that tier', async () => {
    const { page, tab } = await openHost({
      page: '/tab/config.html',
      frameContext: 'settings',
      theme: 'default',
      person: personas.lead,
    });
    await page.waitForFunction(() =>
      ((globalThis as any).asked as { func: string; args: unknown[] }[]).some(
        (m) => m.func === 'settings.setValidityState' && m.args[0] === true,
      ),
    );
    await tab.selectOption('#tier', 'engineering');
    await page.evaluate(() => (globalThis as any).tell('settings.save', [{}]));
    await page.waitForFunction(() =>
      ((globalThis as any).asked as { func: string }[]).some((m) => m.func === 'settings.save.success'),
    );
    const saved = (await asked(page)).find((m) => m.func === 'settings.setSettings')?.args[0] as Record<string, string>;
    assert.equal(saved.contentUrl, `${tabOrigin}/tab/index.html?tier=engineering`);
    assert.equal(saved.entityId, 'board-engineering');
    assert.equal(saved.suggestedDisplayName, 'Engineering escalations');

    const channelTab = await openHost({
      page: '/tab/index.html?tier=engineering',
      frameContext: 'content',
      theme: 'default',
      person: personas.lead,
    });
    await channelTab.tab.locator('#queue tbody tr').first().waitFor();
    assert.equal(await channelTab.tab.locator('#target').inputValue(), 'engineering');
    assert.match(await channelTab.tab.locator('.scope').innerText(), /Engineering escalations \(Engineering\)/);
    const tiers = await channelTab.tab.locator('#queue tbody tr td:nth-child(3)').allInnerTexts();
    assert.ok(tiers.length > 0 && tiers.every((tier) => tier === 'Engineering'), tiers.join());
  });
});
