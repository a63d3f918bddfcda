// The tiers an escalation goes to, and what sets each apart: the one table every rule and surface
// reads. A rule about "the Security tier" asks for the trait that makes it so (restricted,
// immediate...), never for the tier by name.
import type { Signal } from './vocabulary';

export const targets = ['support', 'engineering', 'product', 'security', 'leadership'] as const;
export type Target = (typeof targets)[number];

export interface TierTraits {
  /** As people read it. */
  label: string;
  /** The signals that send an escalation here (triage: domain/triage.ts). */
  takes: readonly Signal[];
  /** Seen only by some people (domain/access.ts), emailed only to its own list. */
  restricted: boolean;
  /**
   * Goes out at once: posted before anything else, its channel @mentioned, no waiting for
   * "what's been tried".
   */
  immediate: boolean;
  /** Its list hears of every one of its escalations, not only the Critical ones. */
  emailsEvery: boolean;
  /** Where breached SLAs are raised to. */
  takesRaises: boolean;
  /** Keeps its escalations when a pattern moves the rest of the group to the tier that fixes it. */
  keepsPatterns: boolean;
  /** Everything it takes is a bug report (reproduction steps, expected and actual, environment). */
  takesBugs: boolean;
}

/** A tier with none of the traits that set some apart. */
const anyTier: Omit<TierTraits, 'label' | 'takes'> = {
  restricted: false,
  immediate: false,
  emailsEvery: false,
  takesRaises: false,
  keepsPatterns: false,
  takesBugs: false,
};

export const tiers: Record<Target, TierTraits> = {
  support: {
    ...anyTier,
    label: 'L2 Support',
    takes: ['deeper_investigation', 'sla_breach_imminent', 'customer_waiting_too_long'],
  },
  engineering: {
    ...anyTier,
    label: 'Engineering',
    takes: [
      'bug_confirmed',
      'infrastructure_issue',
      'code_change_needed',
      'data_corruption',
      'beyond_support_diagnosis',
      'needs_access_support_lacks',
      'multiple_customers',
      'production_down',
      'same_issue_3_plus_customers',
    ],
    takesBugs: true,
  },
  product: {
    ...anyTier,
    label: 'Product',
    takes: ['feature_gap', 'design_decision', 'prioritization'],
  },
  security: {
    ...anyTier,
    label: 'Security',
    takes: ['security_concern', 'data_exposure', 'vulnerability', 'compliance'],
    restricted: true,
    immediate: true,
    emailsEvery: true,
    keepsPatterns: true,
  },
  leadership: {
    ...anyTier,
    label: 'Leadership',
    takes: [
      'high_value_customer_at_risk',
      'churn_risk',
      'sla_breached',
      'executive_involvement',
      'cross_functional_decision',
      'open_beyond_sla',
    ],
    emailsEvery: true,
    takesRaises: true,
    keepsPatterns: true,
  },
};

/** Signals that make an escalation a bug report. */
const bugSignals: ReadonlySet<Signal> = new Set<Signal>(['bug_confirmed', 'code_change_needed', 'data_corruption']);

/**
 * A bug report: it asks for reproduction steps, expected and actual results and the environment
 * (the form's readiness), and its card and brief.txt always keep that section. Engineering takes
 * bugs, so everything sent there is read as one.
 */
export function isBug(target: Target | undefined, signals: Iterable<Signal>): boolean {
  if (target && tiers[target].takesBugs) return true;
  for (const signal of signals) if (bugSignals.has(signal)) return true;
  return false;
}

/** When several tiers are signalled, the first of these takes the escalation. */
export const targetPrecedence: readonly Target[] = ['security', 'engineering', 'product', 'leadership', 'support'];

export const targetLabels = Object.fromEntries(targets.map((t) => [t, tiers[t].label])) as Record<Target, string>;

const having = (trait: keyof TierTraits) => targets.filter((t) => tiers[t][trait] === true);

/** Tiers whose escalations only some people may see (domain/access.ts). */
export const restrictedTiers: readonly Target[] = having('restricted');
export const isRestricted = (target: Target) => tiers[target].restricted;

/** Tiers whose escalations go out before any other. */
export const immediateTargets: readonly Target[] = having('immediate');

/** Leadership: the tier breached SLAs are raised to, whose channel follows what is raised there. */
export const leadershipTier: Target = having('takesRaises')[0] as Target;

/** The tier a signal sends an escalation to. */
export const signalTarget = Object.fromEntries(
  targets.flatMap((target) => tiers[target].takes.map((signal) => [signal, target])),
) as Record<Signal, Target>;

/**
 * The tier people name in a chat command: its id, its label, or "l2" for L2 Support.
 */
export function targetNamed(word: string): Target | undefined {
  const said = word.trim().toLowerCase();
  return targets.find(
    (t) => t === said || tiers[t].label.toLowerCase() === said || tiers[t].label.toLowerCase().split(' ')[0] === said,
  );
}
