// Triage: the signals a support agent sees -> whether to escalate, to whom, how urgently.
//
// The rules, in support's words:
// - Route to the team that can act on the cause. When several tiers are signalled, the
//   first of this order wins: Security, Engineering, Product, Leadership, L2 Support.
//   Security always wins and is immediate: data exposure, vulnerabilities and
//   compliance go up at once. Business and time signals alone go to Leadership (or L2
//   Support for a customer kept waiting); alongside a technical signal they raise urgency.
// - Severity is the most severe of the signals' own severities, then raised one step
//   (up to Critical) by each rule in `raises` that applies.
// - The same issue from 3 or more customers is a pattern and always escalates.
// - No signal: do not escalate yet.
import { z } from 'zod';
import { decimalNumber, shownValue } from './clientText';
import { signalTarget, type Target, targetPrecedence, tiers } from './tiers';
import type { Severity, Signal } from './vocabulary';
import { signals as allSignals, severityTraits, signalGroups, targetLabels } from './vocabulary';

/** A signal's own urgency and why it escalates; the tier it sends to is the tier table's (domain/tiers.ts). */
interface SignalRule {
  severity: Severity;
  /** Why this signal escalates, as the agent would say it. */
  reason: string;
}

export const signalRules: Record<Signal, SignalRule> = {
  // Technical
  bug_confirmed: { severity: 'medium', reason: 'Bug confirmed: it needs a code fix' },
  infrastructure_issue: { severity: 'high', reason: 'Infrastructure needs investigating' },
  code_change_needed: { severity: 'medium', reason: 'A code change is needed' },
  data_corruption: { severity: 'critical', reason: 'Customer data is corrupted' },
  // Complexity
  beyond_support_diagnosis: { severity: 'medium', reason: "Beyond support's ability to diagnose" },
  needs_access_support_lacks: { severity: 'medium', reason: 'Needs access support does not have' },
  deeper_investigation: { severity: 'medium', reason: 'Needs deeper investigation by L2' },
  // Impact
  multiple_customers: { severity: 'high', reason: 'Several customers are affected' },
  production_down: { severity: 'critical', reason: 'Production is down' },
  security_concern: { severity: 'high', reason: 'Security concern' },
  // Security
  data_exposure: { severity: 'critical', reason: 'Customer data may be exposed' },
  vulnerability: { severity: 'high', reason: 'A vulnerability is reported' },
  compliance: { severity: 'high', reason: 'A compliance obligation is at stake' },
  // Business
  high_value_customer_at_risk: { severity: 'high', reason: 'A high-value customer is at risk' },
  churn_risk: { severity: 'high', reason: 'The customer may churn' },
  sla_breach_imminent: { severity: 'high', reason: 'An SLA breach is imminent' },
  sla_breached: { severity: 'high', reason: 'The SLA is breached' },
  executive_involvement: { severity: 'high', reason: 'Executives are involved' },
  cross_functional_decision: { severity: 'medium', reason: 'A cross-functional decision is needed' },
  // Time
  open_beyond_sla: { severity: 'high', reason: 'Open beyond its SLA' },
  customer_waiting_too_long: { severity: 'medium', reason: 'The customer has waited unreasonably long' },
  // Pattern
  same_issue_3_plus_customers: {
    severity: 'high',
    reason: 'The same issue is reported by 3 or more customers: a pattern',
  },
  // Product
  feature_gap: { severity: 'medium', reason: 'A feature gap' },
  design_decision: { severity: 'medium', reason: 'A design decision is needed' },
  prioritization: { severity: 'medium', reason: 'A prioritization call is needed' },
};

const technicalSignals: ReadonlySet<Signal> = new Set([
  'bug_confirmed',
  'infrastructure_issue',
  'code_change_needed',
  'data_corruption',
  'production_down',
]);
const wideImpactSignals: ReadonlySet<Signal> = new Set(['multiple_customers', 'same_issue_3_plus_customers']);
const businessAndTimeSignals: ReadonlySet<Signal> = new Set([...signalGroups.business, ...signalGroups.time]);
const businessAtStakeSignals: ReadonlySet<Signal> = new Set([
  'high_value_customer_at_risk',
  'churn_risk',
  'executive_involvement',
  'sla_breached',
  'open_beyond_sla',
]);

/**
 * Each rule raises severity one step when it applies. `problem` is the severity of the
 * problem itself: the most severe signal that is not a business or time signal.
 */
export const raises: readonly {
  when: (s: ReadonlySet<Signal>, problem: Severity | undefined) => boolean;
  reason: string;
}[] = [
  {
    when: (s) => hasAny(s, wideImpactSignals) && hasAny(s, technicalSignals),
    reason: 'A technical fault hitting several customers: one step more severe',
  },
  {
    when: (s, problem) => problem === 'high' && hasAny(s, businessAtStakeSignals),
    reason: 'The business is at stake on top of a serious problem: one step more severe',
  },
];

export interface TriageInput {
  signals: readonly Signal[];
  customersAffected?: number;
}

export interface Triage {
  escalate: boolean;
  target?: Target;
  severity?: Severity;
  /** Security: post and alert now, do not wait for business hours. */
  immediate: boolean;
  reasons: string[];
}

export function triage(input: TriageInput): Triage {
  const given = new Set(input.signals);
  const customers = input.customersAffected ?? 0;
  // The counts an agent typed are signals too.
  if (customers >= 3) given.add('same_issue_3_plus_customers');
  else if (customers === 2) given.add('multiple_customers');

  if (given.size === 0) {
    return {
      escalate: false,
      immediate: false,
      reasons: ['No escalation signal yet: keep working it in L1 and escalate when one applies'],
    };
  }

  const ordered = allSignals.filter((s) => given.has(s));
  // Every signal sends to some tier, so one of them is found.
  const target = targetPrecedence.find((t) => ordered.some((s) => signalTarget[s] === t)) as Target;
  const base = ordered.map((s) => signalRules[s].severity).reduce(moreSevere);
  const problem = ordered
    .filter((s) => !businessAndTimeSignals.has(s))
    .map((s) => signalRules[s].severity)
    .reduce<Severity | undefined>((a, b) => (a ? moreSevere(a, b) : b), undefined);

  let severity = base;
  const raisedBy: string[] = [];
  for (const rule of raises) {
    if (rule.when(given, problem)) {
      severity = oneStepUp(severity);
      raisedBy.push(rule.reason);
    }
  }

  const reasons = [
    ...ordered.map((s) => {
      const rule = signalRules[s];
      const countNote =
        s === 'same_issue_3_plus_customers' && customers >= 3 && !input.signals.includes(s)
          ? ` (${customers} customers affected)`
          : '';
      return `${rule.reason}${countNote} -> ${targetLabels[signalTarget[s]]}`;
    }),
    ...raisedBy,
  ];
  const winners = ordered.filter((s) => signalTarget[s] === target);
  if (winners.length < ordered.length) {
    reasons.push(`${targetLabels[target]} takes it: ${targetPrecedence.map((t) => targetLabels[t]).join(' > ')}`);
  }
  return {
    escalate: true,
    target,
    severity,
    immediate: ordered.some((s) => tiers[signalTarget[s]].immediate),
    reasons,
  };
}

function hasAny(given: ReadonlySet<Signal>, wanted: ReadonlySet<Signal>): boolean {
  for (const s of wanted) if (given.has(s)) return true;
  return false;
}

function moreSevere(a: Severity, b: Severity): Severity {
  return severityTraits[a].rank >= severityTraits[b].rank ? a : b;
}

function oneStepUp(severity: Severity): Severity {
  return severity === 'medium' ? 'high' : 'critical';
}

/** The body of POST /api/triage and the signals part of the form. */
export const triageRequestSchema = z.object(
  {
    signals: z.preprocess(
      (v) =>
        typeof v === 'string'
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : (v ?? []),
      z.array(
        z.enum(allSignals as [Signal, ...Signal[]], {
          error: (issue) => `${shownValue(issue.input)} is not a known signal id`,
        }),
        { error: 'signals must be a list of signal ids' },
      ),
    ),
    customersAffected: z.preprocess(
      decimalNumber,
      z
        .number({ error: 'customersAffected must be a whole number' })
        .int('customersAffected must be a whole number')
        .min(0, 'customersAffected must be 0 or more')
        .optional(),
    ),
  },
  { error: 'Send {"signals": [...], "customersAffected": n} as a JSON object' },
);
