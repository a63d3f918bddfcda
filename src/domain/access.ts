// Who may see and act on an escalation: the one policy every surface asks (chat commands,
// cards, channel posts, reminders, the REST API, and later email and the tab). Pure: who
// someone is arrives as roles, worked out at the edges from Teams' rosters.
import type { Escalation } from './escalation';
import { type Move, mayMake } from './lifecycle';
import { isRestricted, leadershipTier, restrictedTiers, type Target } from './tiers';

/**
 * How someone relates to an escalation. `tierMember`: a member of the channel bound to its
 * tier (for a standard channel its team's members, for a private or shared channel the
 * channel's). `leadershipMember`: a member of the Leadership channel. `admin`: named in
 * ADMINS, or an owner of the team in which the bot was first bound.
 */
export type Role = 'requester' | 'owner' | 'tierMember' | 'leadershipMember' | 'admin';

export const roles: readonly Role[] = ['requester', 'owner', 'tierMember', 'leadershipMember', 'admin'];

/** What the deployment decides: may the Leadership channel see Security escalations too? */
export interface AccessPolicy {
  leadershipSeesSecurity: boolean;
}

/** Who may see an escalation of a tier: everyone in an allowed tenant, or only these roles. */
export function whoMaySee(target: Target, policy: AccessPolicy): 'tenant' | readonly Role[] {
  if (!isRestricted(target)) return 'tenant';
  const seeing: Role[] = ['requester', 'owner', 'tierMember', 'admin'];
  return policy.leadershipSeesSecurity ? [...seeing, 'leadershipMember'] : seeing;
}

export type Action = 'see' | Move;

/**
 * May someone with these roles do this to an escalation of this tier? Seeing is by tier;
 * acting follows the lifecycle table (domain/lifecycle.ts `whoMay`), and needs seeing first.
 */
export function may(action: Action, target: Target, held: ReadonlySet<Role>, policy: AccessPolicy): boolean {
  const seeing = whoMaySee(target, policy);
  const sees = seeing === 'tenant' || seeing.some((role) => held.has(role));
  if (action === 'see') return sees;
  return sees && mayMake(action, held);
}

/**
 * Who is looking, whatever escalation they look at: a person, or everyone who can read a
 * place (a channel's members; a group chat: nobody in particular). `id` is the Entra object
 * id; none means Teams did not say who it is, or the audience is a place, not a person.
 */
export interface Viewer {
  id?: string;
  admin: boolean;
  /** Tiers whose bound channel the viewer is a member of, among those looked up. */
  memberOf: ReadonlySet<Target>;
}

/** Nobody in particular: sees what the whole tenant may see, and nothing more. */
export const anyone: Viewer = { admin: false, memberOf: new Set() };

/** The facts about an escalation that access depends on. */
export interface AccessFacts {
  target: Target;
  requesterId?: string;
  ownerId?: string;
}

export function accessFacts(escalation: Escalation): AccessFacts {
  return {
    target: escalation.brief.target,
    requesterId: escalation.requester.id,
    ownerId: escalation.owner?.id,
  };
}

/** The roles a viewer holds on an escalation. */
export function rolesOf(viewer: Viewer, facts: AccessFacts): Set<Role> {
  const held = new Set<Role>();
  if (viewer.id !== undefined && viewer.id === facts.requesterId) held.add('requester');
  if (viewer.id !== undefined && viewer.id === facts.ownerId) held.add('owner');
  if (viewer.memberOf.has(facts.target)) held.add('tierMember');
  if (viewer.memberOf.has(leadershipTier)) held.add('leadershipMember');
  if (viewer.admin) held.add('admin');
  return held;
}

export function maySee(viewer: Viewer, facts: AccessFacts, policy: AccessPolicy): boolean {
  return may('see', facts.target, rolesOf(viewer, facts), policy);
}

/** Everyone who reads a tier's channel (a card posted there): its members, nobody in particular. */
export function channelViewer(tier: Target | undefined): Viewer {
  return tier ? { admin: false, memberOf: new Set([tier]) } : anyone;
}

/** The tiers whose channel membership decides what a viewer may see of escalations they are not part of. */
export function tiersDecidingSight(policy: AccessPolicy): Target[] {
  return policy.leadershipSeesSecurity ? [...restrictedTiers, leadershipTier] : [...restrictedTiers];
}

/**
 * What of all escalations someone may see, as a list (the REST API, the board, search, look-alikes)
 * is filtered: every one but those of the `hidden` tiers they neither raised nor own. The store
 * turns it into its query's condition; nothing else restates it.
 */
export interface Sight {
  hidden: readonly Target[];
  /** The viewer's id: what they raised or own they see whatever its tier. */
  unlessInvolving?: string;
}

/** An integration's (the API key's): everything. */
export const seesEverything: Sight = { hidden: [] };

/** The viewer's sight. `viewer.memberOf` must cover tiersDecidingSight(policy). */
export function sightOf(viewer: Viewer, policy: AccessPolicy): Sight {
  const hidden = restrictedTiers.filter((target) => !may('see', target, rolesOf(viewer, { target }), policy));
  return { hidden, ...(viewer.id ? { unlessInvolving: viewer.id } : {}) };
}

/**
 * Does everyone who may see an escalation of tier `reader` also see one of tier `other`, whoever
 * raised or owns them? What one escalation says of another (a link, a pattern) names it only then.
 */
export function seenByReadersOf(reader: Target, other: Target, policy: AccessPolicy): boolean {
  if (whoMaySee(other, policy) === 'tenant') return true;
  // Of two restricted tiers, only a tier's own readers are sure to see it.
  return whoMaySee(reader, policy) !== 'tenant' && reader === other;
}

/** Who is choosing whom a tier's escalations are emailed to. */
export interface EmailListRequest {
  target: Target;
  admin: boolean;
  /** An owner of the team the tier's channel is bound in. */
  ownerOfTiersTeam: boolean;
}

/**
 * May they choose whom a tier's escalations are emailed to, from Teams or over REST? Admins; for
 * an open tier also the owners of the team its channel is bound in, where it is worked. A
 * restricted tier's list only admins: whoever is on it reads every one of its briefs.
 */
export function mayChooseEmailList(request: EmailListRequest): boolean {
  if (request.admin) return true;
  return !isRestricted(request.target) && request.ownerOfTiersTeam;
}

/** Who is binding a tier's channel, and where the tier stands. */
export interface BindingRequest {
  target: Target;
  admin: boolean;
  /** An owner of the team the command is said in. */
  ownerOfThisTeam: boolean;
  /** Where the tier's channel is now: unbound, in this team, or in another team. */
  boundNow: 'nowhere' | 'thisTeam' | 'otherTeam';
}

/**
 * May they bind (or move, or unbind) a tier's channel here? Admins anywhere. A team's owners
 * run their own team: an open tier that is unbound or already in their team. A restricted
 * tier (Security) only admins: whoever binds it gets to read every one of its escalations.
 */
export function mayBindChannel(request: BindingRequest): boolean {
  if (request.admin) return true;
  if (isRestricted(request.target)) return false;
  return request.ownerOfThisTeam && request.boundNow !== 'otherTeam';
}
