import assert from 'node:assert/strict';
import { parseBrief } from '../../src/domain/brief';
import { caps } from '../../src/domain/caps';
import { fullForm, minimalForm } from '../support/briefs';

function problemsOf(form: unknown) {
  const parsed = parseBrief(form);
  assert.equal(parsed.ok, false, 'expected the brief to be refused');
  return parsed.ok ? {} : Object.fromEntries(parsed.problems.map((p) => [p.field, p.message]));
}

describe('the brief schema', () => {
  it('accepts a full brief as a card submits it and gives every section its structure', () => {
    const parsed = parseBrief(fullForm);
    assert.ok(parsed.ok);
    const brief = parsed.value;
    assert.equal(brief.severity, 'high');
    assert.deepEqual(brief.signals, ['bug_confirmed', 'multiple_customers']);
    assert.deepEqual(brief.impact.customerNames, ['Acme GmbH', 'Globex SARL', 'Initech BV']);
    assert.equal(brief.impact.customersAffected, 3);
    assert.deepEqual(brief.reproduction.steps, [
      'Sign in as an EU admin',
      'Open Billing > Invoices',
      'Click Export PDF on any invoice',
    ]);
    assert.deepEqual(brief.tried[0], { action: 'Cleared the export cache', result: 'same empty file' });
    assert.deepEqual(brief.needed, {
      asks: ['Find the cause in the 2.14 PDF renderer', 'A workaround we can give customers today'],
      deadlineDate: '2026-11-30',
      deadlineTime: '17:00',
      // Nobody said which zone: UTC.
      deadlineZone: 'UTC',
      deadlineAt: '2026-11-30T17:00:00.000Z',
    });
  });

  it("reads a deadline in the sender's zone, or by the offset it carries, and keeps the moment in UTC", () => {
    const neededOf = (values: Record<string, unknown>, timeZone?: string) => {
      const parsed = parseBrief({ ...minimalForm, ...values }, { timeZone });
      assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.problems));
      return parsed.value.needed;
    };
    // 17:00 in New York in November is 22:00 UTC; in Berlin in July (summer time) 15:00 UTC.
    assert.equal(
      neededOf({ deadlineDate: '2026-11-30', deadlineTime: '17:00' }, 'America/New_York').deadlineAt,
      '2026-11-30T22:00:00.000Z',
    );
    assert.equal(
      neededOf({ deadlineDate: '2026-07-01', deadlineTime: '17:00' }, 'Europe/Berlin').deadlineAt,
      '2026-07-01T15:00:00.000Z',
    );
    // A date alone: the end of that day where the sender is.
    assert.equal(neededOf({ deadlineDate: '2026-11-30' }, 'Asia/Tokyo').deadlineAt, '2026-11-30T14:59:00.000Z');
    // An API client's date-time with its offset, kept as written and as a moment.
    assert.deepEqual(neededOf({ deadlineDate: '2026-11-30T17:00:00-05:00' }), {
      asks: minimalForm.asks,
      deadlineDate: '2026-11-30',
      deadlineTime: '17:00',
      deadlineZone: '-05:00',
      deadlineAt: '2026-11-30T22:00:00.000Z',
    });
    assert.equal(neededOf({ deadlineDate: '2026-11-30T17:00:00Z' }).deadlineAt, '2026-11-30T17:00:00.000Z');
    // A zone nobody knows is not guessed at: UTC.
    assert.equal(neededOf({ deadlineDate: '2026-11-30', deadlineTime: '17:00' }, 'Mars/Olympus').deadlineZone, 'UTC');
  });

  it('refuses a deadline date-time without its offset, or with a time given twice', () => {
    assert.match(
      problemsOf({ ...minimalForm, deadlineDate: '2026-11-30T17:00:00' }).deadlineDate ?? '',
      /a date-time with its offset like 2026-11-28T17:00:00\+01:00/,
    );
    assert.equal(
      problemsOf({ ...minimalForm, deadlineDate: '2026-11-30T17:00:00Z', deadlineTime: '18:00' }).deadlineTime,
      'Deadline time is already in the deadline date-time: give it once',
    );
  });

  it('accepts natural JSON types: numbers, arrays of lines and signals, tried as objects', () => {
    const parsed = parseBrief({
      ...minimalForm,
      signals: ['deeper_investigation'],
      tried: [{ action: 'Reset the cache', result: 'no change' }, 'Asked for a screenshot -> received'],
    });
    assert.ok(parsed.ok);
    assert.equal(parsed.value.tried.length, 2);
    assert.deepEqual(parsed.value.signals, ['deeper_investigation']);
  });

  it('names every missing required field in words an agent understands', () => {
    assert.deepEqual(problemsOf({}), {
      summary: 'Summary is required',
      severity: 'Severity is required: choose critical, high or medium',
      target: 'Target is required: choose support, engineering, product, security or leadership',
      customersAffected: 'Customers affected is required: how many customers hit this?',
      workflowImpact: 'Workflow impact is required',
      description: 'Description is required',
      asks: "What's needed is required",
    });
  });

  it('treats blank inputs (as a card sends them) as missing', () => {
    const problems = problemsOf({ ...minimalForm, summary: '   ', asks: '\n\n' });
    assert.equal(problems.summary, 'Summary is required');
    assert.equal(problems.asks, "What's needed is required");
  });

  const refusals: [string, Record<string, unknown>, string, string][] = [
    ['a two-line summary', { summary: 'one\ntwo' }, 'summary', 'Summary must be one line of at most 120 characters'],
    ['a long summary', { summary: 'x'.repeat(121) }, 'summary', 'Summary must be one line of at most 120 characters'],
    [
      'an unknown severity',
      { severity: 'urgent' },
      'severity',
      'Severity must be critical, high or medium, not "urgent"',
    ],
    [
      'an unknown target',
      { target: 'sales' },
      'target',
      'Target must be support, engineering, product, security or leadership, not "sales"',
    ],
    [
      'customers as words',
      { customersAffected: 'many' },
      'customersAffected',
      'Customers affected must be a whole number',
    ],
    ['no customers', { customersAffected: 0 }, 'customersAffected', 'Customers affected must be at least 1'],
    ['an unknown signal', { signals: 'bug_confirmed,angry' }, 'signals', '"angry" is not a known signal id'],
    [
      'a tried line without a result',
      { tried: 'Restarted -> fine\nCleared cache' },
      'tried',
      "Each line of What's been tried needs 'action -> result': add what happened after '->' (line 2)",
    ],
    [
      'a bad date',
      { lastUpdateDate: 'yesterday' },
      'lastUpdateDate',
      'Last update date must be a real date like 2026-11-28',
    ],
    [
      'a bad time',
      { deadlineDate: '2026-12-01', deadlineTime: '5pm' },
      'deadlineTime',
      'Deadline time must be a time like 17:00',
    ],
    [
      'a too long description',
      { description: 'x'.repeat(caps.description + 1) },
      'description',
      `Description must be at most ${caps.description} characters`,
    ],
    [
      'too many asks',
      { asks: Array.from({ length: caps.asks + 1 }, (_, i) => `ask ${i}`) },
      'asks',
      `What's needed can have at most ${caps.asks} lines`,
    ],
  ];
  for (const [name, change, field, message] of refusals) {
    it(`refuses ${name}, naming ${field}`, () => {
      assert.equal(problemsOf({ ...minimalForm, ...change })[field], message);
    });
  }

  it('refuses more customers named than affected, and a deadline time without a date', () => {
    const problems = problemsOf({ ...minimalForm, customerNames: 'A, B', deadlineTime: '17:00' });
    assert.equal(problems.customersAffected, 'Customers affected (1) is fewer than the 2 customers named');
    assert.equal(problems.deadlineDate, 'Deadline date is needed when a deadline time is given');
  });

  it('refuses a body that is not an object', () => {
    assert.deepEqual(problemsOf([1, 2]), { body: 'Send the escalation form fields as a JSON object' });
  });
});
