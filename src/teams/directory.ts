// Who belongs where, read from Teams' roster through the Bot Connector: a member of a tier's
// channel is someone the roster of its bound channel knows (Teams answers a standard channel
// with its team's members, a private or shared channel with its own); an admin is named in
// ADMINS or is an owner of the team the bot was first bound in. Answers are kept a few
// minutes; a question Teams does not answer is an error (access denied), never a yes.
import { type CloudAdapter, type ConversationReference, type TeamsChannelAccount, TeamsInfo } from 'botbuilder';
import { type Directory, type Member, RosterUnavailable, type TeamPlace } from '../app/access';
import type { ChannelStore, Clock } from '../app/ports';
import type { Config } from '../config';
import type { Target } from '../domain/vocabulary';

/** How long a roster answer is trusted: someone removed from a channel loses access within this. */
export const rosterTtlMs = 5 * 60_000;

/** Roster answers kept at most (the oldest go first). */
export const rosterEntriesKept = 10_000;

interface Place {
  conversationId: string;
  serviceUrl: string;
}

export interface DirectoryDeps {
  adapter: CloudAdapter;
  /** '' in local mode. */
  appId: string;
  store: ChannelStore;
  clock: Clock;
  admins: Config['admins'];
}

export class TeamsDirectory implements Directory {
  /** By place and person: the roster's account, or null when the person is not in it. */
  private readonly answers = new Map<string, { at: number; account: TeamsChannelAccount | null }>();
  /** Teams user ids by Entra object id, as activities told them: the roster is asked by either. */
  private readonly teamsIds = new Map<string, string>();
  private home: Place | undefined;

  constructor(private readonly deps: DirectoryDeps) {}

  async isMember(target: Target, member: Member): Promise<boolean> {
    const binding = await this.deps.store.channelFor(target);
    if (!binding) return false;
    const { conversation, serviceUrl } = binding.conversationReference;
    const account = await this.account(
      { conversationId: conversation.id, serviceUrl },
      member,
      `the ${target} channel`,
    );
    return account !== null;
  }

  async isTeamOwner(member: Member, team: TeamPlace): Promise<boolean> {
    const account = await this.account(
      { conversationId: team.teamId, serviceUrl: team.serviceUrl },
      member,
      'this team',
    );
    return account?.userRole === 'owner';
  }

  async isAdmin(member: Member, candidateHome?: TeamPlace): Promise<boolean> {
    const { ids, upns } = this.deps.admins;
    if (ids.includes(member.id.toLowerCase())) return true;
    const home =
      (await this.homeTeam()) ??
      (candidateHome && { conversationId: candidateHome.teamId, serviceUrl: candidateHome.serviceUrl });
    if (!home) return false;
    const account = await this.account(home, member, 'the team the bot was first bound in');
    if (!account) return false;
    const upn = (account.userPrincipalName ?? account.email ?? '').toLowerCase();
    return account.userRole === 'owner' || (upn !== '' && upns.includes(upn));
  }

  /** The team of the first channel ever bound: its owners are admins. */
  private async homeTeam(): Promise<Place | undefined> {
    if (this.home) return this.home;
    const [first] = await this.deps.store.channelMoves(1, 'oldest');
    const to = first?.to;
    if (!to) return undefined;
    // A team's roster is asked through its General channel, whose id is the team's.
    this.home = { conversationId: to.teamId ?? to.channelId, serviceUrl: to.serviceUrl };
    return this.home;
  }

  private async account(place: Place, member: Member, where: string): Promise<TeamsChannelAccount | null> {
    this.remember(member);
    const key = `${place.conversationId}\u0000${member.id}`;
    const now = this.deps.clock.now().getTime();
    const known = this.answers.get(key);
    if (known && now - known.at < rosterTtlMs) return known.account;
    const asked = await this.ask(place, this.teamsIds.get(member.id) ?? member.id, where);
    // Asked by Teams user id, the answer must still be the same person.
    const account = asked?.aadObjectId && asked.aadObjectId.toLowerCase() !== member.id.toLowerCase() ? null : asked;
    this.answers.delete(key);
    if (this.answers.size >= rosterEntriesKept) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) this.answers.delete(oldest);
    }
    this.answers.set(key, { at: now, account });
    return account;
  }

  private remember(member: Member): void {
    if (!member.teamsId || this.teamsIds.get(member.id) === member.teamsId) return;
    if (this.teamsIds.size >= rosterEntriesKept) this.teamsIds.clear();
    this.teamsIds.set(member.id, member.teamsId);
  }

  private async ask(place: Place, personId: string, where: string): Promise<TeamsChannelAccount | null> {
    let account: TeamsChannelAccount | null = null;
    let failure: unknown;
    const reference = {
      channelId: 'msteams',
      serviceUrl: place.serviceUrl,
      conversation: { id: place.conversationId } as ConversationReference['conversation'],
    };
    try {
      await this.deps.adapter.continueConversationAsync(this.deps.appId, reference, async (context) => {
        try {
          account = await TeamsInfo.getMember(context, personId);
        } catch (error) {
          failure = error;
        }
      });
    } catch (error) {
      failure = error;
    }
    if (failure === undefined) return account;
    // Teams answers 404 for someone who is not in the roster: a plain no.
    if (statusOf(failure) === 404) return null;
    throw new RosterUnavailable(where, failure);
  }
}

function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: number; response?: { status?: number } };
  return e?.statusCode ?? e?.response?.status;
}
