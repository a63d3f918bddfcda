// The SLA watcher's bookkeeping: when each open escalation's clocks next need a look, and the
// SLA status its cards show, so that a sweep reads only the escalations that are due and only
// one replica updates the cards of a status that changed.
import { sql } from 'kysely';
import type { EscalationStore } from '../app/ports';
import { type Escalation, escalationId } from '../domain/escalation';
import { closedStatuses } from '../domain/lifecycle';
import type { SlaStatus } from '../domain/vocabulary';
import { escalationFromRow } from './escalationRows';
import { storedNumberOf } from './ids';
import { type Db, rowsPerStatement, type StoredNumber } from './tables';

export class SlaBookkeeping implements Partial<EscalationStore> {
  constructor(private readonly db: Db) {}

  async dueForSlaCheck(now: string, limit: number): Promise<Escalation[]> {
    const rows = await this.db
      .selectFrom('escalations')
      .selectAll()
      .where('sla_check_at', '<=', now)
      .where('status', 'not in', closedStatuses)
      .orderBy('sla_check_at')
      .limit(limit)
      .execute();
    return rows.map(escalationFromRow);
  }

  async recordSla(records: { escalationId: string; status: SlaStatus; nextCheckAt: string }[]): Promise<Set<string>> {
    const changed = new Set<string>();
    if (records.length === 0) return changed;
    await this.db.transaction().execute(async (trx) => {
      for (let start = 0; start < records.length; start += rowsPerStatement) {
        // Two statements a chunk on both engines: WITH v AS (VALUES ...) UPDATE ... FROM v (SQLite 3.33+).
        const values = sql.join(
          records
            .slice(start, start + rowsPerStatement)
            .map((r) => sql`(${storedNumberOf(r.escalationId, 'recordSla')}, ${r.status}, ${r.nextCheckAt})`),
        );
        // Never looked at is "within" (as the board reads it): becoming "within" redraws no card.
        await sql`
          with v(id, status, next_check_at) as (values ${values})
          update escalations set sla_status = v.status
          from v
          where escalations.id = cast(v.id as bigint) and escalations.sla_status is null and v.status = 'within'`.execute(
          trx,
        );
        const statusChanged = await sql<{ id: StoredNumber }>`
          with v(id, status, next_check_at) as (values ${values})
          update escalations set sla_status = v.status
          from v
          where escalations.id = cast(v.id as bigint)
            and (escalations.sla_status is null or escalations.sla_status <> v.status)
          returning escalations.id`.execute(trx);
        for (const row of statusChanged.rows) changed.add(escalationId(Number(row.id)));
        await sql`
          with v(id, status, next_check_at) as (values ${values})
          update escalations set sla_check_at = v.next_check_at
          from v
          where escalations.id = cast(v.id as bigint)`.execute(trx);
      }
    });
    return changed;
  }
}
