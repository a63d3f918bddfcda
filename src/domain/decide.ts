// A move on an escalation is one decision: decide() says whether it is made and, if so, the
// change (the next version and its timeline entry) and its effects (a post, an email, a link),
// which the store saves together in one transaction. Every posted copy of the card is updated
// by every saved change, so that is no effect of its own. The desk's own moves (a raise to
// Leadership, a pattern flagged) are decided here too.
import { type AccessPolicy, type Role, seenByReadersOf } from './access';
import { type EmailReason, emailRefusal, raisedEmailTo } from './emailing';
import { type Escalation, type Person, timelineKinds } from './escalation';
import { type CardAction, type Move, mayMake, moveOf, refusalForRoles } from './lifecycle';
import { patternEntryText, raisedTarget } from './pattern';
import { firstLines } from './ticketForm';
import { leadershipTier, type Target, targetLabels } from './tiers';
import { statusLabels } from './vocabulary';

/** What a saved change calls for besides updating the card's copies. */
export type Effect =
  /** Posted in a tier's channel: its own (as it is when sent), or `target` it is raised to. */
  | { kind: 'post'; target?: Target }
  /** The brief emailed to these mailboxes; `key` makes it once-only. */
  | { kind: 'email'; to: string[]; reason: EmailReason; key: string }
  /** Linked to another escalation as the same issue. */
  | { kind: 'link'; otherId: string };

export interface Change {
  next: Escalation;
  /** `link`: a saved Teams message's (domain/savedMessage.ts). */
  entry: { kind: string; text: string; link?: string };
  effects: Effect[];
}

/** What became of a move. The edges switch on `outcome`: a card shows why, HTTP answers 409, 403 or 400. */
export type Decision =
  | { outcome: 'applied'; change: Change }
  /** The escalation changed since the version the person saw: nothing was changed. */
  | { outcome: 'stale' }
  /** Not theirs to make. */
  | { outcome: 'forbidden'; reason: string }
  /** Not possible as asked, or not now: the reason says what to fix. */
  | { outcome: 'invalid'; reason: string };

export interface MoveRequest {
  escalation: Escalation;
  /** The version the person saw (a card's, the board's). */
  seenVersion: number;
  action: CardAction;
  actor: Person;
  /** The actor's roles on the escalation (domain/access.ts). */
  roles: ReadonlySet<Role>;
  /** Now, as an ISO time. */
  at: string;
  policy: AccessPolicy;
  /** "email": the tiers' lists, and the organisation's mail domain briefs stay inside. */
  emailLists?: ReadonlyMap<Target, string[]>;
  organisationDomain?: string;
  /** "link": the other escalation, when the actor may see it, with their roles on it. */
  other?: { escalation: Escalation; roles: ReadonlySet<Role> };
}

/** The change a person's move makes, or why it is not made. Pure: `at` is now. */
export function decide(request: MoveRequest): Decision {
  const { escalation, action, roles } = request;
  const move = moveOf(escalation, action);
  // Not theirs to make is said as such, before the version or the state is looked at.
  if (typeof move === 'string' && !mayMake(move, roles)) return { outcome: 'forbidden', reason: refusalForRoles(move) };
  if (request.seenVersion !== escalation.version) return { outcome: 'stale' };
  if (typeof move !== 'string') return { outcome: 'invalid', reason: move.refused };
  const made = changeOf(request, move);
  return typeof made === 'string' ? { outcome: 'invalid', reason: made } : made;
}

type Made = Extract<Decision, { outcome: 'applied' | 'forbidden' }> | string;

function changeOf(request: MoveRequest, move: Move): Made {
  const { escalation, action, actor, at } = request;
  const next: Escalation = { ...escalation, version: escalation.version + 1, updatedAt: at };
  const who = actor.name;
  switch (action.kind) {
    case 'setStatus':
      return statusChange(next, action, move, who);
    case 'assign': {
      const { assignee } = action;
      if (escalation.owner?.id !== undefined && escalation.owner.id === assignee.id) {
        return `${assignee.name} already owns it.`;
      }
      next.owner = assignee;
      // Taking ownership of a new escalation acknowledges it.
      if (escalation.status === 'new') next.status = 'acknowledged';
      const text = assignee.id === actor.id ? `${who} took ownership` : `${who} assigned it to ${assignee.name}`;
      return applied(next, timelineKinds.assigned, text);
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
      return applied(next, timelineKinds.customerUpdate, `${who} updated the customer: ${action.summary}`);
    }
    case 'addNote':
      return applied(next, timelineKinds.note, `${who}: ${action.note}`);
    case 'retarget': {
      const from = targetLabels[escalation.brief.target];
      next.brief = { ...escalation.brief, target: action.target };
      const text = `${who} moved it from ${from} to ${targetLabels[action.target]}: ${action.reason}`;
      // Posted in its new tier's channel too.
      return applied(next, timelineKinds.retargeted, text, [{ kind: 'post' }]);
    }
    case 'link':
      return linkChange(request, next, action.otherId);
    case 'email': {
      const lists = request.emailLists ?? new Map();
      const refusal = emailRefusal(escalation.brief.target, action.addresses, lists, request.organisationDomain);
      if (refusal) return refusal;
      const text = `${who} emailed the brief to ${action.addresses.join(', ')}`;
      // Sent with the change that records it: once, however often the click is delivered.
      const key = `email:${escalation.id}:shared:v${next.version}`;
      return applied(next, timelineKinds.emailed, text, [
        { kind: 'email', to: action.addresses, reason: 'shared', key },
      ]);
    }
  }
}

function statusChange(
  next: Escalation,
  action: Extract<CardAction, { kind: 'setStatus' }>,
  move: Move,
  who: string,
): Made {
  if (move === 'resolve' && !action.resolution) return 'Say how it was resolved: a resolution is required.';
  if (move === 'reopen' && !action.reason) return 'Say why it is reopened: a reason is required.';
  next.status = action.status;
  if (move === 'resolve') return applied(next, timelineKinds.resolved, `${who} resolved it: ${action.resolution}`);
  if (move === 'reopen') {
    const text = `${who} reopened it (${statusLabels[action.status]}): ${action.reason}`;
    return applied(next, timelineKinds.reopened, text);
  }
  if (action.status === 'acknowledged') return applied(next, timelineKinds.acknowledged, `${who} acknowledged it`);
  return applied(next, timelineKinds.statusChanged, `${who} set the status to ${statusLabels[action.status]}`);
}

/** Linked as the same issue: only to one the actor may see and holds a role on too. */
function linkChange(request: MoveRequest, next: Escalation, otherId: string): Made {
  const { other, policy, escalation } = request;
  // One they may not see is, to them, one that does not exist.
  if (!other) return `No escalation ${otherId} that you can see: link with an id like ESC-12.`;
  if (!mayMake('link', other.roles)) {
    return { outcome: 'forbidden', reason: `${refusalForRoles('link').replace(/\.$/, '')} ${otherId} too.` };
  }
  // This timeline is read by all who see this one: an escalation some of them may not see goes unnamed.
  const otherTarget = other.escalation.brief.target;
  const named = seenByReadersOf(escalation.brief.target, otherTarget, policy)
    ? otherId
    : `a ${targetLabels[otherTarget]} escalation`;
  const text = `${request.actor.name} linked it to ${named} as the same issue`;
  return applied(next, timelineKinds.linked, text, [{ kind: 'link', otherId }]);
}

function applied(next: Escalation, kind: string, text: string, effects: Effect[] = []): Made {
  return { outcome: 'applied', change: { next, entry: { kind, text }, effects } };
}

/** A public reply on the ticket it came from, logged as a customer update (the customer-update clock stops as for one logged on the card). */
export function customerUpdateFromTicket(
  escalation: Escalation,
  reply: { at: string; author: string; text: string },
  desk: string,
  at: string,
): Change {
  const summary = `${reply.author} in ${desk}: ${firstLines(reply.text)}`;
  const next: Escalation = {
    ...escalation,
    version: escalation.version + 1,
    updatedAt: at,
    brief: {
      ...escalation.brief,
      customerCommunication: {
        ...escalation.brief.customerCommunication,
        lastUpdateDate: reply.at.slice(0, 10),
        lastUpdateSummary: summary,
      },
    },
  };
  return { next, entry: { kind: timelineKinds.customerUpdate, text: `Customer updated by ${summary}` }, effects: [] };
}

/** Raised to Leadership by the desk (a breached SLA): posted in its channel, emailed to its list. */
export function raiseToLeadership(
  escalation: Escalation,
  why: string,
  at: string,
  lists: ReadonlyMap<Target, string[]>,
  policy: AccessPolicy,
): Change {
  const to = raisedEmailTo(escalation.brief.target, lists, policy);
  const effects: Effect[] = [{ kind: 'post', target: leadershipTier }];
  if (to.length > 0) effects.push({ kind: 'email', to, reason: 'raised', key: `email:${escalation.id}:raised` });
  return {
    next: { ...escalation, version: escalation.version + 1, updatedAt: at },
    entry: { kind: timelineKinds.raised, text: `Raised to ${targetLabels[leadershipTier]}. ${why}` },
    effects,
  };
}

/** Flagged by the desk as one of a pattern (3+ customers), moved to the tier that fixes it if it goes there. */
export function flagAsPattern(
  escalation: Escalation,
  group: readonly Escalation[],
  at: string,
  policy: AccessPolicy,
): Change {
  const raisedTo = raisedTarget(escalation, group);
  return {
    next: {
      ...escalation,
      brief: raisedTo ? { ...escalation.brief, target: raisedTo } : escalation.brief,
      version: escalation.version + 1,
      updatedAt: at,
    },
    entry: { kind: timelineKinds.pattern, text: patternEntryText(group, escalation, policy, raisedTo) },
    effects: raisedTo ? [{ kind: 'post' }] : [],
  };
}
