import assert from 'node:assert/strict';
import { formFromTicket } from '../../src/domain/ticketForm';
import { changeNote } from '../../src/domain/ticketNotes';
import {
  type DeskPlace,
  isOwnNote,
  severityFromPriority,
  ticketFromReference,
  ticketLabel,
} from '../../src/domain/tickets';

const desks: DeskPlace[] = [
  { system: 'zendesk', baseUrl: 'https://acme.zendesk.com' },
  { system: 'servicenow', baseUrl: 'https://acme.service-now.com' },
  { system: 'jira', baseUrl: 'https://acme.atlassian.net' },
];

describe('help-desk tickets', () => {
  const readings: [string, string | RegExp][] = [
    ['4821', 'zendesk 4821'],
    ['#4821', 'zendesk 4821'],
    ['Zendesk #4821', 'zendesk 4821'],
    ['https://acme.zendesk.com/agent/tickets/4821', 'zendesk 4821'],
    ['INC0010023', 'servicenow INC0010023'],
    ['ServiceNow inc0010023', 'servicenow INC0010023'],
    [
      'https://acme.service-now.com/nav_to.do?uri=incident.do%3Fsys_id%3D9d385017c611228701d22104cc95c371',
      'servicenow 9d385017c611228701d22104cc95c371',
    ],
    ['SUP-12', 'jira SUP-12'],
    ['Jira sup-12', 'jira SUP-12'],
    ['https://acme.atlassian.net/browse/SUP-12', 'jira SUP-12'],
    ['https://acme.atlassian.net/servicedesk/customer/portal/2/SUP-12', 'jira SUP-12'],
    ['https://desk.example.org/tickets/77', 'desk.example.org 77'],
    ['banana', /is not a ticket of Zendesk, ServiceNow, Jira/],
    ['https://acme.zendesk.com/agent/dashboard', /That Zendesk link names no ticket/],
  ];
  for (const [typed, expected] of readings) {
    it(`reads "${typed}"`, () => {
      const read = ticketFromReference(typed, desks);
      if (typeof expected === 'string') {
        assert.ok(!('problem' in read), JSON.stringify(read));
        assert.equal(`${read.system} ${read.id}`, expected);
        assert.match(read.url ?? '', /^https:\/\//);
      } else {
        assert.ok('problem' in read);
        assert.match(read.problem, expected);
      }
    });
  }

  it('asks for a link when no desk is connected', () => {
    const read = ticketFromReference('4821', []);
    assert.ok('problem' in read && /No help desk is connected/.test(read.problem));
  });

  it('names tickets as people do', () => {
    assert.equal(ticketLabel({ system: 'zendesk', id: '4821' }), 'Zendesk #4821');
    assert.equal(ticketLabel({ system: 'servicenow', id: 'INC0010023' }), 'ServiceNow INC0010023');
    assert.equal(ticketLabel({ system: 'jira', id: 'SUP-12' }), 'Jira SUP-12');
    assert.equal(ticketLabel({ system: 'freshdesk', id: '77' }), 'freshdesk 77');
  });

  it('reads each desk’s priority as a severity', () => {
    const table: [string, string, string | undefined][] = [
      ['zendesk', 'urgent', 'critical'],
      ['zendesk', 'high', 'high'],
      ['zendesk', 'normal', 'medium'],
      ['zendesk', 'low', 'medium'],
      ['servicenow', '1', 'critical'],
      ['servicenow', '1 - Critical', 'critical'],
      ['servicenow', '2', 'high'],
      ['servicenow', '4 - Low', 'medium'],
      ['jira', 'Highest', 'critical'],
      ['jira', 'High', 'high'],
      ['jira', 'Lowest', 'medium'],
      ['zendesk', '', undefined],
      ['freshdesk', 'urgent', undefined],
    ];
    for (const [system, priority, severity] of table) assert.equal(severityFromPriority(system, priority), severity);
  });

  it('knows its own notes, also as HTML', () => {
    assert.ok(isOwnNote('Escalation Desk: ESC-1 acknowledged'));
    assert.ok(isOwnNote('<p>Escalation Desk: ESC-1 acknowledged</p>'));
    assert.ok(!isOwnNote('Thanks, Escalation Desk: that helped'));
  });

  it('fills the form from a ticket, the labelled lines of its description into their fields, and what was typed wins', () => {
    const form = formFromTicket(
      {
        ticket: { system: 'zendesk', id: '4821', url: 'https://acme.zendesk.com/agent/tickets/4821' },
        summary: 'Invoices export as empty PDFs',
        description:
          "Exports are empty.\nWorkflow impact: invoicing blocked\nWhat’s needed: a fix\nWhat's needed: a date",
        priority: 'urgent',
        customerNames: ['Contoso', 'Fabrikam'],
        lastPublicReply: { at: '2026-12-06T10:00:00Z', author: 'Sam', text: 'We are looking into it.' },
      },
      { summary: 'Typed summary' },
    );
    assert.equal(form.summary, 'Typed summary');
    assert.equal(form.description, 'Exports are empty.');
    assert.equal(form.workflowImpact, 'invoicing blocked');
    assert.equal(form.asks, 'a fix\na date');
    assert.equal(form.severity, 'critical');
    assert.equal(form.customerNames, 'Contoso, Fabrikam');
    assert.equal(form.customersAffected, '2');
    assert.equal(form.lastUpdateDate, '2026-12-06');
    assert.equal(form.lastUpdateSummary, 'Sam: We are looking into it.');
    assert.equal(form.ticket, 'https://acme.zendesk.com/agent/tickets/4821');
  });

  it('tells a ticket of its progress, not of notes', () => {
    const after = {
      id: 'ESC-3',
      status: 'acknowledged',
      owner: { name: 'Eli' },
    } as unknown as Parameters<typeof changeNote>[0];
    assert.equal(
      changeNote(after, { kind: 'acknowledged', text: 'Eli acknowledged it' }),
      'Escalation Desk: ESC-3 Eli acknowledged it (now Acknowledged, owner Eli).',
    );
    assert.equal(changeNote(after, { kind: 'note', text: 'internal thoughts' }), undefined);
  });
});
