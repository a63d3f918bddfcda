// The board's page as the server serves it under /tab/: the built files by name only (no path
// reaches the disk), a policy that lets only Teams, Outlook and Microsoft 365 frame it, the
// settings the page starts from, and a bundle small enough to open quickly (under 350 KB gzipped,
// the domain's tables in it as data).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { verbs } from '../../src/domain/verbs';
import { tabDirectory } from '../../src/http/tabRoutes';
import type { RunningApp } from '../../src/main';
import { startTestApp } from '../support/app';

describe('The board’s page under /tab/', () => {
  let app: RunningApp;
  before(async () => {
    app = await startTestApp({ SSO_CLIENT_ID: '3e1f0a9b-8c7d-4b8a-9c7d-2e1f0a9b8c7d' });
  });
  after(() => app.close());

  it('serves the built page, gzipped, with a policy that only Teams, Outlook and Microsoft 365 may frame it', async () => {
    const page = await fetch(`${app.url}/tab/index.html`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const html = await page.text();
    assert.match(html, /<script type="module" src="board.js">/);
    assert.match(html, /<link rel="modulepreload" href="chunk-\w+\.js" \/>/, 'its chunks fetched at once');
    // The settings ride in the page as data (the policy runs no inline script).
    const settings = /<script id="tab-settings" type="application\/json">([^<]*)<\/script>/.exec(html)?.[1] ?? '';
    assert.equal(JSON.parse(settings).sso.clientId, '3e1f0a9b-8c7d-4b8a-9c7d-2e1f0a9b8c7d');
    const policy = page.headers.get('content-security-policy') ?? '';
    assert.match(policy, /frame-ancestors 'self' https:\/\/teams\.microsoft\.com /);
    assert.match(policy, /https:\/\/outlook\.office\.com/);
    assert.match(policy, /script-src 'self'(;|$)/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');

    const script = await fetch(`${app.url}/tab/board.js`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('content-encoding'), 'gzip');
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    const etag = script.headers.get('etag') ?? '';
    assert.ok(etag);
    const again = await fetch(`${app.url}/tab/board.js`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);

    for (const bare of ['/tab', '/tab/']) {
      const redirect = await fetch(`${app.url}${bare}`, { redirect: 'manual' });
      assert.equal(redirect.status, 302, bare);
      assert.equal(redirect.headers.get('location'), '/tab/index.html');
    }
  });

  it('says how people sign in: the app id URI and client id, and whether it is local mode', async () => {
    const settings = await (await fetch(`${app.url}/tab/settings.json`)).json();
    assert.deepEqual(settings, {
      localMode: true,
      sso: {
        clientId: '3e1f0a9b-8c7d-4b8a-9c7d-2e1f0a9b8c7d',
        appIdUri: 'api://localhost:3978/3e1f0a9b-8c7d-4b8a-9c7d-2e1f0a9b8c7d',
        authorityHost: 'https://login.microsoftonline.com',
      },
      publicUrl: 'http://localhost:3978',
    });
  });

  it('answers anything but a built file with a 404 in JSON: no path from the request reaches the disk', async () => {
    for (const tried of [
      '/tab/..%2Fpackage.json',
      '/tab/%2e%2e%2Fpackage.json',
      '/tab/..%5C..%5Cpackage.json',
      '/tab/.env',
      '/tab/nothing.js',
      '/tab/board.js%00.html',
      '/tab/constructor',
      '/tab/__proto__',
      `/tab/${'a'.repeat(300)}.js`,
    ]) {
      const answer = await fetch(`${app.url}${tried}`);
      assert.ok(answer.status === 404 || answer.status === 400, `${tried}: ${answer.status}`);
      const body = (await answer.json()) as { message?: unknown };
      assert.equal(typeof body.message, 'string', tried);
      assert.doesNotMatch(JSON.stringify(body), /escalation-desk|dependencies/, tried);
    }
  });

  it('keeps what a browser downloads under 350 KB gzipped, charts and sign-in included', () => {
    const files = readdirSync(tabDirectory).filter((name) => /\.(js|css|html)$/.test(name));
    const gzipped = files.reduce(
      (sum, name) => sum + gzipSync(readFileSync(path.join(tabDirectory, name)), { level: 9 }).length,
      0,
    );
    assert.ok(files.includes('board.js') && files.includes('config.js'), files.join());
    assert.ok(gzipped < 350 * 1024, `${Math.round(gzipped / 1024)} KB gzipped`);
  });

  it('carries the verb table and the caps the board reads as data, without the schemas that check them (zod)', () => {
    const scripts = readdirSync(tabDirectory).filter((name) => name.endsWith('.js'));
    const code = scripts.map((name) => readFileSync(path.join(tabDirectory, name), 'utf8')).join('\n');
    assert.ok(code.includes(JSON.stringify(verbs.setStatus.name)), 'the verb names');
    assert.doesNotMatch(code, /"ZodObject"|"ZodString"/, 'zod would add about 95 KB gzipped');
  });
});
