import assert from 'node:assert/strict';
import { type Triage, triage } from '../../src/domain/triage';
import { type Severity, type Signal, signals, type Target } from '../../src/domain/vocabulary';

describe('triage', () => {
  // Every signal alone: where it goes, how urgent, whether it is immediate.
  const alone: [Signal, Target, Severity, boolean][] = [
    ['bug_confirmed', 'engineering', 'medium', false],
    ['infrastructure_issue', 'engineering', 'high', false],
    ['code_change_needed', 'engineering', 'medium', false],
    ['data_corruption', 'engineering', 'critical', false],
    ['beyond_support_diagnosis', 'engineering', 'medium', false],
    ['needs_access_support_lacks', 'engineering', 'medium', false],
    ['deeper_investigation', 'support', 'medium', false],
    ['multiple_customers', 'engineering', 'high', false],
    ['production_down', 'engineering', 'critical', false],
    ['security_concern', 'security', 'high', true],
    ['data_exposure', 'security', 'critical', true],
    ['vulnerability', 'security', 'high', true],
    ['compliance', 'security', 'high', true],
    ['high_value_customer_at_risk', 'leadership', 'high', false],
    ['churn_risk', 'leadership', 'high', false],
    ['sla_breach_imminent', 'support', 'high', false],
    ['sla_breached', 'leadership', 'high', false],
    ['executive_involvement', 'leadership', 'high', false],
    ['cross_functional_decision', 'leadership', 'medium', false],
    ['open_beyond_sla', 'leadership', 'high', false],
    ['customer_waiting_too_long', 'support', 'medium', false],
    ['same_issue_3_plus_customers', 'engineering', 'high', false],
    ['feature_gap', 'product', 'medium', false],
    ['design_decision', 'product', 'medium', false],
    ['prioritization', 'product', 'medium', false],
  ];

  it('covers every signal of the contract', () => {
    assert.deepEqual(alone.map(([s]) => s).sort(), [...signals].sort());
  });

  for (const [signal, target, severity, immediate] of alone) {
    it(`${signal} alone -> ${target}, ${severity}${immediate ? ', immediately' : ''}`, () => {
      const result = triage({ signals: [signal] });
      assert.equal(result.escalate, true);
      assert.equal(result.target, target);
      assert.equal(result.severity, severity);
      assert.equal(result.immediate, immediate);
      assert.equal(result.reasons.length, 1);
    });
  }

  // Combinations that matter: precedence of tiers and the rules that raise severity.
  const combinations: [string, Signal[], number | undefined, Partial<Triage>][] = [
    [
      'security beats engineering, immediately',
      ['production_down', 'data_exposure'],
      undefined,
      { target: 'security', severity: 'critical', immediate: true },
    ],
    [
      'security beats leadership',
      ['churn_risk', 'vulnerability'],
      undefined,
      { target: 'security', severity: 'critical', immediate: true },
    ],
    [
      'engineering beats product',
      ['bug_confirmed', 'feature_gap'],
      undefined,
      { target: 'engineering', severity: 'medium' },
    ],
    [
      'engineering beats leadership; business at stake raises high to critical',
      ['infrastructure_issue', 'churn_risk'],
      undefined,
      { target: 'engineering', severity: 'critical' },
    ],
    [
      'product beats leadership',
      ['feature_gap', 'cross_functional_decision'],
      undefined,
      { target: 'product', severity: 'medium' },
    ],
    [
      'leadership beats L2 support',
      ['customer_waiting_too_long', 'executive_involvement'],
      undefined,
      { target: 'leadership', severity: 'high' },
    ],
    [
      'a bug hitting several customers is raised one step',
      ['bug_confirmed', 'multiple_customers'],
      undefined,
      { target: 'engineering', severity: 'critical' },
    ],
    [
      'a bug alone stays medium',
      ['bug_confirmed', 'code_change_needed'],
      undefined,
      { target: 'engineering', severity: 'medium' },
    ],
    [
      'the pattern plus a technical fault',
      ['same_issue_3_plus_customers', 'bug_confirmed'],
      undefined,
      { target: 'engineering', severity: 'critical' },
    ],
    [
      'business signals on a medium problem do not raise it',
      ['cross_functional_decision', 'customer_waiting_too_long'],
      undefined,
      { target: 'leadership', severity: 'medium' },
    ],
    ['3 customers typed in are the pattern', ['bug_confirmed'], 3, { target: 'engineering', severity: 'critical' }],
    [
      '2 customers typed in are several customers',
      ['deeper_investigation'],
      2,
      { target: 'engineering', severity: 'high' },
    ],
    ['3 customers alone escalate as a pattern', [], 3, { escalate: true, target: 'engineering', severity: 'high' }],
    ['one customer and no signal: not yet', [], 1, { escalate: false, immediate: false }],
    [
      'critical stays critical',
      ['production_down', 'data_corruption', 'multiple_customers', 'churn_risk'],
      undefined,
      { target: 'engineering', severity: 'critical' },
    ],
  ];

  for (const [name, given, customersAffected, expected] of combinations) {
    it(name, () => {
      const result = triage({ signals: given, customersAffected });
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(result[key as keyof Triage], value, `${key} of ${given.join('+')}`);
      }
    });
  }

  it('lists a reason for every signal and for each raise, and names the winning tier', () => {
    const result = triage({ signals: ['bug_confirmed', 'multiple_customers', 'feature_gap'] });
    assert.deepEqual(result.reasons, [
      'Bug confirmed: it needs a code fix -> Engineering',
      'Several customers are affected -> Engineering',
      'A feature gap -> Product',
      'A technical fault hitting several customers: one step more severe',
      'Engineering takes it: Security > Engineering > Product > Leadership > L2 Support',
    ]);
  });

  it('with no signal says not to escalate yet, and why', () => {
    const result = triage({ signals: [] });
    assert.equal(result.escalate, false);
    assert.equal(result.target, undefined);
    assert.match(result.reasons[0] ?? '', /No escalation signal yet/);
  });
});
