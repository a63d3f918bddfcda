import assert from 'node:assert/strict';
import { parseBrief } from '../../src/domain/brief';
import { briefText } from '../../src/domain/briefText';
import { lacking } from '../../src/domain/readiness';
import { fullBriefText, fullForm, minimalForm } from '../support/briefs';

function brief(form: object) {
  const parsed = parseBrief(form);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
}

describe('the brief as plain text', () => {
  it('gives every section of a full brief in the layout of the contract', () => {
    assert.equal(briefText(brief(fullForm)), fullBriefText);
  });

  it('keeps each heading of an empty section with "- none given" and leaves out reproduction for a non-bug', () => {
    assert.equal(
      briefText(brief(minimalForm)),
      `ESCALATION: Customer cannot change their billing address
Severity: Medium
Target: L2 Support

IMPACT
- Customers affected: 1
- Workflow impact: They cannot update the address before the next invoice
- Revenue at risk: none given
- SLA status: Within SLA

ISSUE DESCRIPTION
The save button on the billing address form does nothing for this account.

WHAT'S BEEN TRIED
- none given

CUSTOMER COMMUNICATION
- none given

WHAT'S NEEDED
- Look into the account settings with L2 tools
- Deadline: none given
`,
    );
  });

  it('keeps REPRODUCTION STEPS for a confirmed bug even when none were given', () => {
    const text = briefText(brief({ ...minimalForm, signals: 'bug_confirmed', target: 'engineering' }));
    assert.match(text, /\n\nREPRODUCTION STEPS\n- none given\n\nWHAT'S BEEN TRIED\n/);
  });

  it('keeps REPRODUCTION STEPS for anything sent to Engineering, as the form asks for them there', () => {
    const engineering = { ...minimalForm, target: 'engineering' };
    assert.match(briefText(brief(engineering)), /\n\nREPRODUCTION STEPS\n- none given\n/);
    assert.ok(lacking({}, 'engineering', []).includes('reproduction steps'));
    const support = { ...minimalForm, target: 'support' };
    assert.doesNotMatch(briefText(brief(support)), /REPRODUCTION STEPS/);
    assert.ok(!lacking({}, 'support', []).includes('reproduction steps'));
  });

  it('fills the fields of a partly given section with "none given"', () => {
    const text = briefText(
      brief({ ...minimalForm, reproSteps: 'Open settings', lastUpdateSummary: 'Asked for a HAR file' }),
    );
    assert.match(
      text,
      /REPRODUCTION STEPS\n1\. Open settings\nExpected: none given\nActual: none given\nEnvironment: none given\n/,
    );
    assert.match(
      text,
      /CUSTOMER COMMUNICATION\n- Last update: Asked for a HAR file\n- Customer expectation: none given\n- Escalation risk: none given\n/,
    );
  });

  it('gives a deadline without a time as the date alone', () => {
    assert.match(briefText(brief({ ...minimalForm, deadlineDate: '2026-12-01' })), /- Deadline: 2026-12-01\n$/);
  });
});
