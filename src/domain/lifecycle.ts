// The lifecycle of an escalation: which moves are allowed, what each needs, who may
// make it. decide() is the one place a card action becomes a change (or a refusal).
import { isRestricted, type Role } from './access';
import { type Escalation, type Person, timelineKinds } from './escalation';

import { type Status, statuses, statusLabels, type Target, targetLabels } from './vocabulary';

export type CardAction =
  | { kind: 'setStatus'; status: Status; resolution?: string; reason?: string }
  | { kind: 'assign'; assignee: Person }
  | { kind: 'logCustomerUpdate'; summary: string; customerExpectation?: string; escalationRisk?: string }
  | { kind: 'addNote'; note: string }
  | { kind: 'retarget'; target: Target; reason: string }
  /** `otherTarget`: the other one's tier, once it is known to exist. */
  | { kind: 'link'; otherId: string; otherTarget?: Target }
  /** "Email the brief" to these mailboxes (who may receive it: domain/emailing.ts). */
  | { kind: 'email'; addresses: string[] };

/** The kinds of move people are allowed or not, each with who may make it. */
export type Move =
  | 'progress'
  | 'resolve'
  | 'close'
  | 'reopen'
  | 'assign'
  | 'customerUpdate'
  | 'note'
  | 'retarget'
  | 'link'
  | 'email';

/**
 * Who may make each move (roles: domain/access.ts). Admins may do what the tier's members may;
 * a Leadership member who only follows an escalation has no move of their own.
 */
export const whoMay: Record<Move, readonly Role[]> = {
  progress: ['owner', 'tierMember', 'admin'],
  resolve: ['owner', 'tierMember', 'admin'],
  close: ['owner', 'tierMember', 'requester', 'admin'],
  reopen: ['owner', 'tierMember', 'requester', 'admin'],
  assign: ['owner', 'tierMember', 'admin'],
  customerUpdate: ['owner', 'tierMember', 'requester', 'admin'],
  note: ['owner', 'tierMember', 'requester', 'admin'],
  retarget: ['owner', 'tierMember', 'admin'],
  link: ['owner', 'tierMember', 'requester', 'admin'],
  email: ['owner', 'tierMember', 'requester', 'admin'],
};

/** How a refusal names each role; admins go unnamed (they are few, and know it). */
const roleWords: Partial<Record<Role, string>> = {
  owner: 'its owner',
  requester: 'the person who escalated it',
  tierMember: "a member of the tier's channel",
};

export const openStatuses: readonly Status[] = [
  'new',
  'acknowledged',
  'investigating',
  'waiting_on_customer',
  'fix_in_progress',
];
export const isOpen = (status: Status) => openStatuses.includes(status);

/** Out of every queue and clock: the statuses that are not open. SQL that must know it is generated from this. */
export const closedStatuses: readonly Status[] = statuses.filter((status) => !isOpen(status));

/** The move a status change is, or why it is not allowed at all. */
export function statusMove(from: Status, to: Status): Move | { refused: string } {
  if (from === to) return { refused: `It is already ${statusLabels[to]}.` };
  if (to === 'new') return { refused: 'An escalation cannot go back to New.' };
  if (isOpen(from) && isOpen(to)) return 'progress';
  if (isOpen(from) && to === 'resolved') return 'resolve';
  if (isOpen(from) && to === 'closed')
    return { refused: 'Resolve it first, with a resolution; then it can be closed.' };
  if (from === 'resolved' && to === 'closed') return 'close';
  if (!isOpen(from) && isOpen(to)) return 'reopen';
  return { refused: `${statusLabels[from]} cannot move to ${statusLabels[to]}.` };
}

export function moveOf(escalation: Escalation, action: CardAction): Move | { refused: string } {
  switch (action.kind) {
    case 'setStatus':
      return statusMove(escalation.status, action.status);
    case 'assign':
      return isOpen(escalation.status) ? 'assign' : { refused: 'Reopen it before assigning it.' };
    case 'logCustomerUpdate':
      return 'customerUpdate';
    case 'addNote':
      return 'note';
    case 'retarget':
      if (!isOpen(escalation.status)) return { refused: 'Reopen it before moving it to another tier.' };
      return action.target === escalation.brief.target
        ? { refused: `It is already with ${targetLabels[action.target]}.` }
        : 'retarget';
    case 'link':
      return action.otherId === escalation.id ? { refused: 'An escalation cannot be linked to itself.' } : 'link';
    case 'email':
      return 'email';
  }
}

export function mayMake(move: Move, roles: ReadonlySet<Role>): boolean {
  return whoMay[move].some((role) => roles.has(role));
}

export function refusalForRoles(move: Move): string {
  const words = whoMay[move].flatMap((r) => roleWords[r] ?? []);
  const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : words[0];
  return `Only ${list} may ${moveWords[move]}.`;
}

const moveWords: Record<Move, string> = {
  progress: 'change its status',
  resolve: 'resolve it',
  close: 'close it',
  reopen: 'reopen it',
  assign: 'assign it',
  customerUpdate: 'log a customer update',
  note: 'add a note',
  retarget: 'move it to another tier',
  link: 'link it',
  email: 'email the brief',
};

export type Decision =
  | { ok: true; next: Escalation; entry: { kind: string; text: string } }
  | { ok: false; reason: string };

/** The change an action makes, or why it is refused. Pure: no I/O, `at` is now. */
export function decide(
  escalation: Escalation,
  action: CardAction,
  actor: Person,
  roles: ReadonlySet<Role>,
  at: string,
): Decision {
  const move = moveOf(escalation, action);
  if (typeof move !== 'string') return { ok: false, reason: move.refused };
  if (!mayMake(move, roles)) return { ok: false, reason: refusalForRoles(move) };

  const next: Escalation = { ...escalation, version: escalation.version + 1, updatedAt: at };
  const who = actor.name;
  switch (action.kind) {
    case 'setStatus': {
      if (move === 'resolve' && !action.resolution)
        return { ok: false, reason: 'Say how it was resolved: a resolution is required.' };
      if (move === 'reopen' && !action.reason)
        return { ok: false, reason: 'Say why it is reopened: a reason is required.' };
      next.status = action.status;
      if (move === 'resolve') return change(next, timelineKinds.resolved, `${who} resolved it: ${action.resolution}`);
      if (move === 'reopen')
        return change(
          next,
          timelineKinds.reopened,
          `${who} reopened it (${statusLabels[action.status]}): ${action.reason}`,
        );
      if (action.status === 'acknowledged') return change(next, timelineKinds.acknowledged, `${who} acknowledged it`);
      return change(next, timelineKinds.statusChanged, `${who} set the status to ${statusLabels[action.status]}`);
    }
    case 'assign': {
      const { assignee } = action;
      if (escalation.owner?.id !== undefined && escalation.owner.id === assignee.id) {
        return { ok: false, reason: `${assignee.name} already owns it.` };
      }
      next.owner = assignee;
      // Taking ownership of a new escalation acknowledges it.
      if (escalation.status === 'new') next.status = 'acknowledged';
      const text = assignee.id === actor.id ? `${who} took ownership` : `${who} assigned it to ${assignee.name}`;
      return change(next, timelineKinds.assigned, text);
    }
    case 'logCustomerUpdate': {
      const comms = escalation.brief.customerCommunication;
      next.brief = {
        ...escalation.brief,
        customerCommunication: {
          lastUpdateDate: at.slice(0, 10),
          lastUpdateSummary: action.summary,
          customerExpectation: action.customerExpectation ?? comms.customerExpectation,
          escalationRisk: action.escalationRisk ?? comms.escalationRisk,
        },
      };
      return change(next, timelineKinds.customerUpdate, `${who} updated the customer: ${action.summary}`);
    }
    case 'addNote':
      return change(next, timelineKinds.note, `${who}: ${action.note}`);
    case 'retarget': {
      const from = targetLabels[escalation.brief.target];
      next.brief = { ...escalation.brief, target: action.target };
      return change(
        next,
        timelineKinds.retargeted,
        `${who} moved it from ${from} to ${targetLabels[action.target]}: ${action.reason}`,
      );
    }
    case 'link': {
      // This timeline is read by all who see this one: an escalation they may not see goes unnamed.
      const hidden =
        action.otherTarget && isRestricted(action.otherTarget) && !isRestricted(escalation.brief.target)
          ? `a ${targetLabels[action.otherTarget]} escalation`
          : action.otherId;
      return change(next, timelineKinds.linked, `${who} linked it to ${hidden} as the same issue`);
    }
    case 'email':
      return change(next, timelineKinds.emailed, `${who} emailed the brief to ${action.addresses.join(', ')}`);
  }
}

function change(next: Escalation, kind: string, text: string): Decision {
  return { ok: true, next, entry: { kind, text } };
}

/** What a person with these roles can do on the card now: the buttons they are shown. */
export function availableMoves(escalation: Escalation, roles: ReadonlySet<Role>): Set<Move> {
  const open = isOpen(escalation.status);
  const possible: Move[] = open
    ? ['progress', 'resolve', 'assign', 'customerUpdate', 'note', 'retarget', 'link', 'email']
    : [escalation.status === 'resolved' ? 'close' : 'note', 'reopen', 'customerUpdate', 'note', 'link', 'email'];
  return new Set(possible.filter((move) => mayMake(move, roles)));
}
