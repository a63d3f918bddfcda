// The words of the public surface (the README, the form, the API): ids as stored and sent,
// labels as people read them.

export { type Target, targetLabels, targets } from './tiers';

export const severities = ['critical', 'high', 'medium'] as const;
export type Severity = (typeof severities)[number];

/**
 * Each severity as people read it, how urgent it is (higher is more urgent: used to take the
 * most severe of several), and its colour on a card (Adaptive Card container style) and in the
 * board (Fluent badge colour).
 */
export const severityTraits: Record<Severity, { label: string; rank: number; cardStyle: string; badge: string }> = {
  critical: { label: 'Critical', rank: 3, cardStyle: 'attention', badge: 'danger' },
  high: { label: 'High', rank: 2, cardStyle: 'warning', badge: 'severe' },
  medium: { label: 'Medium', rank: 1, cardStyle: 'emphasis', badge: 'informative' },
};
export const severityLabels = Object.fromEntries(severities.map((s) => [s, severityTraits[s].label])) as Record<
  Severity,
  string
>;

export const statuses = [
  'new',
  'acknowledged',
  'investigating',
  'waiting_on_customer',
  'fix_in_progress',
  'resolved',
  'closed',
] as const;
export type Status = (typeof statuses)[number];
export const statusLabels: Record<Status, string> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  investigating: 'Investigating',
  waiting_on_customer: 'Waiting on customer',
  fix_in_progress: 'Fix in progress',
  resolved: 'Resolved',
  closed: 'Closed',
};

export const slaStatuses = ['within', 'at_risk', 'breached'] as const;
export type SlaStatus = (typeof slaStatuses)[number];
export const slaStatusLabels: Record<SlaStatus, string> = {
  within: 'Within SLA',
  at_risk: 'At risk',
  breached: 'Breached',
};

export const signalGroups = {
  technical: ['bug_confirmed', 'infrastructure_issue', 'code_change_needed', 'data_corruption'],
  complexity: ['beyond_support_diagnosis', 'needs_access_support_lacks', 'deeper_investigation'],
  impact: ['multiple_customers', 'production_down', 'security_concern'],
  security: ['data_exposure', 'vulnerability', 'compliance'],
  business: [
    'high_value_customer_at_risk',
    'churn_risk',
    'sla_breach_imminent',
    'sla_breached',
    'executive_involvement',
    'cross_functional_decision',
  ],
  time: ['open_beyond_sla', 'customer_waiting_too_long'],
  pattern: ['same_issue_3_plus_customers'],
  product: ['feature_gap', 'design_decision', 'prioritization'],
} as const;
export type SignalGroup = keyof typeof signalGroups;
export type Signal = (typeof signalGroups)[SignalGroup][number];
export const signals = Object.values(signalGroups).flat() as Signal[];

/** Human list of allowed values, for error messages: "critical, high or medium". */
export function oneOf(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** How a signal reads on the form, in support people's words. */
export const signalLabels: Record<Signal, string> = {
  bug_confirmed: 'Bug confirmed, needs a code fix',
  infrastructure_issue: 'Infrastructure investigation needed',
  code_change_needed: 'Code change needed',
  data_corruption: 'Data corruption',
  beyond_support_diagnosis: "Beyond support's ability to diagnose",
  needs_access_support_lacks: 'Needs access support lacks',
  deeper_investigation: 'Needs deeper investigation (L2)',
  multiple_customers: 'Several customers affected',
  production_down: 'Production down',
  security_concern: 'Security concern',
  data_exposure: 'Data exposure',
  vulnerability: 'Vulnerability',
  compliance: 'Compliance',
  high_value_customer_at_risk: 'High-value customer at risk',
  churn_risk: 'Churn risk',
  sla_breach_imminent: 'SLA breach imminent',
  sla_breached: 'SLA breached',
  executive_involvement: 'Executive involvement',
  cross_functional_decision: 'Cross-functional decision needed',
  open_beyond_sla: 'Open beyond SLA',
  customer_waiting_too_long: 'Customer waiting unreasonably long',
  same_issue_3_plus_customers: 'Same issue from 3+ customers',
  feature_gap: 'Feature gap',
  design_decision: 'Design decision needed',
  prioritization: 'Prioritization needed',
};

export const signalGroupLabels: Record<SignalGroup, string> = {
  technical: 'Technical',
  complexity: 'Complexity',
  impact: 'Impact',
  security: 'Security',
  business: 'Business',
  time: 'Time',
  pattern: 'Pattern',
  product: 'Product',
};
