import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { fullBriefText, fullForm, minimalForm } from '../support/briefs';
import { tenantId } from '../support/teamsActivities';

const requester = { name: 'Dana Agent', email: 'dana@example.org' };

describe('HTTP API (local mode)', () => {
  let app: RunningApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('answers /healthz 200 once the store is reachable', async () => {
    const response = await fetch(`${app.url}/healthz`);
    assert.equal(response.status, 200);
    assert.equal((await json(response)).status, 'ok');
  });

  it('creates ESC-n from a full brief and gives it back as text in the layout of the contract', async () => {
    const created = await post(`${app.url}/api/escalations`, { ...fullForm, requester });
    assert.equal(created.status, 201);
    const body = await json(created);
    assert.match(body.id, /^ESC-\d+$/);
    assert.equal(body.status, 'new');
    assert.equal(body.version, 1);
    assert.equal(created.headers.get('location'), `/api/escalations/${body.id}`);

    const text = await fetch(`${app.url}/api/escalations/${body.id}/brief.txt`);
    assert.equal(text.status, 200);
    assert.match(text.headers.get('content-type') ?? '', /^text\/plain; charset=utf-8/);
    assert.equal(await text.text(), fullBriefText);
  });

  it('reads one escalation: the brief, status, owner, SLA state and timeline', async () => {
    const { id } = await json(await post(`${app.url}/api/escalations`, { ...minimalForm, requester }));
    const detail = await json(await fetch(`${app.url}/api/escalations/${id}`));
    assert.equal(detail.id, id);
    assert.equal(detail.brief.summary, minimalForm.summary);
    assert.equal(detail.status, 'new');
    assert.equal(detail.owner, null);
    assert.deepEqual(detail.requester, requester);
    assert.equal(detail.sla.status, 'within');
    assert.match(detail.sla.next, /^ack due in /);
    assert.equal(detail.timeline.length, 1);
    assert.equal(detail.timeline[0].kind, 'created');
    assert.equal(detail.timeline[0].actor.name, 'Dana Agent');
  });

  it('opens a short link /escalations/ESC-n on the board while the escalation is not posted, and 404s an unknown one', async () => {
    const { id } = await json(await post(`${app.url}/api/escalations`, { ...minimalForm, requester }));
    const opened = await fetch(`${app.url}/escalations/${id.toLowerCase()}`, { redirect: 'manual' });
    assert.equal(opened.status, 302);
    assert.equal(opened.headers.get('location'), `http://localhost:3978/tab/index.html?escalation=${id}`);
    const unknown = await fetch(`${app.url}/escalations/ESC-99999`, { redirect: 'manual' });
    assert.equal(unknown.status, 404);
    assert.equal((await fetch(`${app.url}/escalations/%3Cscript%3E`, { redirect: 'manual' })).status, 404);
  });

  it('refuses a bad body with 400 naming each bad field, and stores nothing', async () => {
    const before = (await json(await fetch(`${app.url}/api/escalations`))).length;
    const response = await post(`${app.url}/api/escalations`, {
      ...minimalForm,
      summary: 'two\nlines',
      severity: 'urgent',
      customersAffected: 'lots',
    });
    assert.equal(response.status, 400);
    const body = await json(response);
    assert.equal(body.error, 'invalid_request');
    assert.deepEqual(
      body.problems.map((p: { field: string }) => p.field),
      ['requester', 'summary', 'severity', 'customersAffected'],
    );
    assert.match(body.message, /summary: Summary must be one line of at most 120 characters/);
    assert.equal((await json(await fetch(`${app.url}/api/escalations`))).length, before);
  });

  it('refuses a body that is not JSON with 400 in the same shape', async () => {
    const response = await post(`${app.url}/api/escalations`, '{"summary": ');
    assert.equal(response.status, 400);
    const body = await json(response);
    assert.equal(body.error, 'invalid_request');
    assert.match(body.message, /not valid JSON/);
  });

  it('gives the same escalation for a retried request with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'crm-ticket-4711' };
    const first = await post(`${app.url}/api/escalations`, { ...minimalForm, requester }, headers);
    const second = await post(`${app.url}/api/escalations`, { ...minimalForm, requester }, headers);
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.equal((await json(first)).id, (await json(second)).id);
  });

  it('refuses an Idempotency-Key reused for another escalation (409), and frees a key after 24 hours', async () => {
    let now = Date.parse('2026-12-01T09:00:00Z');
    const clocked = await startTestApp({}, { clock: { now: () => new Date(now) } });
    try {
      const headers = { 'idempotency-key': 'crm-ticket-4712' };
      const first = await post(`${clocked.url}/api/escalations`, { ...minimalForm, requester }, headers);
      assert.equal(first.status, 201);
      const other = await post(
        `${clocked.url}/api/escalations`,
        { ...minimalForm, summary: 'Another problem entirely', requester },
        headers,
      );
      assert.equal(other.status, 409);
      const refusal = await json(other);
      assert.equal(refusal.error, 'conflict');
      assert.match(
        refusal.message,
        /Idempotency-Key "crm-ticket-4712" was used in the last 24 hours for another escalation \(ESC-1\)/,
      );
      now += 23 * 3_600_000;
      assert.equal((await post(`${clocked.url}/api/escalations`, { ...minimalForm, requester }, headers)).status, 200);
      now += 2 * 3_600_000;
      const later = await post(
        `${clocked.url}/api/escalations`,
        { ...minimalForm, summary: 'Another problem entirely', requester },
        headers,
      );
      assert.equal(later.status, 201);
      assert.equal((await json(later)).id, 'ESC-2');
      const bad = await post(
        `${clocked.url}/api/escalations`,
        { ...minimalForm, requester },
        { 'idempotency-key': 'x'.repeat(201) },
      );
      assert.equal(bad.status, 400);
      assert.equal((await json(await fetch(`${clocked.url}/api/escalations`))).length, 2);
    } finally {
      await clocked.close();
    }
  });

  it('lists escalations newest first, filtered by status, target and severity', async () => {
    await post(`${app.url}/api/escalations`, { ...minimalForm, severity: 'critical', target: 'security', requester });
    const all = await json(await fetch(`${app.url}/api/escalations`));
    assert.ok(all.length >= 3);
    const ids = all.map((e: { id: string }) => Number(e.id.slice(4)));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
    const security = await json(await fetch(`${app.url}/api/escalations?target=security&severity=critical&status=new`));
    assert.equal(security.length, 1);
    assert.equal(security[0].target, 'security');
    const bad = await fetch(`${app.url}/api/escalations?severity=urgent`);
    assert.equal(bad.status, 400);
    assert.deepEqual((await json(bad)).problems[0].field, 'severity');
  });

  it('answers 404 in JSON for an unknown or malformed id', async () => {
    for (const id of ['ESC-99999', 'nonsense']) {
      for (const path of [`/api/escalations/${id}`, `/api/escalations/${id}/brief.txt`]) {
        const response = await fetch(`${app.url}${path}`);
        assert.equal(response.status, 404, path);
        assert.equal((await json(response)).error, 'not_found');
      }
    }
  });

  it('recommends a tier and severity from signals', async () => {
    const response = await post(`${app.url}/api/triage`, {
      signals: ['data_exposure', 'bug_confirmed'],
      customersAffected: 1,
    });
    assert.equal(response.status, 200);
    const body = await json(response);
    assert.deepEqual(
      { escalate: body.escalate, target: body.target, severity: body.severity, immediate: body.immediate },
      { escalate: true, target: 'security', severity: 'critical', immediate: true },
    );
    assert.ok(body.reasons.length >= 2);
    const bad = await post(`${app.url}/api/triage`, { signals: ['angry_customer'] });
    assert.equal(bad.status, 400);
    assert.equal((await json(bad)).problems[0].field, 'signals');
  });

  it('serves Prometheus metrics', async () => {
    const response = await fetch(`${app.url}/metrics`);
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /# TYPE escalation_desk_http_requests_total counter/);
    assert.match(text, /escalation_desk_escalations_created_total\{target="engineering",severity="high"\} 1/);
    assert.match(text, /^escalation_desk_deliveries_pending \d+$/m);
  });
});

describe('HTTP API outside local mode', () => {
  let app: RunningApp;
  const apiKey = 'k'.repeat(32);
  before(async () => {
    app = await startTestApp({
      BOT_ID: '00000000-0000-0000-0000-000000000001',
      BOT_PASSWORD: 'x',
      API_KEY: apiKey,
      ALLOWED_TENANTS: tenantId,
      LINK_SECRET: 's'.repeat(32),
    });
  });
  after(() => app.close());

  it('refuses /api/* without the API key and accepts it with the key', async () => {
    const refused = await post(`${app.url}/api/escalations`, { ...minimalForm, requester });
    assert.equal(refused.status, 401);
    assert.match((await json(refused)).message, /Authorization: Bearer/);
    const accepted = await post(
      `${app.url}/api/escalations`,
      { ...minimalForm, requester },
      { authorization: `Bearer ${apiKey}` },
    );
    assert.equal(accepted.status, 201);
  });

  it('asks for the key on whatever spelling of the path the router serves', async () => {
    for (const path of ['/%61pi/escalations', '/api/%65scalations', '/API/escalations', '/api//escalations']) {
      const listed = await fetch(`${app.url}${path}`);
      assert.ok([401, 404].includes(listed.status), `${path}: ${listed.status}`);
      const created = await post(`${app.url}${path}`, { ...minimalForm, requester });
      assert.ok([401, 404, 405].includes(created.status), `${path}: ${created.status}`);
    }
    const all = await json(
      await fetch(`${app.url}/api/escalations`, { headers: { authorization: `Bearer ${apiKey}` } }),
    );
    assert.equal(all.length, 1, 'only the escalation made with the key');
  });

  it('refuses Bot Framework activities without a valid token', async () => {
    const response = await post(`${app.url}/api/messages`, {
      type: 'message',
      text: 'help',
      channelId: 'msteams',
      serviceUrl: 'http://127.0.0.1:1',
      conversation: { id: 'c1' },
      from: { id: 'u1' },
      recipient: { id: 'b1' },
    });
    assert.equal(response.status, 401);
  });
});
