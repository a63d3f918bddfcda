// An escalation's timeline: one entry a version, written with the change it records, and read
// back often (every card drawn shows its SLA state, which the timeline decides).
import type { EscalationStore } from '../app/ports';
import type { Person, TimelineEntry } from '../domain/escalation';
import type { Status } from '../domain/vocabulary';
import { entryFromRow } from './escalationRows';
import { storedNumber } from './ids';
import { type Db, rowsPerStatement, type StoredNumber } from './tables';

/** Escalations whose timelines are kept in memory: the ones being worked. */
const timelinesKept = 2000;

/** Writes the entry of an escalation's change to `version`, which left it in `status`. */
export async function writeEntry(
  db: Db,
  escalation: StoredNumber,
  version: number,
  status: Status,
  entry: { at: string; actor: Person; kind: string; text: string; actionKey?: string },
): Promise<void> {
  await db
    .insertInto('timeline_entries')
    .values({
      escalation_id: escalation,
      version,
      at: entry.at,
      actor: JSON.stringify(entry.actor),
      kind: entry.kind,
      text: entry.text,
      status,
      action_key: entry.actionKey ?? null,
    })
    .execute();
}

export class Timelines implements Partial<EscalationStore> {
  /** Timelines read lately, by escalation number, most recently used last. */
  private readonly timelinesRead = new Map<number, TimelineEntry[]>();

  constructor(private readonly db: Db) {}

  async timeline(id: string, asOf?: number): Promise<TimelineEntry[]> {
    const n = storedNumber(id);
    if (n === undefined) return [];
    // A timeline only grows, one version at a time, each visible once its save committed:
    // read just the entries newer than those already read (also those other replicas wrote),
    // and none when those read already reach the version asked for.
    const known = this.timelinesRead.get(n) ?? [];
    const last = known.at(-1)?.version ?? 0;
    if (asOf === undefined || last < asOf) {
      const rows = await this.db
        .selectFrom('timeline_entries')
        .selectAll()
        .where('escalation_id', '=', n)
        .where('version', '>', last)
        .orderBy('version')
        .orderBy('id')
        .execute();
      for (const row of rows) known.push(entryFromRow(row));
    }
    this.timelinesRead.delete(n);
    if (known.length > 0) this.timelinesRead.set(n, known);
    if (this.timelinesRead.size > timelinesKept)
      this.timelinesRead.delete(this.timelinesRead.keys().next().value as number);
    return [...known];
  }

  /** An entry this process just saved: a timeline read lately takes it as the next one. */
  remember(n: number, entry: TimelineEntry): void {
    const known = this.timelinesRead.get(n);
    if (known && known.at(-1)?.version === entry.version - 1) known.push(entry);
  }

  async timelines(ids: string[]): Promise<Map<string, TimelineEntry[]>> {
    const numbers = ids.map(storedNumber).filter((n): n is number => n !== undefined);
    const byEscalation = new Map<string, TimelineEntry[]>(ids.map((id) => [id, []]));
    for (let start = 0; start < numbers.length; start += rowsPerStatement) {
      const rows = await this.db
        .selectFrom('timeline_entries')
        .selectAll()
        .where('escalation_id', 'in', numbers.slice(start, start + rowsPerStatement))
        .orderBy('escalation_id')
        .orderBy('version')
        .orderBy('id')
        .execute();
      for (const row of rows) {
        const entry = entryFromRow(row);
        byEscalation.get(entry.escalationId)?.push(entry);
      }
    }
    return byEscalation;
  }
}
