// Is the brief ready for the team receiving it? What each tier needs to act at once,
// beyond the fields the form requires. Shown on the form before it is sent.
import { isBug, leadershipTier, type Target, tiers } from './tiers';
import type { Signal } from './vocabulary';

/** The form's values as typed so far (strings, possibly blank). */
export type DraftValues = Partial<Record<string, string>>;

interface Need {
  /** Which escalations need it. */
  when: (target: Target | undefined, signals: ReadonlySet<Signal>) => boolean;
  has: (values: DraftValues) => boolean;
  /** What is missing, as the readiness line says it. */
  lacking: string;
}

const filled = (values: DraftValues, ...fields: string[]) => fields.every((f) => (values[f] ?? '').trim() !== '');
const always = () => true;

export const needs: readonly Need[] = [
  {
    when: always,
    has: (v) => sentences(v.description ?? '') >= 3,
    lacking: 'a description of 3-5 sentences',
  },
  { when: isBug, has: (v) => filled(v, 'reproSteps'), lacking: 'reproduction steps' },
  { when: isBug, has: (v) => filled(v, 'expected', 'actual'), lacking: 'expected and actual results' },
  { when: isBug, has: (v) => filled(v, 'environment'), lacking: 'the environment' },
  // A tier that goes out at once does not wait for what has been tried.
  { when: (t) => !(t && tiers[t].immediate), has: (v) => filled(v, 'tried'), lacking: "what's been tried" },
  {
    when: always,
    has: (v) => filled(v, 'lastUpdateDate', 'lastUpdateSummary'),
    lacking: 'the last customer update',
  },
  {
    when: (t, s) => t === leadershipTier || s.has('churn_risk') || s.has('high_value_customer_at_risk'),
    has: (v) => filled(v, 'revenueAtRisk'),
    lacking: 'the revenue at risk',
  },
  {
    when: (t) => t === leadershipTier,
    has: (v) => filled(v, 'escalationRisk'),
    lacking: 'the risk of the customer escalating further',
  },
  { when: always, has: (v) => filled(v, 'customerExpectation'), lacking: 'what the customer expects by when' },
  { when: always, has: (v) => filled(v, 'deadlineDate'), lacking: "a deadline for what's needed" },
];

/** What the brief still lacks for its target, most important first; empty when ready. */
export function lacking(values: DraftValues, target: Target | undefined, signals: readonly Signal[]): string[] {
  const given = new Set(signals);
  return needs.filter((need) => need.when(target, given) && !need.has(values)).map((need) => need.lacking);
}

function sentences(text: string): number {
  return text.split(/[.!?]+(?:\s|$)/).filter((s) => s.trim().length > 0).length;
}
