// Who someone is, as the access policy (domain/access.ts) needs it: their roles, worked out
// through the Directory (Teams' rosters, read by src/teams/directory.ts). Every surface asks
// here, then asks the policy.
import {
  type AccessFacts,
  type AccessPolicy,
  accessFacts,
  anyone,
  mayChooseEmailList,
  maySee,
  type Role,
  rolesOf,
  type Sight,
  sightOf,
  tiersDecidingSight,
  type Viewer,
} from '../domain/access';
import type { Escalation, Person } from '../domain/escalation';
import { type Target, targetLabels } from '../domain/vocabulary';
import type { ChannelBinding, ChannelStore } from './ports';

/**
 * Someone to look up: their Entra object id, and their Teams user id ("29:...") when an
 * activity gave it (Teams' roster takes either; some emulators only the latter).
 */
export interface Member {
  id: string;
  teamsId?: string;
}

/** Who belongs where, as Teams knows it. */
export interface Directory {
  /**
   * Is this person a member of the channel bound to the tier (a private or shared channel's
   * own members, else its team's)? False when no channel is bound. Throws RosterUnavailable
   * when Teams could not say.
   */
  isMember(target: Target, member: Member): Promise<boolean>;
  /**
   * Named in ADMINS, or an owner of the team in which the bot was first bound (`candidateHome`
   * stands for that team while no tier has ever been bound). Throws RosterUnavailable.
   */
  isAdmin(member: Member, candidateHome?: TeamPlace): Promise<boolean>;
  /** Is this person an owner of the team? Throws RosterUnavailable. */
  isTeamOwner(member: Member, team: TeamPlace): Promise<boolean>;
}

/** A team, as the bot reaches its roster. */
export interface TeamPlace {
  teamId: string;
  serviceUrl: string;
}

/** Teams did not answer a roster question: the access it would have granted is denied. */
export class RosterUnavailable extends Error {
  constructor(
    readonly where: string,
    cause: unknown,
  ) {
    super(`Teams could not say who is in ${where}: ${(cause as Error)?.message ?? cause}`);
  }
}

export interface AccessDeps {
  directory: Directory;
  access: AccessPolicy;
}

/** A person and what we could not find out about them (each an access denied, with a reason). */
export interface KnownViewer {
  viewer: Viewer;
  /** Where Teams could not say whether they belong: "the Security channel". */
  unsure: string[];
}

/**
 * The person as a viewer: admin or not, and a member of which tiers' channels among those
 * that decide sight and `also`. A tier's channel the activity comes from vouches for its
 * members without asking. Someone Teams did not identify is nobody: they see what the whole
 * tenant may see, and hold no role.
 */
export async function viewerOf(
  deps: AccessDeps,
  person: Person | undefined,
  options: { inChannelOf?: Target; also?: Target[] } = {},
): Promise<KnownViewer> {
  const id = person?.id;
  if (!id) return { viewer: anyone, unsure: [] };
  const member: Member = { id, teamsId: person?.teamsId };
  // Each question answered yes, no, or (Teams did not answer) undefined: denied, and said so.
  const asked = async (question: () => Promise<boolean>): Promise<boolean | undefined> => {
    try {
      return await question();
    } catch (error) {
      if (!(error instanceof RosterUnavailable)) throw error;
      return undefined;
    }
  };
  const tiers = [...new Set([...tiersDecidingSight(deps.access), ...(options.also ?? [])])];
  const [admin, ...members] = await Promise.all([
    asked(() => deps.directory.isAdmin(member)),
    ...tiers.map((tier) => (tier === options.inChannelOf ? true : asked(() => deps.directory.isMember(tier, member)))),
  ]);
  const memberOf = new Set(tiers.filter((_, n) => members[n] === true));
  const unsure = [
    ...tiers.filter((_, n) => members[n] === undefined).map((tier) => `the ${targetLabels[tier]} channel`),
    ...(admin === undefined ? ['the team whose owners are admins'] : []),
  ];
  return { viewer: { id, admin: admin === true, memberOf }, unsure };
}

/** The viewer of a person looking at (or acting on) one escalation. */
export function viewerOn(
  deps: AccessDeps,
  person: Person | undefined,
  escalation: Escalation,
  inChannelOf?: Target,
): Promise<KnownViewer> {
  return viewerOf(deps, person, { inChannelOf, also: [escalation.brief.target] });
}

export function rolesOn(viewer: Viewer, escalation: Escalation): Set<Role> {
  return rolesOf(viewer, accessFacts(escalation));
}

export function canSee(deps: AccessDeps, viewer: Viewer, escalation: Escalation | AccessFacts): boolean {
  const facts = 'brief' in escalation ? accessFacts(escalation) : escalation;
  return maySee(viewer, facts, deps.access);
}

/** Only what the viewer may see, of a list of escalations (or their facts). */
export function visibleTo<T extends Escalation | AccessFacts>(deps: AccessDeps, viewer: Viewer, items: T[]): T[] {
  return items.filter((item) => canSee(deps, viewer, item));
}

/** What of all escalations the viewer may see, as lists, the board and look-alikes filter them. */
export function sightFor(deps: AccessDeps, viewer: Viewer): Sight {
  return sightOf(viewer, deps.access);
}

/** The team a tier's channel is bound in, as the bot reaches its roster; none while it is unbound. */
export function teamOfBinding(binding: ChannelBinding | undefined): TeamPlace | undefined {
  if (!binding) return undefined;
  const { conversation, serviceUrl, channel } = binding.conversationReference;
  // A team's roster is asked through its General channel, whose id is the team's.
  return { teamId: channel?.teamId ?? conversation.id, serviceUrl };
}

/**
 * May this person choose whom a tier's escalations are emailed to (domain/access.ts
 * mayChooseEmailList)? `here`: the team they ask from, which stands for the admins' team while no
 * tier was ever bound. 'unsure' when Teams could not say.
 */
export async function mayChooseEmailListOf(
  deps: AccessDeps & { store: Pick<ChannelStore, 'channelFor'> },
  person: Person,
  target: Target,
  here?: TeamPlace,
): Promise<boolean | 'unsure'> {
  if (!person.id) return false;
  const member: Member = { id: person.id, teamsId: person.teamsId };
  const team = teamOfBinding(await deps.store.channelFor(target));
  try {
    const [admin, ownerOfTiersTeam] = await Promise.all([
      deps.directory.isAdmin(member, here),
      team ? deps.directory.isTeamOwner(member, team) : false,
    ]);
    return mayChooseEmailList({ target, admin, ownerOfTiersTeam });
  } catch (error) {
    if (error instanceof RosterUnavailable) return 'unsure';
    throw error;
  }
}

/** Why someone holds no role we could confirm, in a sentence; '' when Teams answered every question. */
export function unsureText(known: KnownViewer): string {
  if (known.unsure.length === 0) return '';
  return ` Teams could not tell us just now whether you are in ${known.unsure.join(' or ')}: try again in a minute.`;
}
