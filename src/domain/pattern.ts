// The pattern: the same issue reported by 3 or more customers. Escalations linked as the
// same issue are one group; its customers are counted across the group, by name where the
// briefs name them (Acme in two escalations is one customer), by count where they do not.
import { isRestricted } from './access';
import type { Escalation } from './escalation';
import { type Target, targetLabels } from './vocabulary';

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

/** Security and Leadership keep theirs; the rest of the group moves to where the pattern is fixed. */
export function raisedTarget(escalation: Escalation, group: readonly Escalation[]): Target | undefined {
  const target = patternTarget(group);
  const keeps: Target[] = ['security', 'leadership', target];
  return keeps.includes(escalation.brief.target) ? undefined : target;
}

/**
 * The timeline entry of `member` when its group is flagged. Everyone who may see `member`
 * reads it, so escalations of a restricted tier (domain/access.ts) are counted, not named,
 * unless `member` is restricted too.
 */
export function patternEntryText(group: readonly Escalation[], member: Escalation, raisedTo?: Target): string {
  const raised = raisedTo ? `; raised to ${targetLabels[raisedTo]}` : '';
  const named = isRestricted(member.brief.target) ? group : group.filter((e) => !isRestricted(e.brief.target));
  const unnamed = group.length - named.length;
  const more = unnamed > 0 ? ` and ${unnamed} more` : '';
  return `Flagged as a pattern: ${distinctCustomers(group)} customers across ${named.map((e) => e.id).join(', ')}${more}${raised}`;
}
