import assert from 'node:assert/strict';
import { briefLink, checkBriefLink } from '../../src/app/briefLinks';
import {
  type AccessPolicy,
  type Action,
  anyone,
  type BindingRequest,
  may,
  mayBindChannel,
  maySee,
  type Role,
  rolesOf,
  sightOf,
  type Viewer,
} from '../../src/domain/access';
import { type Target, targets } from '../../src/domain/vocabulary';

const closed: AccessPolicy = { leadershipSeesSecurity: false };
const open: AccessPolicy = { leadershipSeesSecurity: true };

// Every role (and none) x every tier x every action: seeing by tier, acting by the lifecycle
// table (domain/lifecycle.ts whoMay), and no acting on what one may not see.
const who: (Role | 'nobody')[] = ['nobody', 'requester', 'owner', 'tierMember', 'leadershipMember', 'admin'];
const actions: Action[] = [
  'see',
  'progress',
  'resolve',
  'close',
  'reopen',
  'assign',
  'customerUpdate',
  'note',
  'retarget',
  'link',
  'email',
];

/** What each role may do on an escalation it may see; "nobody" and a Leadership follower do nothing. */
const acts: Record<Role | 'nobody', Action[]> = {
  nobody: [],
  leadershipMember: [],
  requester: ['close', 'reopen', 'customerUpdate', 'note', 'link', 'email'],
  owner: ['progress', 'resolve', 'close', 'reopen', 'assign', 'customerUpdate', 'note', 'retarget', 'link', 'email'],
  tierMember: [
    'progress',
    'resolve',
    'close',
    'reopen',
    'assign',
    'customerUpdate',
    'note',
    'retarget',
    'link',
    'email',
  ],
  admin: ['progress', 'resolve', 'close', 'reopen', 'assign', 'customerUpdate', 'note', 'retarget', 'link', 'email'],
};

/** Who sees a Security escalation; every other tier is seen by anyone in the tenant. */
const seesSecurity = (role: Role | 'nobody', policy: AccessPolicy) =>
  ['requester', 'owner', 'tierMember', 'admin'].includes(role) ||
  (role === 'leadershipMember' && policy.leadershipSeesSecurity);

const tiersSeenOnlyWhenInvolved = (viewer: Viewer, policy: AccessPolicy) => [...sightOf(viewer, policy).hidden];

describe('access', () => {
  for (const policy of [closed, open]) {
    const label = policy.leadershipSeesSecurity ? 'Leadership sees Security' : 'default';
    for (const role of who) {
      for (const tier of targets) {
        const sees = tier !== 'security' || seesSecurity(role, policy);
        const expected = actions.filter((a) => (a === 'see' ? sees : sees && acts[role].includes(a)));
        it(`${label}: ${role} on ${tier}: ${expected.join(', ') || 'nothing'}`, () => {
          const held = new Set<Role>(role === 'nobody' ? [] : [role]);
          assert.deepEqual(
            actions.filter((a) => may(a, tier, held, policy)),
            expected,
          );
        });
      }
    }
  }

  it('works out roles from who someone is: raised it, owns it, in its channel, admin', () => {
    const dana: Viewer = { id: 'dana', admin: false, memberOf: new Set<Target>(['support']) };
    const facts = { target: 'security' as Target, requesterId: 'dana', ownerId: 'sol' };
    assert.deepEqual([...rolesOf(dana, facts)], ['requester']);
    assert.deepEqual([...rolesOf({ ...dana, id: 'sol' }, facts)], ['owner']);
    assert.deepEqual(
      [...rolesOf({ id: 'x', admin: true, memberOf: new Set(['security', 'leadership']) }, facts)],
      ['tierMember', 'leadershipMember', 'admin'],
    );
    assert.deepEqual([...rolesOf(anyone, facts)], []);
    // Someone Teams did not identify is never taken for the requester of an escalation without one.
    assert.deepEqual([...rolesOf(anyone, { target: 'security' })], []);
    assert.equal(maySee(anyone, facts, closed), false);
    assert.equal(maySee(anyone, { target: 'engineering' }, closed), true);
  });

  it('says which tiers a list leaves out unless the viewer raised or owns them', () => {
    assert.deepEqual(tiersSeenOnlyWhenInvolved(anyone, closed), ['security']);
    assert.deepEqual(tiersSeenOnlyWhenInvolved({ admin: true, memberOf: new Set() }, closed), []);
    assert.deepEqual(tiersSeenOnlyWhenInvolved({ admin: false, memberOf: new Set(['security']) }, closed), []);
    const leader: Viewer = { admin: false, memberOf: new Set(['leadership']) };
    assert.deepEqual(tiersSeenOnlyWhenInvolved(leader, closed), ['security']);
    assert.deepEqual(tiersSeenOnlyWhenInvolved(leader, open), []);
  });

  // Who may bind a tier's channel where: [tier, admin, owner of this team, where it is now, allowed].
  const binding: [Target, boolean, boolean, BindingRequest['boundNow'], boolean][] = [
    ['security', true, false, 'otherTeam', true],
    ['security', false, true, 'nowhere', false],
    ['security', false, true, 'thisTeam', false],
    ['engineering', false, true, 'nowhere', true],
    ['engineering', false, true, 'thisTeam', true],
    ['engineering', false, true, 'otherTeam', false],
    ['engineering', false, false, 'nowhere', false],
    ['engineering', true, false, 'otherTeam', true],
    ['leadership', false, true, 'nowhere', true],
  ];
  for (const [target, admin, ownerOfThisTeam, boundNow, allowed] of binding) {
    it(`binding ${target} ${boundNow === 'nowhere' ? 'unbound' : `bound in ${boundNow}`} by ${admin ? 'an admin' : ownerOfThisTeam ? "this team's owner" : 'a member'}: ${allowed ? 'allowed' : 'refused'}`, () => {
      assert.equal(mayBindChannel({ target, admin, ownerOfThisTeam, boundNow }), allowed);
    });
  }
});

describe('signed brief links', () => {
  const secret = 'a-link-secret-of-32-characters-or-more';
  const now = new Date('2026-12-04T10:00:00Z');
  const dana: Viewer = { id: 'aad00000-0000-4000-8000-000000000001', admin: false, memberOf: new Set() };
  const queryOf = (url: string) => Object.fromEntries(new URL(url).searchParams);

  it('opens for the escalation and the viewer it was made for, until it expires', () => {
    const link = briefLink('https://desk.example', secret, 'ESC-4', dana, now);
    assert.match(link, /^https:\/\/desk\.example\/api\/escalations\/ESC-4\/brief\.txt\?for=p%3A.+&exp=\d+&sig=/);
    assert.deepEqual(checkBriefLink(secret, 'ESC-4', queryOf(link), now), {
      ok: true,
      audience: { kind: 'person', id: dana.id },
    });
    const channel = briefLink(
      'https://desk.example',
      secret,
      'ESC-4',
      { ...anyone, memberOf: new Set(['security']) },
      now,
    );
    assert.deepEqual(checkBriefLink(secret, 'ESC-4', queryOf(channel), now), {
      ok: true,
      audience: { kind: 'channel', tier: 'security' },
    });
    const sixDays = new Date(now.getTime() + 6 * 86_400_000);
    assert.equal(checkBriefLink(secret, 'ESC-4', queryOf(link), sixDays).ok, true);
    const eightDays = new Date(now.getTime() + 8 * 86_400_000);
    assert.match(JSON.stringify(checkBriefLink(secret, 'ESC-4', queryOf(link), eightDays)), /expired/);
  });

  it('refuses another escalation, another viewer, another expiry, another secret, or nothing', () => {
    const query = queryOf(briefLink('https://desk.example', secret, 'ESC-4', dana, now));
    const refusals: Record<string, unknown>[] = [
      { ...query, for: 'a' },
      { ...query, for: 'c:security' },
      { ...query, exp: String(Number(query.exp) + 3600) },
      { ...query, sig: `${query.sig?.slice(0, -2)}AA` },
      { ...query, sig: '' },
      { ...query, exp: '1e12' },
      { for: query.for },
      {},
      { ...query, for: { toString: null } },
    ];
    for (const refused of refusals) assert.equal(checkBriefLink(secret, 'ESC-4', refused, now).ok, false);
    assert.equal(checkBriefLink(secret, 'ESC-5', query, now).ok, false);
    assert.equal(checkBriefLink(`${secret}!`, 'ESC-4', query, now).ok, false);
  });
});
