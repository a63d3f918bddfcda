// What an operator reads: one JSON log line per request and per activity (pino) with its request
// id, route, status and time, the activity's id, type and verb and the escalation's id, and never a
// token; and the Prometheus metrics (prom-client) after a click: Node's process metrics, the click's
// histogram by verb and outcome, deliveries by kind and result, the outbox's depth and age.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { fullForm } from '../support/briefs';
import { FakeConnector, rosterFrom } from '../support/fakeConnector';
import { cardAction, channels, personas, routeTier, send, submitAction } from '../support/teamsActivities';

describe('Logs and metrics', () => {
  let teams: FakeConnector;
  let app: RunningApp;
  const lines: string[] = [];
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  before(async () => {
    teams = await FakeConnector.start();
    teams.rosters.set(channels.engineering.id, rosterFrom([personas.engineer, personas.lead]));
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    app = await startTestApp({}, { logger: createLogger('info', sink), delivery: { pollMs: 50, backoffBaseMs: 50 } });
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
  });
  after(async () => {
    await app.close();
    await teams.close();
  });

  it('writes one JSON line per request with its id, route, status and time, and never the token it carried', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJlLW5ldmVyLWxvZ2dlZA';
    lines.length = 0;
    const answer = await fetch(`${app.url}/api/escalations?status=new&sig=link-signature-0123`, {
      headers: { authorization: `Bearer ${token}`, 'x-dev-user': personas.agent.aadObjectId },
    });
    assert.equal(answer.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const requests = logged().filter((line) => line.msg === 'request' && line.route === '/api/escalations');
    assert.equal(requests.length, 1, lines.join('\n'));
    const [line] = requests;
    assert.equal(line?.method, 'GET');
    assert.equal(line?.status, 200);
    assert.equal(line?.path, '/api/escalations');
    assert.equal(typeof line?.reqId, 'string');
    assert.equal(typeof line?.ms, 'number');
    assert.equal(line?.level, 30);
    assert.match(String(line?.time), /^\d{4}-\d\d-\d\dT/);
    const everything = lines.join('\n');
    assert.ok(!everything.includes(token) && !everything.includes('c2VjcmV0'), 'the token is never logged');
    assert.ok(!everything.includes('link-signature-0123'), 'nor a query, which may carry a link’s signature');
  });

  it('writes one line per activity (its id, type, verb, escalation), and the click shows in the metrics', async () => {
    const made = await post(`${app.url}/api/escalations`, { ...fullForm, requester: { name: 'Dana Agent' } });
    const { id } = await json(made);
    const card = await teams.waitFor((fake) => fake.cardsIn(channels.engineering.id)[0]);
    lines.length = 0;
    const click = cardAction({
      serviceUrl: teams.url,
      user: personas.engineer,
      card,
      verb: 'escalation.setStatus',
      data: { escalationId: id, version: 1, status: 'acknowledged' },
    });
    const answer = await send(app.url, click);
    assert.equal(answer.status, 200);
    await teams.waitFor((fake) => fake.updates(card.conversationId, card.activityId)[0]);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const activity = logged().find((line) => line.msg === 'request' && line.route === '/api/messages');
    assert.ok(activity, lines.join('\n'));
    assert.equal(activity.activityId, click.id);
    assert.equal(activity.activityType, 'invoke');
    assert.equal(activity.invoke, 'adaptiveCard/action');
    assert.equal(activity.verb, 'escalation.setStatus');
    assert.equal(activity.escalationId, id);
    assert.equal(activity.status, 200);

    const metrics = await fetch(`${app.url}/metrics`);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await metrics.text();
    assert.match(text, /^process_cpu_user_seconds_total \d/m, 'Node’s process metrics');
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
    assert.match(
      text,
      /^escalation_desk_invoke_duration_seconds_count\{verb="escalation\.setStatus",outcome="applied"\} 1$/m,
      'the click, by verb and outcome',
    );
    assert.match(
      text,
      /^escalation_desk_invoke_duration_seconds_bucket\{le="1",verb="escalation\.setStatus",outcome="applied"\} 1$/m,
    );
    assert.match(text, /^escalation_desk_deliveries_total\{kind="post",result="sent"\} [1-9]/m);
    assert.match(text, /^escalation_desk_deliveries_total\{kind="update",result="sent"\} [1-9]/m);
    assert.match(text, /^escalation_desk_deliveries_pending \d+$/m);
    assert.match(text, /^escalation_desk_outbox_oldest_pending_seconds \d/m);
    assert.match(
      text,
      /^escalation_desk_http_requests_total\{route="\/api\/messages",method="POST",status="200"\} [1-9]/m,
    );
    assert.match(text, /^escalation_desk_escalations_created_total\{target="engineering",severity="high"\} 1$/m);
    for (const name of ['throttled_total', 'sla_reminders_total', 'sla_raises_total', 'emails_sent_total']) {
      assert.match(text, new RegExp(`^# TYPE escalation_desk_${name} counter$`, 'm'), name);
    }
  });

  it('counts every escalation made, from the API, the dialog and a card in chat alike', async () => {
    const counted = async () => {
      const text = await (await fetch(`${app.url}/metrics`)).text();
      const line = /^escalation_desk_escalations_created_total\{target="product",severity="medium"\} (\d+)$/m.exec(
        text,
      );
      return Number(line?.[1] ?? 0);
    };
    const before = await counted();
    const form = { ...fullForm, target: 'product', severity: 'medium', summary: 'Counted wherever it is made' };
    await post(`${app.url}/api/escalations`, { ...form, requester: { name: 'Dana Agent' } });
    const dialog = await send(
      app.url,
      submitAction({
        serviceUrl: teams.url,
        groupChatId: '19:support-chat@thread.v2',
        user: personas.agent,
        data: { ...form, summary: 'Made in the dialog', verb: 'escalation.submit' },
      }),
    );
    assert.equal(dialog.status, 200);
    const inChat = await send(
      app.url,
      cardAction({
        serviceUrl: teams.url,
        user: personas.agent,
        card: { conversationId: '19:support-chat@thread.v2', activityId: '1' },
        verb: 'escalation.submit',
        data: { ...form, summary: 'Made from the form in chat' },
      }),
    );
    assert.equal(inChat.status, 200);
    assert.equal(await counted(), before + 3);
  });
});
