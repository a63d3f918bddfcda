// The lifecycle of an escalation: which moves are allowed from where, and who may make each.
// domain/decide.ts turns a move into a change (or a refusal).
import type { Role } from './access';
import type { Escalation, Person } from './escalation';
import { type Target, targetLabels } from './tiers';
import { type Status, statuses, statusLabels } from './vocabulary';

export type CardAction =
  | { kind: 'setStatus'; status: Status; resolution?: string; reason?: string }
  | { kind: 'assign'; assignee: Person }
  | { kind: 'logCustomerUpdate'; summary: string; customerExpectation?: string; escalationRisk?: string }
  | { kind: 'addNote'; note: string }
  | { kind: 'retarget'; target: Target; reason: string }
  | { kind: 'link'; otherId: string }
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

/** What "Reopen" moves a resolved or closed escalation back to. */
export const reopenedAs: Status = 'investigating';

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

/** What a person with these roles can do on the card now: the buttons they are shown. */
export function availableMoves(escalation: Escalation, roles: ReadonlySet<Role>): Set<Move> {
  const open = isOpen(escalation.status);
  const possible: Move[] = open
    ? ['progress', 'resolve', 'assign', 'customerUpdate', 'note', 'retarget', 'link', 'email']
    : [escalation.status === 'resolved' ? 'close' : 'note', 'reopen', 'customerUpdate', 'note', 'link', 'email'];
  return new Set(possible.filter((move) => mayMake(move, roles)));
}
