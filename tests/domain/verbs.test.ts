// A verb's data as clients send it: an input left empty arrives as "" from some, not at all from others.
import assert from 'node:assert/strict';
import { verbNamed, verbs } from '../../src/domain/verbs';

const read = (verb: string, data: Record<string, unknown>) => {
  const reader = verbNamed.get(verb)?.read;
  assert.ok(reader, verb);
  return reader(data);
};

describe('verbs: their data', () => {
  it('takes an optional input left empty ("" or blanks) as not given, as if it were left out', () => {
    for (const empty of ['', '   ', undefined]) {
      assert.deepEqual(
        read('escalation.logCustomerUpdate', {
          lastUpdateSummary: 'Told them 17:00',
          customerExpectation: empty,
          escalationRisk: empty,
        }),
        {
          kind: 'logCustomerUpdate',
          summary: 'Told them 17:00',
          customerExpectation: undefined,
          escalationRisk: undefined,
        },
      );
      assert.deepEqual(read('escalation.setStatus', { status: 'investigating', resolution: empty, reason: empty }), {
        kind: 'setStatus',
        status: 'investigating',
        resolution: undefined,
        reason: undefined,
      });
    }
  });

  it('still says what a required input lacks, and what is too long', () => {
    assert.equal(
      read('escalation.logCustomerUpdate', { lastUpdateSummary: '' }),
      'What we told the customer is required',
    );
    assert.equal(
      read('escalation.logCustomerUpdate', { lastUpdateSummary: 'x', customerExpectation: 'y'.repeat(501) }),
      'Customer expectation must be at most 500 characters',
    );
    assert.equal(read('escalation.retarget', { target: 'product', reason: '' }), 'Why is required');
  });

  it('reads "Assign" with nobody named as the person who clicked, but not from the "Assign to" list', () => {
    assert.deepEqual(verbs.assign.read({}), {});
    assert.deepEqual(verbs.assign.read({ assignee: '' }), {});
    assert.equal(
      verbs.assign.read({ assignee: '', fromList: true }),
      'Choose the person to assign it to from the list.',
    );
    assert.deepEqual(verbs.assign.read({ assignee: 'aad-lena', fromList: true }), { id: 'aad-lena' });
  });
});
