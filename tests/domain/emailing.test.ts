import assert from 'node:assert/strict';
import { parseBrief } from '../../src/domain/brief';
import { emailRefusal, escalatedEmailTo, parseAddresses, raisedEmailTo } from '../../src/domain/emailing';
import type { Severity, Target } from '../../src/domain/vocabulary';
import { minimalForm } from '../support/briefs';

const lists = new Map<Target, string[]>([
  ['engineering', ['eng@contoso.com']],
  ['security', ['ciso@contoso.com']],
  ['leadership', ['vp@contoso.com']],
  ['support', ['l2@contoso.com']],
]);
const briefOf = (target: Target, severity: Severity) => {
  const parsed = parseBrief({ ...minimalForm, target, severity });
  assert.ok(parsed.ok);
  return parsed.value;
};

describe('who gets an escalation by email', () => {
  // [tier, severity, emailed to]
  const escalated: [Target, Severity, string[]][] = [
    ['engineering', 'critical', ['eng@contoso.com']],
    ['engineering', 'high', []],
    ['support', 'medium', []],
    ['security', 'medium', ['ciso@contoso.com']],
    ['leadership', 'high', ['vp@contoso.com']],
    ['product', 'critical', []],
  ];
  for (const [target, severity, to] of escalated) {
    it(`a new ${severity} ${target} escalation: ${to.join(', ') || 'nobody'}`, () => {
      assert.deepEqual(escalatedEmailTo(briefOf(target, severity), lists), to);
    });
  }

  it('a raise goes to Leadership, unless it is an escalation Leadership may not read', () => {
    assert.deepEqual(raisedEmailTo('engineering', lists, { leadershipSeesSecurity: false }), ['vp@contoso.com']);
    assert.deepEqual(raisedEmailTo('security', lists, { leadershipSeesSecurity: false }), []);
    assert.deepEqual(raisedEmailTo('security', lists, { leadershipSeesSecurity: true }), ['vp@contoso.com']);
  });

  it('shares a Security brief only with its list, any other inside the organisation', () => {
    assert.equal(emailRefusal('security', ['ciso@contoso.com'], lists, 'contoso.com'), undefined);
    assert.match(emailRefusal('security', ['vp@contoso.com'], lists, 'contoso.com') ?? '', /only to the Security list/);
    assert.equal(emailRefusal('engineering', ['am@contoso.com', 'x@eu.contoso.com'], lists, 'contoso.com'), undefined);
    assert.match(
      emailRefusal('engineering', ['x@fabrikam.com'], lists, 'contoso.com') ?? '',
      /only inside contoso\.com/,
    );
    assert.match(emailRefusal('engineering', ['x@notcontoso.com'], lists, 'contoso.com') ?? '', /outside it/);
    // No mail domain known (emails written as files): no one outside to reach.
    assert.equal(emailRefusal('engineering', ['x@fabrikam.com'], lists, undefined), undefined);
  });

  it('reads addresses separated by commas, semicolons or spaces, and says what is not one', () => {
    assert.deepEqual(parseAddresses('A@Contoso.com, b@contoso.com; c@contoso.com a@contoso.com'), {
      addresses: ['a@contoso.com', 'b@contoso.com', 'c@contoso.com'],
    });
    assert.deepEqual(parseAddresses('not an address'), {
      problem: '"not" is not an email address: give addresses like name@contoso.com',
    });
    assert.ok('problem' in parseAddresses(''));
    assert.ok('problem' in parseAddresses({ toString: null }));
    assert.ok('problem' in parseAddresses('<x@y.com>'));
    assert.ok('problem' in parseAddresses(Array.from({ length: 51 }, (_, i) => `p${i}@contoso.com`).join(',')));
  });
});
