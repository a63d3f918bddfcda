// The help desks' clients (src/helpdesk/zendesk.ts, servicenow.ts, jira.ts) against loopback
// fakes of Zendesk, ServiceNow and Jira Service Management: a ticket read into the form's facts,
// the latest reply the customer could read (not their own, not ours, not an internal one), one
// internal note written back, and the desk's refusals as errors the delivery worker reads.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeskConnection } from '../../src/helpdesk/config';
import { type Desk, DeskError, type TicketFacts } from '../../src/helpdesk/desk';
import { desksFrom } from '../../src/helpdesk/desks';
import { JiraDesk, plainText } from '../../src/helpdesk/jira';
import { ServiceNowDesk } from '../../src/helpdesk/servicenow';
import { ZendeskDesk } from '../../src/helpdesk/zendesk';
import { type DeskRequest, FakeJira, FakeServiceNow, FakeZendesk } from '../support/fakeHelpdesks';

type Fake = FakeZendesk | FakeServiceNow | FakeJira;

const customer = { name: 'Jo Customer', email: 'jo@acme-retail.test' };
const agentReply = 'We are looking into it and will update you within the hour.';
const description = 'Card payments fail with 502 since 09:00.\nSeen by three shops.';
const note = 'Escalation Desk: escalated as ESC-7 to Engineering (Critical).';

/** Each desk: a fake holding one ticket (the customer's report, our reply, an internal remark, our own note, the customer's follow-up), and what its client should read from it. */
interface DeskCase {
  name: string;
  fake(): Fake;
  client(connection: DeskConnection, timeoutMs?: number): Desk;
  id: string;
  unknownId: string;
  facts(base: string): TicketFacts;
  /** How the note must reach the desk. */
  written(request: DeskRequest): boolean;
  writeMethod: string;
}

const cases: DeskCase[] = [
  {
    name: 'Zendesk',
    fake: zendeskWithTicket,
    client: (connection, timeoutMs) => new ZendeskDesk(connection, timeoutMs),
    id: '4821',
    unknownId: '4822',
    facts: (base) => ({
      ticket: { system: 'zendesk', id: '4821', url: `${base}/agent/tickets/4821` },
      summary: 'Checkout fails for EU customers',
      description,
      priority: 'urgent',
      customerNames: ['Acme Retail'],
      requester: customer,
      lastPublicReply: { id: '2', at: '2026-12-07T09:30:00Z', author: 'Alex Agent', text: agentReply },
    }),
    written: (r) =>
      r.method === 'PUT' &&
      r.path === '/api/v2/tickets/4821.json' &&
      JSON.stringify(r.body) === JSON.stringify({ ticket: { comment: { body: note, public: false } } }),
    writeMethod: 'PUT',
  },
  {
    name: 'ServiceNow',
    fake: serviceNowWithIncident,
    client: (connection, timeoutMs) => new ServiceNowDesk(connection, timeoutMs),
    id: 'INC0010023',
    unknownId: 'INC0010024',
    facts: (base) => ({
      ticket: {
        system: 'servicenow',
        id: 'INC0010023',
        url: `${base}/nav_to.do?uri=incident.do%3Fsys_id%3D${incidentSysId}`,
      },
      summary: 'Checkout fails for EU customers',
      description,
      priority: '1 - Critical',
      customerNames: ['Acme Retail'],
      requester: { name: customer.name },
      lastPublicReply: { id: 'j2', at: '2026-12-07T09:30:00.000Z', author: 'alex.agent', text: agentReply },
    }),
    written: (r) =>
      r.method === 'PATCH' &&
      r.path === `/api/now/table/incident/${incidentSysId}` &&
      JSON.stringify(r.body) === JSON.stringify({ work_notes: note }),
    writeMethod: 'PATCH',
  },
  {
    name: 'Jira Service Management',
    fake: jiraWithIssue,
    client: (connection, timeoutMs) => new JiraDesk(connection, timeoutMs),
    id: 'SUP-12',
    unknownId: 'SUP-13',
    facts: (base) => ({
      ticket: { system: 'jira', id: 'SUP-12', url: `${base}/browse/SUP-12` },
      summary: 'Checkout fails for EU customers',
      description: `${description}\n- Shop A\n- Shop B`,
      priority: 'Highest',
      customerNames: ['Acme Retail'],
      requester: customer,
      lastPublicReply: { id: '102', at: '2026-12-07T09:30:00.000Z', author: 'Alex Agent', text: agentReply },
    }),
    written: (r) =>
      r.method === 'POST' &&
      r.path === '/rest/servicedeskapi/request/SUP-12/comment' &&
      JSON.stringify(r.body) === JSON.stringify({ body: note, public: false }),
    writeMethod: 'POST',
  },
];

for (const desk of cases) {
  describe(`The ${desk.name} client`, () => {
    let fake: Fake;
    let client: Desk;
    beforeEach(async () => {
      fake = await desk.fake().start();
      client = desk.client(fake.connection());
    });
    afterEach(() => fake.stop());

    it('reads every fact the form needs from the ticket', async () => {
      assert.deepEqual(await client.readTicket(desk.id), desk.facts(fake.url));
    });

    it('knows no unknown ticket', async () => {
      assert.equal(await client.readTicket(desk.unknownId), undefined);
      assert.equal(await client.latestPublicReply(desk.unknownId), undefined);
    });

    it("takes the latest public reply that is neither the customer's, ours, nor internal", async () => {
      assert.deepEqual(await client.latestPublicReply(desk.id), desk.facts(fake.url).lastPublicReply);
    });

    it('writes one internal note, as the configured account', async () => {
      await client.writeInternalNote(desk.id, note);
      assert.deepEqual(fake.notes, [{ ticketId: desk.id, body: note, public: false }]);
      const writes = fake.requests.filter((r) => r.method !== 'GET');
      assert.equal(writes.length, 1);
      assert.ok(desk.written(writes[0] as DeskRequest), JSON.stringify(writes[0]?.body));
      const basic = Buffer.from(String(writes[0]?.headers.authorization).replace('Basic ', ''), 'base64').toString();
      assert.match(basic, new RegExp(`:${fake.secret}$`));
      // An internal note changes nothing the customer sees.
      assert.deepEqual(await client.latestPublicReply(desk.id), desk.facts(fake.url).lastPublicReply);
    });

    it('says a desk that is down is down, with its status', async () => {
      fake.downWith = 503;
      for (const asking of [client.readTicket(desk.id), client.writeInternalNote(desk.id, note)]) {
        await assert.rejects(asking, (error: unknown) => {
          assert.ok(error instanceof DeskError);
          assert.equal(error.statusCode, 503);
          assert.match(error.message, /answered 503 to/);
          return true;
        });
      }
    });

    it("passes on the desk's Retry-After, in seconds or as a date", async () => {
      fake.answerNext({ status: 429, headers: { 'retry-after': '1' }, method: desk.writeMethod });
      const error = await client.writeInternalNote(desk.id, note).catch((e: unknown) => e);
      assert.ok(error instanceof DeskError);
      assert.equal(error.statusCode, 429);
      assert.equal(error.retryAfterMs, 1000);
      assert.match(error.message, new RegExp(`answered 429 to ${desk.writeMethod} /`));
      assert.equal(fake.notes.length, 0);
      const later = new Date(Date.now() + 30_000).toUTCString();
      fake.answerNext({ status: 429, headers: { 'retry-after': later } });
      const dated = await client.readTicket(desk.id).catch((e: unknown) => e);
      assert.ok(dated instanceof DeskError && dated.retryAfterMs !== undefined);
      assert.ok(dated.retryAfterMs > 25_000 && dated.retryAfterMs <= 30_000, String(dated.retryAfterMs));
    });

    it('sends nothing for an id that could reach another path', async () => {
      for (const id of ['../x', '1?x', `${desk.id}/../x`, `${desk.id}#x`, '%2e%2e', ` ${desk.id}`, '']) {
        assert.equal(await client.readTicket(id), undefined, id);
        assert.equal(await client.latestPublicReply(id), undefined, id);
        await assert.rejects(client.writeInternalNote(id, note), (error: unknown) => {
          assert.ok(error instanceof DeskError && error.statusCode === 400);
          assert.match(error.message, /nothing was sent/);
          return true;
        });
      }
      assert.deepEqual(fake.requests, []);
    });

    it('says wrong credentials are refused, without showing the secret', async () => {
      const wrong = desk.client({ ...fake.connection(), secret: 'not-the-token' });
      const error = await wrong.readTicket(desk.id).catch((e: unknown) => e);
      assert.ok(error instanceof DeskError);
      assert.equal(error.statusCode, 401);
      assert.doesNotMatch(error.message, /not-the-token/);
    });

    it('says a desk that does not answer did not, without a status (a retry may help)', async () => {
      const connection = fake.connection();
      await fake.stop();
      const error = await desk
        .client(connection, 2000)
        .readTicket(desk.id)
        .catch((e: unknown) => e);
      assert.ok(error instanceof DeskError);
      assert.equal(error.statusCode, undefined);
      assert.match(error.message, /did not answer GET \//);
      fake = await desk.fake().start();
    });
  });
}

describe('The help-desk clients, desk by desk', () => {
  it('ServiceNow: reads an incident by its sys_id, and references given as plain names', async () => {
    const fake = await serviceNowWithIncident().start();
    try {
      const client = new ServiceNowDesk(fake.connection());
      assert.equal((await client.readTicket(incidentSysId))?.ticket.id, 'INC0010023');
      // Some instances give a reference as its name alone.
      const asNames = { company: 'Acme Retail', caller_id: 'Jo Customer', priority: '2 - High' };
      const incident = { sys_id: incidentSysId, number: 'INC0010023', ...asNames };
      fake.answerNext({ status: 200, body: { result: [incident] } });
      const facts = await client.readTicket('INC0010023');
      assert.deepEqual(
        [facts?.priority, facts?.customerNames, facts?.requester],
        ['2 - High', ['Acme Retail'], { name: 'Jo Customer' }],
      );
      await client.writeInternalNote(incidentSysId, note);
      assert.deepEqual(fake.notes, [{ ticketId: 'INC0010023', body: note, public: false }]);
    } finally {
      await fake.stop();
    }
  });

  it('Jira: finds the newest public reply past the first page of comments', async () => {
    const fake = jiraWithIssue();
    const issue = fake.issues.get('SUP-12');
    const earlier = { body: 'Earlier', public: true, author: alex, created: '2026-12-06T08:00:00.000+0000' };
    issue?.comments.unshift(...Array.from({ length: 150 }, (_, i) => ({ ...earlier, id: `old-${i}` })));
    await fake.start();
    try {
      assert.equal((await new JiraDesk(fake.connection()).latestPublicReply('SUP-12'))?.id, '102');
    } finally {
      await fake.stop();
    }
  });

  it('Jira: Atlassian Document Format reads as plain lines', () => {
    const document = {
      type: 'doc',
      content: [
        { type: 'heading', content: [{ type: 'text', text: 'Steps' }] },
        { type: 'orderedList', content: [item('Open checkout'), item('Pay by card')] },
        {
          type: 'paragraph',
          content: [
            { type: 'mention', attrs: { text: '@Alex' } },
            { type: 'text', text: ' saw it' },
          ],
        },
      ],
    };
    assert.equal(plainText(document), 'Steps\n1. Open checkout\n2. Pay by card\n@Alex saw it');
    assert.equal(plainText('  already plain '), 'already plain');
    assert.equal(plainText(null), '');
  });

  it('gives up on a desk that takes longer than its deadline', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const connection = { system: 'zendesk' as const, baseUrl, user: 'a@b.test', secret: 's', webhookSecret: 'w' };
    try {
      const error = await new ZendeskDesk(connection, 200).readTicket('4821').catch((e: unknown) => e);
      assert.ok(error instanceof DeskError && error.statusCode === undefined);
      assert.equal(error.message, 'Zendesk did not answer GET /api/v2/tickets/4821.json within 0.2 s');
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('connects each configured desk by its system', () => {
    const connection = { baseUrl: 'https://acme.example', user: 'agent@acme.test', secret: 's', webhookSecret: 'w' };
    const desks = desksFrom([
      { system: 'zendesk', ...connection },
      { system: 'jira', ...connection },
    ]);
    assert.deepEqual([...desks.keys()], ['zendesk', 'jira']);
    assert.ok(desks.get('zendesk') instanceof ZendeskDesk && desks.get('jira') instanceof JiraDesk);
    assert.equal(desks.get('jira')?.baseUrl, 'https://acme.example');
  });
});

function item(text: string) {
  return { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

const zendeskCustomer = { id: 11, ...customer };
const zendeskAgent = { id: 21, name: 'Alex Agent', email: 'alex@vendor.test' };

function zendeskWithTicket(): FakeZendesk {
  const fake = new FakeZendesk();
  const comment = (id: number, isPublic: boolean, body: string, author: typeof zendeskAgent, at: string) => ({
    id,
    public: isPublic,
    body,
    author,
    created_at: `2026-12-07T${at}:00Z`,
  });
  fake.addTicket({
    id: 4821,
    subject: 'Checkout fails for EU customers',
    description,
    priority: 'urgent',
    organization: 'Acme Retail',
    requester: zendeskCustomer,
    comments: [
      comment(1, true, description, zendeskCustomer, '09:00'),
      comment(2, true, agentReply, zendeskAgent, '09:30'),
      comment(3, false, 'The gateway logs show 502s from the EU region.', zendeskAgent, '09:40'),
      comment(4, true, `<p>${note}</p>`, { id: 900, name: 'Escalation Desk agent', email: fake.user }, '09:45'),
      comment(5, true, 'Any news? Our shops are losing sales.', zendeskCustomer, '09:50'),
    ],
  });
  return fake;
}

const incidentSysId = '9d385017c611228701d22104cc95c371';

function serviceNowWithIncident(): FakeServiceNow {
  const fake = new FakeServiceNow();
  const entry = (sys_id: string, element: 'comments' | 'work_notes', value: string, by: string, at: string) => ({
    sys_id,
    element,
    value,
    sys_created_on: `2026-12-07 ${at}:00`,
    sys_created_by: by,
  });
  fake.addIncident({
    sys_id: incidentSysId,
    number: 'INC0010023',
    short_description: 'Checkout fails for EU customers',
    description,
    priority: '1',
    company: 'Acme Retail',
    caller: { name: customer.name, user_name: 'jo.customer' },
    journal: [
      entry('j2', 'comments', agentReply, 'alex.agent', '09:30'),
      entry('j3', 'work_notes', 'The gateway logs show 502s from the EU region.', 'alex.agent', '09:40'),
      entry('j4', 'comments', note, fake.user, '09:45'),
      entry('j5', 'comments', 'Any news? Our shops are losing sales.', 'jo.customer', '09:50'),
    ],
  });
  return fake;
}

const alex = { accountId: '5b10a2844c20165700ede21g', displayName: 'Alex Agent', emailAddress: 'alex@vendor.test' };

function jiraWithIssue(): FakeJira {
  const fake = new FakeJira();
  const reporter = { accountId: 'qm:customer-jo', displayName: customer.name, emailAddress: customer.email };
  // Jira gives its site's offset: 10:30+0100 is 09:30 UTC.
  const comment = (id: string, isPublic: boolean, body: string, author: typeof alex, at: string) => ({
    id,
    body,
    public: isPublic,
    author,
    created: `2026-12-07T${at}:00.000+0100`,
  });
  const text = (value: string) => ({ type: 'text', text: value });
  const ourAgent = { ...alex, accountId: 'escalation-desk', displayName: 'Escalation Desk agent' };
  fake.addIssue({
    key: 'SUP-12',
    summary: 'Checkout fails for EU customers',
    description: {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            text('Card payments fail with '),
            text('502'),
            text(' since 09:00.'),
            { type: 'hardBreak' },
            text('Seen by three shops.'),
          ],
        },
        { type: 'bulletList', content: [item('Shop A'), item('Shop B')] },
      ],
    },
    priority: 'Highest',
    organizations: ['Acme Retail'],
    reporter,
    labels: ['escalate-engineering'],
    // Out of order: the client sorts by time.
    comments: [
      comment('105', true, 'Any news? Our shops are losing sales.', reporter, '10:50'),
      comment('102', true, agentReply, alex, '10:30'),
      comment('103', false, 'The gateway logs show 502s from the EU region.', alex, '10:40'),
      comment('104', true, note, ourAgent, '10:45'),
    ],
  });
  return fake;
}
