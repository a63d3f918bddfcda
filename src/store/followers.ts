// The people who follow an escalation (app/followPorts.ts FollowerStore): one row a person.

import { performance } from 'node:perf_hooks';
import { type RawBuilder, sql } from 'kysely';
import type { FollowerStore } from '../app/followPorts';
import type { Person } from '../domain/escalation';
import { storedNumberOf } from './ids';
import type { Db } from './tables';

/** Followers read lately are taken as they were for this long: every click draws a card and saves a change, and both ask. */
const followersFreshMs = 1000;
const followersKept = 5000;

export class Followers implements FollowerStore {
  /** By escalation: its followers as read, until when. A follow or unfollow here forgets it at once; another replica's is seen within followersFreshMs. */
  private readonly read = new Map<string, { until: number; people: Person[] }>();

  constructor(private readonly db: Db) {}

  async follow(escalationId: string, person: Person & { id: string }, at: string): Promise<void> {
    this.read.delete(escalationId);
    await this.db
      .insertInto('followers')
      .values({
        escalation_id: storedNumberOf(escalationId, 'follow'),
        person_id: person.id,
        person: JSON.stringify({
          id: person.id,
          name: person.name,
          ...(person.teamsId && { teamsId: person.teamsId }),
        }),
        followed_at: at,
      })
      .onConflict((c) => c.columns(['escalation_id', 'person_id']).doNothing())
      .execute();
  }

  async unfollow(escalationId: string, personId: string): Promise<void> {
    this.read.delete(escalationId);
    await this.db
      .deleteFrom('followers')
      .where('escalation_id', '=', storedNumberOf(escalationId, 'unfollow'))
      .where('person_id', '=', personId)
      .execute();
  }

  async followers(escalationId: string): Promise<Person[]> {
    const now = performance.now();
    const kept = this.read.get(escalationId);
    if (kept && kept.until > now) return kept.people;
    const rows = await this.db
      .selectFrom('followers')
      .select('person')
      .where('escalation_id', '=', storedNumberOf(escalationId, 'followers'))
      .orderBy('followed_at')
      .orderBy('person_id')
      .execute();
    const people = rows.map((row) => JSON.parse(row.person) as Person);
    if (this.read.size >= followersKept) this.read.clear();
    this.read.set(escalationId, { until: now + followersFreshMs, people });
    return people;
  }

  async unreachable(person: { id: string; teamsId: string }): Promise<boolean> {
    // Personal copies and notices store their person alike (outboxRows.ts): {"id", "teamsId"}.
    const row = await this.db
      .selectFrom('outbox')
      .select('id')
      .where('kind', 'in', ['personal', 'notice'])
      .where('failed_at', 'is not', null)
      .where('recipients', '=', JSON.stringify({ id: person.id, teamsId: person.teamsId }))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}

/**
 * Raised, owned or followed by the person, on escalations as `e`: what "mine" means everywhere
 * (the chat's `mine`, the board's My escalations).
 */
export function involving(personId: string): RawBuilder<boolean> {
  return sql<boolean>`(e.requester_id = ${personId} or e.owner_id = ${personId} or exists (select 1 from followers f where f.escalation_id = e.id and f.person_id = ${personId}))`;
}
