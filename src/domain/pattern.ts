// The pattern: the same issue reported by 3 or more customers. Escalations linked as the
// same issue are one group; its customers are counted across the group, by name where the
// briefs name them (Acme in two escalations is one customer), by count where they do not.
import { type AccessPolicy, seenByReadersOf } from './access';
import type { Escalation } from './escalation';
import { type Target, targetLabels, tiers } from './tiers';

export const patternThreshold = 3;

export function distinctCustomers(group: readonly Escalation[]): number {
  const named = new Set<string>();
  let unnamed = 0;
  for (const { brief } of group) {
    const names = brief.impact.customerNames.map((n) => n.trim().toLowerCase()).filter(Boolean);
    for (const name of names) named.add(name);
    unnamed += Math.max(0, brief.impact.customersAffected - names.length);
  }
  return named.size + unnamed;
}

export function isPattern(group: readonly Escalation[]): boolean {
  return group.length > 1 && distinctCustomers(group) >= patternThreshold;
}

/** Where a pattern is fixed: Product when it is a feature gap, else Engineering. */
export function patternTarget(group: readonly Escalation[]): Target {
  return group.some((e) => e.brief.signals.includes('feature_gap')) ? 'product' : 'engineering';
}

/** Tiers that keep theirs (Security, Leadership) do; the rest of the group moves to where the pattern is fixed. */
export function raisedTarget(escalation: Escalation, group: readonly Escalation[]): Target | undefined {
  const target = patternTarget(group);
  const here = escalation.brief.target;
  return here === target || tiers[here].keepsPatterns ? undefined : target;
}

/**
 * The timeline entry of `member` when its group is flagged. Everyone who may see `member`
 * reads it, so escalations some of them may not see (domain/access.ts) are counted, not named.
 */
export function patternEntryText(
  group: readonly Escalation[],
  member: Escalation,
  policy: AccessPolicy,
  raisedTo?: Target,
): string {
  const raised = raisedTo ? `; raised to ${targetLabels[raisedTo]}` : '';
  const named = group.filter((e) => seenByReadersOf(member.brief.target, e.brief.target, policy));
  const unnamed = group.length - named.length;
  const more = unnamed > 0 ? ` and ${unnamed} more` : '';
  return `Flagged as a pattern: ${distinctCustomers(group)} customers across ${named.map((e) => e.id).join(', ')}${more}${raised}`;
}
