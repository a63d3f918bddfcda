// The tickets the "Fill from ticket" tests read (tests/teams/fillFromTicket.test.ts), one a fake desk
// (Zendesk, ServiceNow, Jira on loopback), and the form each one fills; the app's environment that
// connects the three; a Zendesk webhook signed as Zendesk signs it.
import { createHmac } from 'node:crypto';
import { post } from './app';
import { deskEnv, FakeJira, FakeServiceNow, FakeZendesk } from './fakeHelpdesks';

export const zendesk = new FakeZendesk();
export const serviceNow = new FakeServiceNow();
export const jira = new FakeJira();
const customer = { id: 501, name: 'Carla Customer', email: 'carla@contoso.test' };
export const sam = { id: 77, name: 'Sam Support', email: 'sam@acme.test' };
const incidentSysId = '9d385017c611228701d22104cc95c371';

/** One desk's ticket, what is typed to name it, and the form it fills. */
export interface DeskCase {
  name: string;
  typed: () => string;
  label: string;
  filled: () => Record<string, string>;
}

export const cases: DeskCase[] = [
  {
    name: 'Zendesk',
    typed: () => '4821',
    label: 'Zendesk #4821',
    filled: () => ({
      summary: 'Card payments fail at checkout for EU customers',
      description: 'Since Monday every EU card payment is declined at checkout.',
      severity: 'critical',
      customerNames: 'Contoso',
      lastUpdateDate: '2026-12-02',
      lastUpdateSummary: 'Sam Support: We reproduced it and are escalating to engineering.',
      ticket: `${zendesk.url}/agent/tickets/4821`,
    }),
  },
  {
    name: 'ServiceNow',
    typed: () => 'INC0010023',
    label: 'ServiceNow INC0010023',
    filled: () => ({
      summary: 'Invoices export as empty PDFs',
      description: 'Exports of invoices to PDF come out empty since 2.14.',
      severity: 'high',
      customerNames: 'Fabrikam',
      lastUpdateDate: '2026-12-03',
      lastUpdateSummary: 'sam.support: A fix is being tested; next update tomorrow.',
      // Read back as the incident's number, which the desk's webhooks and drafts key it by.
      ticket: `${serviceNow.url}/nav_to.do?uri=incident.do%3Fsysparm_query%3Dnumber%3DINC0010023`,
    }),
  },
  {
    name: 'Jira',
    typed: () => `${jira.url}/browse/SUP-12`,
    label: 'Jira SUP-12',
    filled: () => ({
      summary: 'Single sign-on loops back to the login page',
      description: 'Users of Northwind are sent back to the login page after signing in.',
      severity: 'critical',
      customerNames: 'Northwind',
      lastUpdateDate: '2026-12-04',
      lastUpdateSummary: 'Sam Support: We found the cause in the SAML settings.',
      ticket: `${jira.url}/browse/SUP-12`,
    }),
  },
];

export function addTickets(): void {
  zendesk.addTicket({
    id: 4821,
    subject: 'Card payments fail at checkout for EU customers',
    description: 'Since Monday every EU card payment is declined at checkout.',
    priority: 'urgent',
    organization: 'Contoso',
    requester: customer,
    comments: [
      { id: 1, public: true, body: 'Nobody can pay!', author: customer, created_at: '2026-12-01T09:00:00Z' },
      {
        id: 2,
        public: true,
        body: 'We reproduced it and are escalating to engineering.',
        author: sam,
        created_at: '2026-12-02T10:30:00Z',
      },
      {
        id: 3,
        public: false,
        body: 'Internal: looks like the 3DS rollout.',
        author: sam,
        created_at: '2026-12-02T11:00:00Z',
      },
    ],
  });
  zendesk.addTicket({
    id: 4830,
    subject: 'Refunds stuck in pending',
    description: 'Refunds issued since Tuesday stay pending.',
    priority: 'normal',
    requester: customer,
    comments: [],
  });
  serviceNow.addIncident({
    sys_id: incidentSysId,
    number: 'INC0010023',
    short_description: 'Invoices export as empty PDFs',
    description: 'Exports of invoices to PDF come out empty since 2.14.',
    priority: '2',
    company: 'Fabrikam',
    caller: { name: 'Carla Customer', user_name: 'carla' },
    journal: [
      {
        sys_id: 'j1',
        element: 'comments',
        value: 'Still broken',
        sys_created_on: '2026-12-02 09:00:00',
        sys_created_by: 'carla',
      },
      {
        sys_id: 'j2',
        element: 'comments',
        value: 'A fix is being tested; next update tomorrow.',
        sys_created_on: '2026-12-03 08:15:00',
        sys_created_by: 'sam.support',
      },
      {
        sys_id: 'j3',
        element: 'work_notes',
        value: 'Internal only',
        sys_created_on: '2026-12-03 09:00:00',
        sys_created_by: 'sam.support',
      },
    ],
  });
  jira.addIssue({
    key: 'SUP-12',
    summary: 'Single sign-on loops back to the login page',
    description: {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [{ type: 'text', text: 'Users of Northwind are sent back to the login page after signing in.' }],
        },
      ],
    },
    priority: 'Highest',
    organizations: ['Northwind'],
    reporter: { accountId: 'c-1', displayName: 'Carla Customer' },
    labels: [],
    comments: [
      {
        id: '10001',
        body: 'We found the cause in the SAML settings.',
        public: true,
        author: { accountId: 'a-77', displayName: 'Sam Support' },
        created: '2026-12-04T14:00:00.000+0000',
      },
      {
        id: '10002',
        body: 'Thanks, waiting.',
        public: true,
        author: { accountId: 'c-1', displayName: 'Carla Customer' },
        created: '2026-12-04T15:00:00.000+0000',
      },
    ],
  });
}

export function envOf(): NodeJS.ProcessEnv {
  return deskEnv(zendesk, serviceNow, jira);
}

/** A Zendesk trigger's webhook, signed as Zendesk signs: base64 HMAC-SHA256 of timestamp + body. */
export function postZendeskWebhook(appUrl: string, body: unknown): Promise<Response> {
  const text = JSON.stringify(body);
  const at = new Date().toISOString();
  const signature = createHmac('sha256', zendesk.connection().webhookSecret)
    .update(at + text)
    .digest('base64');
  return post(`${appUrl}/api/helpdesk/zendesk`, text, {
    'x-zendesk-webhook-signature': signature,
    'x-zendesk-webhook-signature-timestamp': at,
  });
}
