// Escalating from a help desk and back, over HTTP: the real server with fake Zendesk, ServiceNow
// and Jira on loopback and the fake Bot Connector. Each desk's webhook is signed as the desk signs.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { json, startTestApp } from '../support/app';
import { fullForm } from '../support/briefs';
import { textOf } from '../support/cardValidation';
import { jiraSign, standardSign, zendeskSign } from '../support/deskSigning';
import { FakeConnector, type PostedActivity } from '../support/fakeConnector';
import { deskEnv, FakeJira, FakeServiceNow, FakeZendesk } from '../support/fakeHelpdesks';
import { cardAction, channels, personas, routeTier, send, submitAction } from '../support/teamsActivities';

type AnyDesk = FakeZendesk | FakeServiceNow | FakeJira;

/** One desk as a test drives it: its fake, how it sends a webhook, and its tickets. */
interface DeskCase {
  name: string;
  route: string;
  desk: () => AnyDesk;
  /** A ticket with all the form requires (`complete`), or only a subject and description. */
  addTicket(id: string, complete: boolean): void;
  /** The body the desk sends to escalate it, and to say a public reply was added. */
  escalateBody(id: string, complete: boolean): unknown;
  replyBody(id: string, reply: { id: string; text: string; at: string }): unknown;
  addReply(id: string, reply: { id: string; text: string; at: string }): void;
  sign(body: string, secret: string, at?: Date): Record<string, string>;
  ids: [string, string, string];
  label: (id: string) => string;
}

const agent = { name: 'Sam Support', email: 'sam@acme.test' };
const customer = { id: 501, name: 'Carla Customer', email: 'carla@contoso.test' };
const description = 'Exports of invoices to PDF come out empty. It started after 2.14. Nobody can invoice.';

const zendesk = new FakeZendesk();
const serviceNow = new FakeServiceNow();
const jira = new FakeJira();
const sysIds = new Map<string, string>();
const sysIdOf = (number: string) => {
  if (!sysIds.has(number))
    sysIds.set(
      number,
      number
        .toLowerCase()
        .replace(/[^0-9a-f]/g, '')
        .padStart(32, 'a'),
    );
  return sysIds.get(number) as string;
};

const cases: DeskCase[] = [
  {
    name: 'Zendesk',
    route: 'zendesk',
    desk: () => zendesk,
    ids: ['4821', '4822', '4823'],
    label: (id) => `Zendesk #${id}`,
    addTicket(id) {
      zendesk.addTicket({
        id: Number(id),
        subject: `Invoices export as empty PDFs (${id})`,
        description,
        priority: 'high',
        organization: 'Contoso',
        requester: customer,
        comments: [{ id: 1, public: true, body: description, author: customer, created_at: '2026-12-01T09:00:00Z' }],
      });
    },
    escalateBody: (id, complete) => ({
      event: 'escalate',
      ticket: { id },
      tier: 'engineering',
      signals: 'bug_confirmed',
      agent,
      ...(complete && { workflowImpact: 'Month-end invoicing is blocked', asks: 'Find and fix the empty export' }),
    }),
    replyBody: (id) => ({ event: 'public_reply', ticket: { id }, agent }),
    addReply(id, reply) {
      zendesk.tickets.get(id)?.comments.push({
        id: Number(reply.id),
        public: true,
        body: reply.text,
        author: { id: 77, name: agent.name, email: agent.email },
        created_at: reply.at,
      });
    },
    sign: zendeskSign,
  },
  {
    name: 'ServiceNow',
    route: 'servicenow',
    desk: () => serviceNow,
    ids: ['INC0010001', 'INC0010002', 'INC0010003'],
    label: (id) => `ServiceNow ${id}`,
    addTicket(id) {
      serviceNow.addIncident({
        sys_id: sysIdOf(id),
        number: id,
        short_description: `Invoices export as empty PDFs (${id})`,
        description,
        priority: '2',
        company: 'Contoso',
        journal: [],
      });
    },
    escalateBody: (id, complete) => ({
      event: 'escalate',
      incident: {
        sys_id: sysIdOf(id),
        number: id,
        short_description: `Invoices export as empty PDFs (${id})`,
        description,
        priority: '2',
        company: 'Contoso',
      },
      tier: 'engineering',
      signals: 'bug_confirmed',
      agent,
      ...(complete && { workflowImpact: 'Month-end invoicing is blocked', asks: 'Find and fix the empty export' }),
    }),
    replyBody: (id, reply) => ({
      event: 'public_reply',
      incident: { sys_id: sysIdOf(id), number: id },
      agent,
      comment: { id: reply.id, text: reply.text, at: reply.at, author: agent.name },
    }),
    addReply() {},
    sign: standardSign,
  },
  {
    name: 'Jira Service Management',
    route: 'jira',
    desk: () => jira,
    ids: ['SUP-1', 'SUP-2', 'SUP-3'],
    label: (id) => `Jira ${id}`,
    addTicket(id, complete) {
      const lines = [
        description,
        ...(complete
          ? ['Workflow impact: Month-end invoicing is blocked', "What's needed: Find and fix the empty export"]
          : []),
      ];
      jira.addIssue({
        key: id,
        summary: `Invoices export as empty PDFs (${id})`,
        description: {
          type: 'doc',
          version: 1,
          content: lines.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })),
        },
        priority: 'High',
        organizations: ['Contoso'],
        reporter: { accountId: 'c-1', displayName: customer.name },
        labels: ['escalate-engineering', 'signal-bug_confirmed'],
        comments: [],
      });
    },
    escalateBody: (id) => ({
      webhookEvent: 'jira:issue_created',
      issue: { key: id, fields: { labels: ['escalate-engineering', 'signal-bug_confirmed'] } },
      user: { displayName: agent.name, emailAddress: agent.email },
    }),
    replyBody: (id, reply) => ({
      webhookEvent: 'comment_created',
      issue: { key: id, fields: {} },
      comment: {
        id: reply.id,
        body: reply.text,
        jsdPublic: true,
        author: { displayName: agent.name },
        created: reply.at,
      },
    }),
    addReply() {},
    sign: (body, secret) => jiraSign(body, secret),
  },
];

describe('Escalating from a help desk, and back to its ticket', () => {
  let teams: FakeConnector;
  let app: RunningApp;

  before(async () => {
    teams = await FakeConnector.start();
    await Promise.all([zendesk.start(), serviceNow.start(), jira.start()]);
  });
  after(async () => {
    await teams.close();
    await Promise.all([zendesk.stop(), serviceNow.stop(), jira.stop()]);
  });

  const envOf = () => deskEnv(zendesk, serviceNow, jira);

  beforeEach(async () => {
    teams.reset();
    for (const desk of [zendesk, serviceNow, jira]) {
      desk.requests.length = 0;
      desk.notes.length = 0;
      desk.downWith = undefined;
    }
    app = await startTestApp(envOf());
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
  });
  afterEach(() => app.close());

  const list = async () => json(await fetch(`${app.url}/api/escalations`));
  const posted = () => teams.posts().find((p) => p.kind === 'create') as PostedActivity;
  const briefsPosted = () => teams.posts().filter((p) => p.kind === 'create').length;

  for (const desk of cases) {
    describe(desk.name, () => {
      const secret = () => desk.desk().connection().webhookSecret;
      const deliver = (body: unknown, headers?: Record<string, string>) => {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        return fetch(`${app.url}/api/helpdesk/${desk.route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(headers ?? desk.sign(text, secret())) },
          body: text,
        });
      };
      const notesOn = (id: string) => desk.desk().notes.filter((n) => n.ticketId === id || n.ticketId === sysIdOf(id));

      it('escalates a complete ticket once: one brief in its tier channel with the ticket link, the same id for a repeat, and one internal note', async () => {
        const [id] = desk.ids;
        desk.addTicket(id, true);
        const first = await deliver(desk.escalateBody(id, true));
        assert.equal(first.status, 200, await first.clone().text());
        const answer = await json(first);
        assert.deepEqual(answer, { escalationId: 'ESC-1', outcome: 'escalated' });
        const again = await json(await deliver(desk.escalateBody(id, true)));
        assert.deepEqual(again, { escalationId: 'ESC-1', outcome: 'duplicate' });
        assert.equal((await list()).length, 1);

        await teams.waitFor(() => teams.posts().some((p) => p.kind === 'create'));
        const card = textOf(teams.card(posted().conversationId, posted().activityId));
        assert.ok(card.includes(`Ticket: [${desk.label(id)}](`), card);
        const detail = await json(await fetch(`${app.url}/api/escalations/ESC-1`));
        assert.equal(detail.brief.severity, 'high');
        assert.deepEqual(detail.brief.impact.customerNames, ['Contoso']);
        assert.equal(detail.brief.ticket.id, id);
        const text = await (await fetch(`${app.url}/api/escalations/ESC-1/brief.txt`)).text();
        assert.match(text, new RegExp(`^Target: Engineering\\nTicket: ${desk.label(id)} <http`, 'm'));

        await teams.waitFor(() => notesOn(id).length > 0, 10_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const notes = notesOn(id);
        assert.equal(notes.length, 1, JSON.stringify(notes));
        assert.equal(notes[0]?.public, false);
        assert.match(notes[0]?.body ?? '', /^Escalation Desk: escalated to Engineering as ESC-1 \(High\)/);
        assert.match(notes[0]?.body ?? '', /\/escalations\/ESC-1/);
        // The note's Teams link opens the card's thread in its tier's channel.
        const link = /Open in Teams: http:\/\/localhost:3978(\S+)/.exec(notes[0]?.body ?? '')?.[1] ?? '';
        const opened = await fetch(`${app.url}${link}`, { redirect: 'manual' });
        assert.equal(opened.status, 302);
        assert.match(
          opened.headers.get('location') ?? '',
          /^https:\/\/teams\.microsoft\.com\/l\/message\/19%3Aengineering/,
        );
      });

      it('refuses a bad signature, a stale one, an oversized and a malformed body with a 4xx, storing nothing', async () => {
        const [id] = desk.ids;
        desk.addTicket(id, true);
        const body = JSON.stringify(desk.escalateBody(id, true));
        const forged = desk.sign(body, `${secret()}x`.replace('whsec_', 'whsec_A'));
        assert.equal((await deliver(body, forged)).status, 401);
        assert.equal((await deliver(body, {})).status, 401);
        if (desk.route !== 'jira') {
          const old = desk.sign(body, secret(), new Date(Date.now() - 10 * 60_000));
          assert.equal((await deliver(body, old)).status, 401);
        }
        const huge = JSON.stringify({ ...(desk.escalateBody(id, true) as object), padding: 'x'.repeat(600 * 1024) });
        assert.equal((await deliver(huge)).status, 413);
        assert.equal((await deliver('{"event": ')).status, 400);
        assert.equal((await deliver({ event: 'escalate' })).status < 500, true);
        assert.equal((await deliver([1, 2])).status, 400);
        assert.equal((await list()).length, 0);
        assert.equal(briefsPosted(), 0);
      });

      it('keeps an incomplete ticket as a draft: nothing posted, one internal note with the link to the form', async () => {
        const [, id] = desk.ids;
        desk.addTicket(id, false);
        const answer = await json(await deliver(desk.escalateBody(id, false)));
        assert.deepEqual(answer, { escalationId: null, outcome: 'draft' });
        assert.deepEqual(await json(await deliver(desk.escalateBody(id, false))), {
          escalationId: null,
          outcome: 'draft',
        });
        await teams.waitFor(() => notesOn(id).length > 0, 10_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const notes = notesOn(id);
        assert.equal(notes.length, 1);
        assert.equal(notes[0]?.public, false);
        assert.match(notes[0]?.body ?? '', /lacks the workflow impact, what's needed/);
        assert.match(notes[0]?.body ?? '', new RegExp(`new ${desk.label(id)}`));
        assert.equal((await list()).length, 0);
        assert.equal(briefsPosted(), 0);
      });

      it('writes one internal note for Acknowledge and one for Resolve on the card, waiting out a 429', async () => {
        const [, , id] = desk.ids;
        desk.addTicket(id, true);
        await deliver(desk.escalateBody(id, true));
        await teams.waitFor(() => teams.posts().some((p) => p.kind === 'create'));
        await teams.waitFor(() => notesOn(id).length === 1, 10_000);
        const card = posted();
        const click = (data: Record<string, unknown>, version: number) =>
          send(
            app.url,
            cardAction({
              serviceUrl: teams.url,
              user: personas.engineer,
              card,
              verb: 'escalation.setStatus',
              data: { escalationId: 'ESC-1', version, ...data },
            }),
          );
        desk.desk().answerNext({
          status: 429,
          headers: { 'retry-after': '1' },
          method: desk.route === 'zendesk' ? 'PUT' : desk.route === 'jira' ? 'POST' : 'PATCH',
        });
        const throttledAt = Date.now();
        await click({ status: 'acknowledged' }, 1);
        await teams.waitFor(() => notesOn(id).length === 2, 15_000);
        assert.ok(Date.now() - throttledAt >= 900, 'waited for Retry-After');
        await click({ status: 'resolved', resolution: 'Rolled back the renderer' }, 2);
        await teams.waitFor(() => notesOn(id).length === 3, 15_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const notes = notesOn(id);
        assert.equal(notes.length, 3);
        assert.ok(notes.every((n) => n.public === false));
        assert.match(notes[1]?.body ?? '', /^Escalation Desk: ESC-1 .*acknowledged/);
        assert.match(notes[2]?.body ?? '', /^Escalation Desk: ESC-1 .*Rolled back the renderer/);
      });

      it('writes a message saved from Teams to the ticket as an internal note, saying who saved it, once', async () => {
        const [, , id] = desk.ids;
        desk.addTicket(id, true);
        await deliver(desk.escalateBody(id, true));
        await teams.waitFor(() => notesOn(id).length === 1, 10_000);
        const save = () =>
          send(
            app.url,
            submitAction({
              serviceUrl: teams.url,
              user: personas.engineer,
              channel: channels.support,
              commandId: 'saveToEscalation',
              message: {
                content: '<p>The customer confirms the fix</p>',
                id: '1767621720000',
                author: personas.supportL2,
              },
              data: { escalationId: 'ESC-1' },
            }),
          );
        assert.equal((await save()).body.task.type, 'message');
        await save();
        await teams.waitFor(() => notesOn(id).length === 2, 10_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const notes = notesOn(id);
        assert.equal(notes.length, 2);
        assert.equal(notes[1]?.public, false);
        assert.match(
          notes[1]?.body ?? '',
          /^Escalation Desk: ESC-1: Saved from Teams by Eli Engineer: Sam Support, (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC — The customer confirms the fix$/,
        );
      });

      it('logs a public reply on the ticket as a customer update, once, and ignores its own notes', async () => {
        const [id] = desk.ids;
        desk.addTicket(id, true);
        await deliver(desk.escalateBody(id, true));
        const reply = {
          id: '9001',
          text: 'We found the cause and will ship a fix on Friday.',
          at: new Date().toISOString(),
        };
        desk.addReply(id, reply);
        const answer = await json(await deliver(desk.replyBody(id, reply)));
        assert.deepEqual(answer, { escalationId: 'ESC-1', outcome: 'customer_update' });
        await deliver(desk.replyBody(id, reply));
        const detail = await json(await fetch(`${app.url}/api/escalations/ESC-1`));
        const updates = detail.timeline.filter((e: { kind: string }) => e.kind === 'customer_update');
        assert.equal(updates.length, 1);
        assert.match(updates[0].text, /We found the cause/);
        assert.match(detail.brief.customerCommunication.lastUpdateSummary, /Sam Support in .*We found the cause/);
        assert.doesNotMatch(detail.sla.next ?? '', /customer update (overdue|due)/i);

        const own = { id: '9002', text: 'Escalation Desk: ESC-1 acknowledged', at: new Date().toISOString() };
        desk.addReply(id, own);
        const ignored = await json(await deliver(desk.replyBody(id, own)));
        assert.equal(ignored.outcome, desk.route === 'zendesk' ? 'customer_update' : 'ignored');
        const after = await json(await fetch(`${app.url}/api/escalations/ESC-1`));
        assert.equal(after.timeline.filter((e: { kind: string }) => e.kind === 'customer_update').length, 1);
      });
    });
  }

  it('records a note the desk refuses (403) as failed, counts it, and does not try it again', async () => {
    const [id] = cases[0]?.ids ?? [];
    cases[0]?.addTicket(id as string, true);
    zendesk.answerNext({ status: 403, method: 'PUT', body: { error: 'Forbidden' } });
    const body = JSON.stringify(cases[0]?.escalateBody(id as string, true));
    await fetch(`${app.url}/api/helpdesk/zendesk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...zendeskSign(body, zendesk.connection().webhookSecret) },
      body,
    });
    const failed = /escalation_desk_deliveries_total\{kind="ticketNote",result="failed"\} 1/;
    const deadline = Date.now() + 10_000;
    while (!failed.test(await (await fetch(`${app.url}/metrics`)).text())) {
      assert.ok(Date.now() < deadline, 'the refused note is counted as failed');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(zendesk.requests.filter((r) => r.method === 'PUT').length, 1);
    assert.equal(zendesk.notes.length, 0);
  });

  it('escalates a Jira issue again only when an update adds the label, not when our own note updates it', async () => {
    const jiraCase = cases[2] as DeskCase;
    jiraCase.addTicket('SUP-40', true);
    const deliver = async (body: unknown) => {
      const text = JSON.stringify(body);
      const answer = await fetch(`${app.url}/api/helpdesk/jira`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...jiraSign(text, jira.connection().webhookSecret) },
        body: text,
      });
      return json(answer);
    };
    const labels = ['escalate-engineering'];
    const updated = (items: unknown[]) => ({
      webhookEvent: 'jira:issue_updated',
      issue: { key: 'SUP-40', fields: { labels } },
      changelog: { items },
    });
    assert.equal((await deliver(updated([{ field: 'comment', toString: 'Escalation Desk: ...' }]))).outcome, 'ignored');
    const added = updated([{ field: 'labels', fromString: '', toString: 'escalate-engineering' }]);
    assert.deepEqual(await deliver(added), { escalationId: 'ESC-1', outcome: 'escalated' });
    await fetch(`${app.url}/api/escalations/ESC-1`);
    assert.equal(
      (
        await deliver(
          updated([{ field: 'labels', fromString: 'escalate-engineering', toString: 'escalate-engineering urgent' }]),
        )
      ).outcome,
      'ignored',
    );
  });

  it('escalates from any other desk through the generic route, once, and writes nothing back to it', async () => {
    await app.close();
    const secret = `whsec_${Buffer.alloc(32, 'generic').toString('base64')}`;
    app = await startTestApp({ ...envOf(), HELPDESK_WEBHOOK_SECRET: secret });
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    const body = JSON.stringify({
      ...fullForm,
      requester: { name: 'Sam Support' },
      ticket: { system: 'freshdesk', id: '77', url: 'https://acme.freshdesk.com/a/tickets/77' },
    });
    const deliver = (headers: Record<string, string>) =>
      fetch(`${app.url}/api/helpdesk/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    assert.equal((await deliver({})).status, 401);
    assert.deepEqual(await json(await deliver(standardSign(body, secret))), {
      escalationId: 'ESC-1',
      outcome: 'escalated',
    });
    assert.deepEqual(await json(await deliver(standardSign(body, secret))), {
      escalationId: 'ESC-1',
      outcome: 'duplicate',
    });
    const detail = await json(await fetch(`${app.url}/api/escalations/ESC-1`));
    assert.deepEqual(detail.ticket, { system: 'freshdesk', id: '77', url: 'https://acme.freshdesk.com/a/tickets/77' });
    await teams.waitFor(() => teams.posts().some((p) => p.kind === 'create'));
    const card = posted();
    await send(
      app.url,
      cardAction({
        serviceUrl: teams.url,
        user: personas.engineer,
        card,
        verb: 'escalation.setStatus',
        data: { escalationId: 'ESC-1', version: 1, status: 'acknowledged' },
      }),
    );
    assert.equal((await json(await fetch(`${app.url}/api/escalations/ESC-1`))).status, 'acknowledged');
    assert.equal((await app.store.deliveries()).filter((d) => d.kind === 'ticketNote').length, 0);
  });

  it('opens a new escalation, linked to the old, for a ticket escalated again after its escalation was resolved', async () => {
    const zendeskCase = cases[0] as DeskCase;
    zendeskCase.addTicket('4850', true);
    const body = JSON.stringify(zendeskCase.escalateBody('4850', true));
    const deliver = async () =>
      json(
        await fetch(`${app.url}/api/helpdesk/zendesk`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...zendeskSign(body, zendesk.connection().webhookSecret) },
          body,
        }),
      );
    assert.deepEqual(await deliver(), { escalationId: 'ESC-1', outcome: 'escalated' });
    await teams.waitFor(() => teams.posts().some((p) => p.kind === 'create'));
    await send(
      app.url,
      cardAction({
        serviceUrl: teams.url,
        user: personas.engineer,
        card: posted(),
        verb: 'escalation.setStatus',
        data: { escalationId: 'ESC-1', version: 1, status: 'resolved', resolution: 'Rolled back' },
      }),
    );
    assert.equal((await json(await fetch(`${app.url}/api/escalations/ESC-1`))).status, 'resolved');
    assert.deepEqual(await deliver(), { escalationId: 'ESC-2', outcome: 'escalated' });
    assert.deepEqual(await deliver(), { escalationId: 'ESC-2', outcome: 'duplicate' });
    const again = await json(await fetch(`${app.url}/api/escalations/ESC-2`));
    assert.ok(JSON.stringify(again).includes('ESC-1'), 'the new escalation is linked to the old');
  });

  it('answers 404 for a desk that is not connected and for the generic route without its secret', async () => {
    await app.close();
    app = await startTestApp({});
    for (const route of ['zendesk', 'servicenow', 'jira', 'webhook']) {
      const response = await fetch(`${app.url}/api/helpdesk/${route}`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(response.status, 404, route);
    }
  });

  it('answers 503 while the desk cannot be read, so the desk tries again, and stores nothing', async () => {
    zendesk.addTicket({ id: 5000, subject: 'x', description, priority: 'low', requester: customer, comments: [] });
    zendesk.downWith = 503;
    const body = JSON.stringify(cases[0]?.escalateBody('5000', true));
    const response = await fetch(`${app.url}/api/helpdesk/zendesk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...zendeskSign(body, zendesk.connection().webhookSecret) },
      body,
    });
    assert.equal(response.status, 503);
    assert.equal((await list()).length, 0);
  });
});
