// Briefs as an agent fills them in, shared by the tests.

/** Every field of the form, as a card submits it (strings). */
export const fullForm = {
  signals: 'bug_confirmed,multiple_customers',
  summary: 'Invoices export as empty PDFs for EU customers since 2.14',
  severity: 'high',
  target: 'engineering',
  customersAffected: '3',
  customerNames: 'Acme GmbH, Globex SARL, Initech BV',
  workflowImpact: 'Month-end invoicing is blocked; finance teams export by hand',
  revenueAtRisk: '€48k ARR up for renewal in December',
  slaStatus: 'at_risk',
  description:
    'Since release 2.14, exporting an invoice to PDF produces an empty file for accounts in the EU region. The export job finishes without an error. US accounts are not affected. Three customers reported it within a day.',
  reproSteps: '1. Sign in as an EU admin\n2. Open Billing > Invoices\n3. Click Export PDF on any invoice',
  expected: 'A PDF with the invoice lines',
  actual: 'A 0-byte PDF',
  environment: 'Production EU-West, web app 2.14.1, Chrome 131',
  tried: 'Cleared the export cache -> same empty file\nExported from the US region with an EU account -> same',
  lastUpdateDate: '2026-11-27',
  lastUpdateSummary: 'Told Acme we reproduced it and escalated to engineering',
  customerExpectation: 'A fix or a workaround by Friday',
  escalationRisk: 'Acme CFO threatens to escalate to their account executive',
  asks: 'Find the cause in the 2.14 PDF renderer\nA workaround we can give customers today',
  deadlineDate: '2026-11-30',
  deadlineTime: '17:00',
};

/** Only what the form requires. */
export const minimalForm = {
  summary: 'Customer cannot change their billing address',
  severity: 'medium',
  target: 'support',
  customersAffected: 1,
  workflowImpact: 'They cannot update the address before the next invoice',
  description: 'The save button on the billing address form does nothing for this account.',
  asks: ['Look into the account settings with L2 tools'],
};

export const fullBriefText = `ESCALATION: Invoices export as empty PDFs for EU customers since 2.14
Severity: High
Target: Engineering

IMPACT
- Customers affected: 3 (Acme GmbH, Globex SARL, Initech BV)
- Workflow impact: Month-end invoicing is blocked; finance teams export by hand
- Revenue at risk: €48k ARR up for renewal in December
- SLA status: At risk

ISSUE DESCRIPTION
Since release 2.14, exporting an invoice to PDF produces an empty file for accounts in the EU region. The export job finishes without an error. US accounts are not affected. Three customers reported it within a day.

REPRODUCTION STEPS
1. Sign in as an EU admin
2. Open Billing > Invoices
3. Click Export PDF on any invoice
Expected: A PDF with the invoice lines
Actual: A 0-byte PDF
Environment: Production EU-West, web app 2.14.1, Chrome 131

WHAT'S BEEN TRIED
1. Cleared the export cache -> same empty file
2. Exported from the US region with an EU account -> same

CUSTOMER COMMUNICATION
- Last update: 2026-11-27 — Told Acme we reproduced it and escalated to engineering
- Customer expectation: A fix or a workaround by Friday
- Escalation risk: Acme CFO threatens to escalate to their account executive

WHAT'S NEEDED
- Find the cause in the 2.14 PDF renderer
- A workaround we can give customers today
- Deadline: 2026-11-30 17:00
`;
