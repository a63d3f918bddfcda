// Which buttons a person gets on an escalation now: drawn by its card (src/teams/cards/briefCard.ts)
// and by the board (src/tab/detail.ts) alike, from the moves the lifecycle lets them make.
import type { Role } from './access';
import type { Escalation } from './escalation';
import { availableMoves, openStatuses } from './lifecycle';
import type { Status } from './vocabulary';

export interface Offers {
  acknowledge: boolean;
  /** "Assign to me", or "Take over" once someone owns it; '' when not offered. */
  assignToMe: '' | 'Assign to me' | 'Take over';
  waitingOnCustomer: boolean;
  /** The owner resolves at once (with the resolution); others from "Change status". */
  resolveNow: boolean;
  resolveLater: boolean;
  close: boolean;
  customerUpdate: boolean;
  note: boolean;
  /** "Change status", to these. */
  statusChoices: Status[];
  retarget: boolean;
  reopen: boolean;
  /** Assign to someone else. */
  assign: boolean;
  link: boolean;
  email: boolean;
}

export function offersTo(escalation: Escalation, roles: ReadonlySet<Role>): Offers {
  const moves = availableMoves(escalation, roles);
  const isOwner = roles.has('owner');
  const resolveLater = !isOwner && moves.has('resolve');
  const moving = moves.has('progress') ? openStatuses.filter((s) => s !== 'new' && s !== escalation.status) : [];
  return {
    acknowledge: moves.has('progress') && escalation.status === 'new',
    assignToMe: moves.has('assign') && !isOwner ? (escalation.owner ? 'Take over' : 'Assign to me') : '',
    waitingOnCustomer: isOwner && moves.has('progress') && escalation.status !== 'waiting_on_customer',
    resolveNow: isOwner && moves.has('resolve'),
    resolveLater,
    close: moves.has('close'),
    customerUpdate: moves.has('customerUpdate'),
    note: moves.has('note'),
    statusChoices: [...moving, ...(resolveLater ? ['resolved' as const] : [])],
    retarget: moves.has('retarget'),
    reopen: moves.has('reopen'),
    assign: moves.has('assign'),
    link: moves.has('link'),
    email: moves.has('email'),
  };
}

/** Anything to offer at all: a person with nothing to offer follows it, and no more. */
export function offersAnything(offers: Offers): boolean {
  return Object.values(offers).some((offer) => (Array.isArray(offer) ? offer.length > 0 : Boolean(offer)));
}
