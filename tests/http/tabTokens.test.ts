// The tab's single sign-on, over HTTP: the real server outside local mode, checking people's
// Entra tokens against a loopback JWKS whose keys the test mints (as Entra publishes a
// tenant's keys). A valid token is that person; anything else is 401 in JSON; and whoever is
// outside Security never meets a Security escalation in any route the board uses.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { fullForm, minimalForm } from '../support/briefs';

const tenant = '6f0c2a51-3d4e-4b8a-9c7d-2e1f0a9b8c7d';
const otherTenant = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
const clientId = '3e1f0a9b-8c7d-4b8a-9c7d-2e1f0a9b8c7d';
const appIdUri = `api://escalations.contoso.example/${clientId}`;
const apiKey = 'integration-key-0123456789';
const people = {
  sol: { oid: 'aad00000-0000-4000-8000-000000000006', name: 'Sol Security' },
  priya: { oid: 'aad00000-0000-4000-8000-000000000005', name: 'Priya Product' },
};

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;

describe('Single sign-on from the tab (Entra tokens checked with jose)', () => {
  let jwks: Server;
  let authority: string;
  let keys: Keys;
  let strangerKeys: Keys;
  let app: RunningApp;
  const fetched: string[] = [];

  const token = (
    claims: JWTPayload = {},
    options: { keys?: Keys; issuer?: string; audience?: string; expires?: string | number } = {},
  ) =>
    new SignJWT({ tid: tenant, oid: people.priya.oid, name: people.priya.name, scp: 'access_as_user', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1', typ: 'JWT' })
      .setIssuer(options.issuer ?? `${authority}/${claims.tid ?? tenant}/v2.0`)
      .setAudience(options.audience ?? appIdUri)
      .setIssuedAt()
      .setExpirationTime(options.expires ?? '1h')
      .sign((options.keys ?? keys).privateKey);
  const as = async (person: { oid: string; name: string }) => ({
    authorization: `Bearer ${await token({ oid: person.oid, name: person.name })}`,
  });
  const get = async (path: string, headers: Record<string, string>) => fetch(`${app.url}${path}`, { headers });

  before(async () => {
    keys = await generateKeyPair('RS256');
    strangerKeys = await generateKeyPair('RS256');
    const published = { ...(await exportJWK(keys.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    jwks = createServer((req, res) => {
      fetched.push(req.url ?? '');
      if (req.url === `/${tenant}/discovery/v2.0/keys`) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ keys: [published] }));
      }
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"invalid_tenant"}');
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    authority = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    app = await startTestApp({
      BOT_ID: clientId,
      BOT_PASSWORD: 'not-used-here',
      BOT_TENANT_ID: tenant,
      LINK_SECRET: 'a'.repeat(40),
      API_KEY: apiKey,
      PUBLIC_URL: 'https://escalations.contoso.example',
      ENTRA_AUTHORITY_HOST: authority,
      ADMINS: people.sol.oid,
    });
    const raise = async (form: object) => {
      const made = await post(
        `${app.url}/api/escalations`,
        { ...form, requester: { name: 'Dana Agent' } },
        {
          authorization: `Bearer ${apiKey}`,
        },
      );
      assert.equal(made.status, 201, await made.clone().text());
    };
    await raise(fullForm);
    await raise({ ...minimalForm, summary: 'Customer data visible to another tenant', target: 'security' });
  });
  after(async () => {
    await app.close();
    jwks.close();
  });

  it('takes a valid token as its person (v2 and v1 issuers, audience by app id URI or client id)', async () => {
    const me = await json(await get('/api/me', await as(people.priya)));
    assert.equal(me.id, people.priya.oid);
    assert.equal(me.name, people.priya.name);
    const v1 = await token({}, { issuer: `https://sts.windows.net/${tenant}/` });
    assert.equal((await get('/api/me', { authorization: `Bearer ${v1}` })).status, 200);
    const byClientId = await token({}, { audience: clientId });
    assert.equal((await get('/api/me', { authorization: `Bearer ${byClientId}` })).status, 200);
    assert.ok(
      fetched.every((url) => url === `/${tenant}/discovery/v2.0/keys`),
      'keys asked of the token’s tenant only',
    );
  });

  it('answers 401 in JSON for a token of the wrong audience, issuer, tenant, expired, unsigned, signed by another key, without the scope, or none', async () => {
    const unsigned = async () => {
      const signed = (await token()).split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      return `${header}.${signed[1]}.`;
    };
    const cases: [string, Promise<string> | string | undefined, RegExp][] = [
      ['another audience', token({}, { audience: 'api://someone-else/1' }), /another app or issuer/],
      ['another issuer', token({}, { issuer: 'https://evil.example/v2.0' }), /another app or issuer/],
      ['a tenant not served', token({ tid: otherTenant }), /organisation is not one this app serves/],
      ['expired', token({}, { expires: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
      ['unsigned (alg none)', unsigned(), /not signed by your tenant|not a JSON Web Token/],
      ['signed by a key the tenant did not publish', token({}, { keys: strangerKeys }), /not signed by your tenant/],
      ['without access_as_user', token({ scp: 'User.Read' }), /access_as_user/],
      ['without a person', token({ oid: 'not-a-guid' }), /names no person/],
      ['not a token', 'abc.def.ghi', /not a JSON Web Token/],
      ['none', undefined, /token|API key/],
    ];
    for (const [name, made, pattern] of cases) {
      const given = await made;
      const answer = await get('/api/board', given ? { authorization: `Bearer ${given}` } : {});
      assert.equal(answer.status, 401, name);
      const body = await json(answer);
      assert.equal(body.error, 'unauthorized', name);
      assert.match(body.message, pattern, name);
    }
  });

  it('never shows a Security escalation to someone outside Security, in any route the board uses', async () => {
    const priya = await as(people.priya);
    const board = await json(await get('/api/board', priya));
    assert.deepEqual(
      board.items.map((i: any) => i.id),
      ['ESC-1'],
    );
    assert.equal(board.byTier.security, undefined);
    assert.equal((await json(await get('/api/board?target=security', priya))).total, 0);
    const leaked = /another tenant|ESC-2|"security"/;
    assert.doesNotMatch(JSON.stringify(await json(await get('/api/board/charts', priya))), leaked);
    assert.doesNotMatch(await (await get('/api/board.csv', priya)).text(), leaked);
    assert.doesNotMatch(JSON.stringify(await json(await get('/api/escalations', priya))), leaked);
    assert.equal((await get('/api/escalations/ESC-2', priya)).status, 404);
    assert.equal((await get('/api/escalations/ESC-2/brief.txt', priya)).status, 404);
    const acted = await post(
      `${app.url}/api/escalations/ESC-2/actions`,
      { verb: 'escalation.addNote', version: 1, note: 'x' },
      priya,
    );
    assert.equal(acted.status, 404);
    assert.doesNotMatch(await acted.text(), /another tenant|security/i, 'no more than the id it was asked for');

    // An admin sees it, and may act on it.
    const sol = await as(people.sol);
    assert.equal((await json(await get('/api/board', sol))).total, 2);
    const noted = await post(
      `${app.url}/api/escalations/ESC-2/actions`,
      { verb: 'escalation.addNote', version: 1, note: 'On it' },
      sol,
    );
    assert.equal(noted.status, 200);
    assert.equal((await json(noted)).timeline.at(-1).actor.name, people.sol.name);
  });

  it('keeps the people picker to local mode', async () => {
    assert.equal((await get('/api/people', await as(people.priya))).status, 404);
  });
});
