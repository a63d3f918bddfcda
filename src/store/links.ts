// Escalations linked as the same issue: each link stored both ways, so a group is found by
// walking from any of its members.
import type { EscalationStore } from '../app/ports';
import { escalationId } from '../domain/escalation';
import { storedNumber, storedNumberOf } from './ids';
import type { Db } from './tables';

/** Links two escalations (by number) both ways; linking again changes nothing. */
export async function storeLink(db: Db, x: number, y: number, at: string): Promise<void> {
  await db
    .insertInto('escalation_links')
    .values([
      { escalation_id: x, linked_id: y, linked_at: at },
      { escalation_id: y, linked_id: x, linked_at: at },
    ])
    .onConflict((conflict) => conflict.doNothing())
    .execute();
}

export class Links implements Partial<EscalationStore> {
  constructor(private readonly db: Db) {}

  async linkEscalations(a: string, b: string, at: string): Promise<void> {
    await storeLink(this.db, storedNumberOf(a, 'linkEscalations'), storedNumberOf(b, 'linkEscalations'), at);
  }

  async linkedGroup(id: string): Promise<string[]> {
    const start = storedNumber(id);
    if (start === undefined) return [];
    // Groups are a handful of escalations: walk the links a step at a time.
    const seen = new Set<number>([start]);
    let frontier = [start];
    while (frontier.length > 0) {
      const rows = await this.db
        .selectFrom('escalation_links')
        .select('linked_id')
        .where('escalation_id', 'in', frontier)
        .execute();
      frontier = rows.map((r) => Number(r.linked_id)).filter((n) => !seen.has(n));
      for (const n of frontier) seen.add(n);
    }
    return [...seen].sort((p, q) => p - q).map(escalationId);
  }
}
