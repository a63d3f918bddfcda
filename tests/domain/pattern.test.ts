import assert from 'node:assert/strict';
import { parseBrief } from '../../src/domain/brief';
import type { Escalation } from '../../src/domain/escalation';
import { distinctCustomers, isPattern, patternTarget, raisedTarget } from '../../src/domain/pattern';
import { minimalForm } from '../support/briefs';

function escalation(id: number, fields: Record<string, unknown>): Escalation {
  const parsed = parseBrief({ ...minimalForm, ...fields });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  const at = '2026-11-28T08:00:00.000Z';
  return {
    id: `ESC-${id}`,
    brief: parsed.value,
    status: 'new',
    requester: { name: 'x' },
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

describe('the pattern', () => {
  const table: [string, Record<string, unknown>[], number, boolean][] = [
    ['one escalation for three customers is not a group', [{ customersAffected: 3 }], 3, false],
    [
      'three customers named across three escalations',
      [{ customerNames: 'Acme' }, { customerNames: 'Globex' }, { customerNames: 'Initech' }],
      3,
      true,
    ],
    [
      'the same customer twice counts once',
      [{ customerNames: 'Acme' }, { customerNames: 'acme ' }, { customerNames: 'Globex' }],
      2,
      false,
    ],
    ['unnamed customers count by number', [{ customersAffected: 2 }, { customersAffected: 1 }], 3, true],
    [
      'named and unnamed together',
      [{ customersAffected: 2, customerNames: 'Acme' }, { customerNames: 'Acme' }],
      2,
      false,
    ],
  ];
  for (const [name, fields, customers, pattern] of table) {
    it(`${name}: ${customers} customers, ${pattern ? '' : 'not '}a pattern`, () => {
      const group = fields.map((f, i) => escalation(i + 1, f));
      assert.equal(distinctCustomers(group), customers);
      assert.equal(isPattern(group), pattern);
    });
  }

  it('is raised to Engineering, or to Product for a feature gap; Security and Leadership keep theirs', () => {
    const group = [
      escalation(1, { target: 'support' }),
      escalation(2, { target: 'security' }),
      escalation(3, { target: 'engineering' }),
      escalation(4, { target: 'product' }),
    ];
    assert.equal(patternTarget(group), 'engineering');
    assert.deepEqual(
      group.map((e) => raisedTarget(e, group)),
      ['engineering', undefined, undefined, 'engineering'],
    );
    const gap = [
      escalation(1, { target: 'support', signals: 'feature_gap' }),
      escalation(2, { target: 'engineering' }),
    ];
    assert.equal(patternTarget(gap), 'product');
    assert.deepEqual(
      gap.map((e) => raisedTarget(e, gap)),
      ['product', 'product'],
    );
  });
});
