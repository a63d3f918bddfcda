// A verb's data as clients send it: an input left empty arrives as "" from some, not at all from others.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionReaderNamed, readAssignee } from '../../src/domain/verbData';
import { verbNamed } from '../../src/domain/verbs';

const read = (verb: string, data: Record<string, unknown>) => {
  const reader = actionReaderNamed.get(verb);
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
    assert.deepEqual(readAssignee({}), {});
    assert.deepEqual(readAssignee({ assignee: '' }), {});
    assert.equal(readAssignee({ assignee: '', fromList: true }), 'Choose the person to assign it to from the list.');
    assert.deepEqual(readAssignee({ assignee: 'aad-lena', fromList: true }), { id: 'aad-lena' });
  });
});

describe('the verb table and the cards', () => {
  const cardsDir = join(__dirname, '..', '..', '..', 'cards');
  const walk = (node: unknown, visit: (element: Record<string, unknown>) => void): void => {
    if (Array.isArray(node)) for (const item of node) walk(item, visit);
    else if (node && typeof node === 'object') {
      visit(node as Record<string, unknown>);
      for (const value of Object.values(node)) walk(value, visit);
    }
  };
  const cards = readdirSync(cardsDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => {
      const verbsOnIt = new Set<string>();
      const inputs = new Set<string>();
      walk(JSON.parse(readFileSync(join(cardsDir, file), 'utf8')), (element) => {
        if (typeof element.verb === 'string') verbsOnIt.add(element.verb);
        if (typeof element.type === 'string' && element.type.startsWith('Input.') && typeof element.id === 'string') {
          inputs.add(element.id);
        }
      });
      return { file, verbs: verbsOnIt, inputs };
    });

  it('knows every verb a card template sends', () => {
    const unknown = cards.flatMap((card) =>
      [...card.verbs].filter((verb) => !verbNamed.has(verb)).map((v) => `${card.file}: ${v}`),
    );
    assert.deepEqual(unknown, []);
    assert.ok(cards.some((card) => card.verbs.size > 0));
  });

  it('finds every input a verb reads on each card that sends it', () => {
    const missing = cards.flatMap((card) =>
      [...card.verbs].flatMap((name) =>
        (verbNamed.get(name)?.inputs ?? [])
          .filter((input) => !card.inputs.has(input))
          .map((input) => `${card.file}: ${name} reads ${input}`),
      ),
    );
    assert.deepEqual(missing, []);
  });
});
