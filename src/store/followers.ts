// The people who follow an escalation (app/followPorts.ts FollowerStore): one row a person.

import { type RawBuilder, sql } from 'kysely';
import type { FollowerStore } from '../app/followPorts';
import type { Person } from '../domain/escalation';
import { storedNumberOf } from './ids';
import type { Db } from './tables';

export class Followers implements FollowerStore {
  constructor(private readonly db: Db) {}

  async follow(escalationId: string, person: Person & { id: string }, at: string): Promise<void> {
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
    await this.db
      .deleteFrom('followers')
      .where('escalation_id', '=', storedNumberOf(escalationId, 'unfollow'))
      .where('person_id', '=', personId)
      .execute();
  }

  async followers(escalationId: string): Promise<Person[]> {
    const rows = await this.db
      .selectFrom('followers')
      .select('person')
      .where('escalation_id', '=', storedNumberOf(escalationId, 'followers'))
      .orderBy('followed_at')
      .orderBy('person_id')
      .execute();
    return rows.map((row) => JSON.parse(row.person) as Person);
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
