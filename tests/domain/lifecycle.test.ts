import assert from 'node:assert/strict';
import type { Role } from '../../src/domain/access';
import { parseBrief } from '../../src/domain/brief';
import { type Decision, decide as decideMove } from '../../src/domain/decide';
import type { Escalation, Person } from '../../src/domain/escalation';
import { availableMoves, type CardAction, statusMove } from '../../src/domain/lifecycle';
import { type Status, statuses } from '../../src/domain/vocabulary';
import { minimalForm } from '../support/briefs';

const dana: Person = { id: 'aad-dana', name: 'Dana Agent' };
const eli: Person = { id: 'aad-eli', name: 'Eli Engineer' };
const lee: Person = { id: 'aad-lee', name: 'Lee Lurker' };
const at = '2026-11-28T10:00:00.000Z';

function escalation(status: Status = 'new', owner?: Person): Escalation {
  const parsed = parseBrief({ ...minimalForm, target: 'engineering' });
  assert.ok(parsed.ok);
  return { id: 'ESC-7', brief: parsed.value, status, owner, requester: dana, version: 4, createdAt: at, updatedAt: at };
}

/** A move decided on the version the person saw, as the domain decides it; ok with its change, or why not. */
function decide(escalation: Escalation, action: CardAction, actor: Person, roles: ReadonlySet<Role>, at: string) {
  const decision: Decision = decideMove({
    escalation,
    seenVersion: escalation.version,
    action,
    actor,
    roles,
    at,
    policy: { leadershipSeesSecurity: false },
  });
  return decision.outcome === 'applied'
    ? { ok: true as const, ...decision.change }
    : { ok: false as const, reason: 'reason' in decision ? decision.reason : 'stale' };
}

describe('lifecycle', () => {
  // Every pair of statuses: the move it is, or refused.
  const moves: Record<Status, Partial<Record<Status, string>>> = {
    new: {
      acknowledged: 'progress',
      investigating: 'progress',
      waiting_on_customer: 'progress',
      fix_in_progress: 'progress',
      resolved: 'resolve',
    },
    acknowledged: {
      investigating: 'progress',
      waiting_on_customer: 'progress',
      fix_in_progress: 'progress',
      resolved: 'resolve',
    },
    investigating: {
      acknowledged: 'progress',
      waiting_on_customer: 'progress',
      fix_in_progress: 'progress',
      resolved: 'resolve',
    },
    waiting_on_customer: {
      acknowledged: 'progress',
      investigating: 'progress',
      fix_in_progress: 'progress',
      resolved: 'resolve',
    },
    fix_in_progress: {
      acknowledged: 'progress',
      investigating: 'progress',
      waiting_on_customer: 'progress',
      resolved: 'resolve',
    },
    resolved: {
      closed: 'close',
      acknowledged: 'reopen',
      investigating: 'reopen',
      waiting_on_customer: 'reopen',
      fix_in_progress: 'reopen',
    },
    closed: {
      acknowledged: 'reopen',
      investigating: 'reopen',
      waiting_on_customer: 'reopen',
      fix_in_progress: 'reopen',
    },
  };
  for (const from of statuses) {
    for (const to of statuses) {
      const expected = moves[from][to] ?? 'refused';
      it(`${from} -> ${to}: ${expected}`, () => {
        const move = statusMove(from, to);
        assert.equal(typeof move === 'string' ? move : 'refused', expected);
      });
    }
  }

  // Who may do what, as [action, status before, roles, allowed or the refusal].
  const who: [string, CardAction, Status, Role[], true | RegExp][] = [
    ['the tier channel acknowledges', { kind: 'setStatus', status: 'acknowledged' }, 'new', ['tierMember'], true],
    [
      'the requester may not change the status',
      { kind: 'setStatus', status: 'investigating' },
      'new',
      ['requester'],
      /^Only its owner or a member of the tier's channel may change its status\.$/,
    ],
    [
      'the owner resolves',
      { kind: 'setStatus', status: 'resolved', resolution: 'Rolled back 2.14' },
      'investigating',
      ['owner'],
      true,
    ],
    [
      'someone outside may not resolve',
      { kind: 'setStatus', status: 'resolved', resolution: 'x' },
      'investigating',
      [],
      /^Only its owner or a member of the tier's channel may resolve it\.$/,
    ],
    [
      'resolving needs a resolution',
      { kind: 'setStatus', status: 'resolved' },
      'investigating',
      ['owner'],
      /a resolution is required/,
    ],
    [
      'reopening needs a reason',
      { kind: 'setStatus', status: 'investigating' },
      'resolved',
      ['requester'],
      /a reason is required/,
    ],
    [
      'the requester reopens with a reason',
      { kind: 'setStatus', status: 'investigating', reason: 'Customer sees it again' },
      'closed',
      ['requester'],
      true,
    ],
    ['the requester closes a resolved one', { kind: 'setStatus', status: 'closed' }, 'resolved', ['requester'], true],
    [
      'an open one cannot be closed',
      { kind: 'setStatus', status: 'closed' },
      'investigating',
      ['owner'],
      /Resolve it first/,
    ],
    [
      'the requester logs a customer update',
      { kind: 'logCustomerUpdate', summary: 'Told them ETA Friday' },
      'investigating',
      ['requester'],
      true,
    ],
    [
      'someone outside may not log a customer update',
      { kind: 'logCustomerUpdate', summary: 'x' },
      'investigating',
      [],
      /^Only its owner, a member of the tier's channel or the person who escalated it may log a customer update\.$/,
    ],
    [
      'the requester adds a note',
      { kind: 'addNote', note: 'Seen at Globex too' },
      'investigating',
      ['requester'],
      true,
    ],
    [
      'someone with no role on it may not add a note',
      { kind: 'addNote', note: 'x' },
      'investigating',
      [],
      /^Only its owner, a member of the tier's channel or the person who escalated it may add a note\.$/,
    ],
    [
      'the requester may not retarget',
      { kind: 'retarget', target: 'product', reason: 'feature gap' },
      'investigating',
      ['requester'],
      /may move it to another tier/,
    ],
    [
      'retargeting to the same tier',
      { kind: 'retarget', target: 'engineering', reason: 'x' },
      'investigating',
      ['owner'],
      /already with Engineering/,
    ],
    [
      'a resolved one is reopened before it moves',
      { kind: 'retarget', target: 'product', reason: 'x' },
      'resolved',
      ['owner'],
      /Reopen it before/,
    ],
    ['linking to itself', { kind: 'link', otherId: 'ESC-7' }, 'new', ['tierMember'], /cannot be linked to itself/],
  ];
  for (const [name, action, status, roles, expected] of who) {
    it(name, () => {
      const decision = decide(escalation(status, eli), action, eli, new Set(roles), at);
      if (expected === true) assert.ok(decision.ok, decision.ok ? '' : decision.reason);
      else {
        assert.equal(decision.ok, false);
        assert.match(decision.ok ? '' : decision.reason, expected);
      }
    });
  }

  it('a change is the next version with one timeline entry in words', () => {
    const decision = decide(
      escalation('new'),
      { kind: 'assign', assignee: eli },
      eli,
      new Set<Role>(['tierMember']),
      at,
    );
    assert.ok(decision.ok);
    assert.equal(decision.next.version, 5);
    assert.equal(decision.next.status, 'acknowledged', 'taking ownership of a new escalation acknowledges it');
    assert.deepEqual(decision.next.owner, eli);
    assert.deepEqual(decision.entry, { kind: 'assigned', text: 'Eli Engineer took ownership' });
  });

  it('a customer update rewrites the customer communication with today as its date', () => {
    const decision = decide(
      escalation('investigating'),
      { kind: 'logCustomerUpdate', summary: 'Workaround sent', escalationRisk: 'Low now' },
      dana,
      new Set<Role>(['requester']),
      at,
    );
    assert.ok(decision.ok);
    assert.deepEqual(decision.next.brief.customerCommunication, {
      lastUpdateDate: '2026-11-28',
      lastUpdateSummary: 'Workaround sent',
      customerExpectation: undefined,
      escalationRisk: 'Low now',
    });
  });

  it('shows each person the buttons that are theirs', () => {
    const open = escalation('investigating', eli);
    assert.deepEqual([...availableMoves(open, new Set<Role>(['owner']))].sort(), [
      'assign',
      'customerUpdate',
      'email',
      'link',
      'note',
      'progress',
      'resolve',
      'retarget',
    ]);
    assert.deepEqual([...availableMoves(open, new Set<Role>(['requester']))].sort(), [
      'customerUpdate',
      'email',
      'link',
      'note',
    ]);
    assert.deepEqual([...availableMoves(open, new Set<Role>())], []);
    assert.deepEqual([...availableMoves(escalation('resolved', eli), new Set<Role>(['requester']))].sort(), [
      'close',
      'customerUpdate',
      'email',
      'link',
      'note',
      'reopen',
    ]);
    assert.ok(!availableMoves(escalation('resolved'), new Set<Role>([])).has('reopen'), lee.name);
  });
});
