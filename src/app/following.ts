// Following an escalation: its requester and owner follow it by being them (computed, so a new
// owner follows and the one before stops with no bookkeeping); anyone else who may see it follows
// by asking (store/followers.ts). Every copy of its card shows how many follow it.
import type { Escalation, Person } from '../domain/escalation';
import { updatesOf } from './deliveries';
import type { FollowerStore } from './followPorts';
import type { ChannelStore, Clock, OutboxStore } from './ports';

/** How one reader stands: following as its requester or owner, following because they asked, or not. */
export type ReaderFollows = 'requester' | 'owner' | 'asked' | 'not';

export interface Following {
  /** Everyone who follows it, each once. */
  count: number;
  /** Their Teams ids, where known: the card refreshes for them (a Follow or Unfollow button of their own). */
  teamsIds: string[];
  /** The reader's standing; undefined when the card is read by a place (a channel), not a person. */
  reader?: ReaderFollows;
}

/** Its requester, its owner and those who asked, each once. */
export function followersOf(escalation: Escalation, asked: Person[]): Person[] {
  const everyone = [escalation.requester, ...(escalation.owner ? [escalation.owner] : []), ...asked];
  const seen = new Set<string>();
  return everyone.filter((person) => {
    const key = person.id ?? `name:${person.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function followingOf(escalation: Escalation, asked: Person[], readerId?: string): Following {
  const followers = followersOf(escalation, asked);
  return {
    count: followers.length,
    teamsIds: followers.flatMap((person) => (person.teamsId ? [person.teamsId] : [])),
    ...(readerId !== undefined && { reader: standingOf(escalation, asked, readerId) }),
  };
}

/** How a card or the board says it: "2 people follow this", the reader's part, and what they may do. */
export function followingSaid(count: number, reader: ReaderFollows | undefined) {
  return {
    many: count === 1 ? '1 person follows this' : `${count} people follow this`,
    /** Their part in it: ", you as its owner", ", you among them" or nothing. */
    you:
      reader === 'requester' || reader === 'owner'
        ? `, you as its ${reader}`
        : reader === 'asked'
          ? ', you among them'
          : '',
    canFollow: reader === 'not',
    canUnfollow: reader === 'asked',
  };
}

function standingOf(escalation: Escalation, asked: Person[], readerId: string): ReaderFollows {
  if (escalation.requester.id === readerId) return 'requester';
  if (escalation.owner?.id === readerId) return 'owner';
  return asked.some((person) => person.id === readerId) ? 'asked' : 'not';
}

export interface FollowDeps {
  store: FollowerStore & Pick<ChannelStore, 'postedCards'> & Pick<OutboxStore, 'enqueueDeliveries'>;
  clock: Clock;
  deliverSoon: () => void;
}

/**
 * The person starts or stops following (they may see it: the caller asked the access policy), and
 * every copy is redrawn with the new count. A sentence says why nothing changed.
 */
export async function changeFollowing(
  deps: FollowDeps,
  escalation: Escalation,
  person: Person & { id: string },
  follows: boolean,
): Promise<string | undefined> {
  const standing = standingOf(escalation, await deps.store.followers(escalation.id), person.id);
  if (standing === 'requester' || standing === 'owner') {
    return `You follow ${escalation.id} as its ${standing}, for as long as you are: there is nothing to change.`;
  }
  if (follows === (standing === 'asked')) return undefined;
  const at = deps.clock.now().toISOString();
  if (follows) await deps.store.follow(escalation.id, person, at);
  else await deps.store.unfollow(escalation.id, person.id);
  await deps.store.enqueueDeliveries(updatesOf(await deps.store.postedCards(escalation.id)), at);
  deps.deliverSoon();
  return undefined;
}
