// Who gets an escalation by email: on its own (a Security escalation to the Security list,
// any Critical to its tier's list, a Leadership raise to Leadership's), and on demand ("Email
// the brief" on the card). Nobody gets by email what they could not see in Teams: a restricted
// tier's brief goes only to its own list, the rest only inside the organisation's mail domain.
import { type AccessPolicy, channelViewer, maySee } from './access';
import type { Brief } from './brief';
import { isRestricted, leadershipTier, type Target, targetLabels, tiers } from './tiers';

/** Why an escalation was emailed: what the subject and first line say, and whose eyes it is for. */
export type EmailReason = 'escalated' | 'raised' | 'shared';

/** At most this many mailboxes on a list, or in one "Email the brief". */
export const maxRecipients = 50;

const address = /^[^\s@,;<>"]{1,64}@[^\s@,;<>"]{1,190}\.[^\s@,;<>".]{2,63}$/;

/** "a@x.com, b@y.com" (commas, semicolons or spaces) as addresses, or what to fix. */
export function parseAddresses(text: unknown): { addresses: string[] } | { problem: string } {
  if (typeof text !== 'string' || text.trim() === '') {
    return { problem: 'Give one or more email addresses, separated by commas' };
  }
  const items = text
    .split(/[\s,;]+/)
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
  const bad = items.find((item) => !address.test(item));
  if (bad !== undefined) {
    const shown = bad.length > 60 ? `${bad.slice(0, 60)}…` : bad;
    return { problem: `"${shown}" is not an email address: give addresses like name@contoso.com` };
  }
  const addresses = [...new Set(items)];
  if (addresses.length > maxRecipients) return { problem: `Give at most ${maxRecipients} addresses` };
  return { addresses };
}

/**
 * Mailboxes a new escalation is emailed to: its tier's list for a Security one, a Critical one,
 * or one for Leadership (churn, executives, a breached SLA: those who act on it read email).
 */
export function escalatedEmailTo(brief: Brief, lists: ReadonlyMap<Target, string[]>): string[] {
  const emailed = tiers[brief.target].emailsEvery || brief.severity === 'critical';
  return emailed ? (lists.get(brief.target) ?? []) : [];
}

/** Mailboxes a raise to Leadership is emailed to: Leadership's list, if Leadership may read the escalation. */
export function raisedEmailTo(target: Target, lists: ReadonlyMap<Target, string[]>, policy: AccessPolicy): string[] {
  if (!maySee(channelViewer(leadershipTier), { target }, policy)) return [];
  return lists.get(leadershipTier) ?? [];
}

/**
 * Of the mailboxes an email was queued for, those that may still receive it when it is sent (the
 * escalation may have moved tier since): a restricted tier's brief only its own list, or, raised,
 * Leadership's where Leadership may see it.
 */
export function mayStillReceive(
  reason: EmailReason,
  target: Target,
  to: readonly string[],
  lists: ReadonlyMap<Target, string[]>,
  policy: AccessPolicy,
): string[] {
  if (!isRestricted(target)) return [...to];
  const allowed = new Set(reason === 'raised' ? raisedEmailTo(target, lists, policy) : (lists.get(target) ?? []));
  return to.filter((address) => allowed.has(address));
}

/**
 * May the brief of an escalation of `target` be sent to these addresses? A restricted tier's
 * only to its own list; any other to addresses in the organisation's mail domain (when known:
 * the sending mailbox's). Undefined when it may; else why not.
 */
export function emailRefusal(
  target: Target,
  addresses: readonly string[],
  lists: ReadonlyMap<Target, string[]>,
  organisationDomain: string | undefined,
): string | undefined {
  if (isRestricted(target)) {
    const allowed = new Set(lists.get(target) ?? []);
    const outside = addresses.filter((a) => !allowed.has(a));
    if (outside.length === 0) return undefined;
    return `A ${targetLabels[target]} brief is emailed only to the ${targetLabels[target]} list: ${outside.slice(0, 3).join(', ')} ${outside.length === 1 ? 'is' : 'are'} not on it. An admin can add them with "email ${target} ..." in its channel.`;
  }
  if (!organisationDomain) return undefined;
  const outside = addresses.filter((a) => !inDomain(a, organisationDomain));
  if (outside.length === 0) return undefined;
  return `Briefs are emailed only inside ${organisationDomain}: ${outside.slice(0, 3).join(', ')} ${outside.length === 1 ? 'is' : 'are'} outside it.`;
}

function inDomain(address: string, domain: string): boolean {
  const host = address.slice(address.lastIndexOf('@') + 1);
  return host === domain || host.endsWith(`.${domain}`);
}
