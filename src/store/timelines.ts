// An escalation's timeline: one entry a version, written with the change it records, and read
// back often (every card drawn shows its SLA state, which the timeline decides).
import type { EscalationStore } from '../app/ports';
import type { Person, TimelineEntry } from '../domain/escalation';
import type { Status } from '../domain/vocabulary';
import { runCompiledOnce } from './compiledOnce';
import { entryFromRow } from './escalationRows';
import { storedNumber } from './ids';
import type { Db, StoredNumber } from './tables';

/** Escalations whose timelines are kept in memory (the ones being worked), and their entries in all, at most. */
const timelinesKept = 2000;
const entriesKeptAtMost = 50_000;
/** Timelines read in one statement, each its own condition (SQLite nests an OR chain as deep as it is long). */
const timelinesPerRead = 100;

/** Writes the entry of an escalation's change to `version`, which left it in `status`. */
export async function writeEntry(
  db: Db,
  escalation: StoredNumber,
  version: number,
  status: Status,
  entry: { at: string; actor: Person; kind: string; text: string; actionKey?: string; link?: string },
): Promise<void> {
  const values = [escalation, version, entry.at, JSON.stringify(entry.actor), entry.kind, entry.text, status];
  await runCompiledOnce(db, 'write a timeline entry', [...values, entry.actionKey ?? null, entry.link ?? null], (v) =>
    db.insertInto('timeline_entries').values({
      escalation_id: v(0),
      version: v(1),
      at: v(2),
      actor: v(3),
      kind: v(4),
      text: v(5),
      status: v(6),
      action_key: v(7),
      link: v(8),
    }),
  );
}

export class Timelines implements Partial<EscalationStore> {
  /** Timelines read lately, by escalation number, most recently used last. */
  private readonly timelinesRead = new Map<number, TimelineEntry[]>();
  /** Entries in them all: what memory they hold. */
  private entriesKept = 0;

  constructor(private readonly db: Db) {}

  async timeline(id: string, asOf?: number): Promise<TimelineEntry[]> {
    const n = storedNumber(id);
    if (n === undefined) return [];
    const known = this.timelinesRead.get(n) ?? [];
    // Read again only when those read may not reach the version asked for.
    if (asOf === undefined || (known.at(-1)?.version ?? 0) < asOf) await this.readNewer([n]);
    return [...(this.timelinesRead.get(n) ?? [])];
  }

  /** An entry this process just saved: a timeline read lately takes it as the next one. */
  remember(n: number, entry: TimelineEntry): void {
    const known = this.timelinesRead.get(n);
    if (known && known.at(-1)?.version === entry.version - 1) this.keep(n, [entry]);
  }

  async timelines(ids: string[]): Promise<Map<string, TimelineEntry[]>> {
    const numbers = ids.map(storedNumber).filter((n): n is number => n !== undefined);
    for (let start = 0; start < numbers.length; start += timelinesPerRead) {
      await this.readNewer(numbers.slice(start, start + timelinesPerRead));
    }
    return new Map(ids.map((id) => [id, [...(this.timelinesRead.get(storedNumber(id) ?? 0) ?? [])]]));
  }

  /**
   * A timeline only grows, one version at a time, each visible once its save committed: read
   * just the entries newer than those already read (also those other replicas wrote).
   */
  private async readNewer(numbers: number[]): Promise<void> {
    if (numbers.length === 0) return;
    const after = new Map(numbers.map((n) => [n, this.timelinesRead.get(n)?.at(-1)?.version ?? 0]));
    const rows = await this.db
      .selectFrom('timeline_entries')
      .selectAll()
      .where((eb) =>
        eb.or(numbers.map((n) => eb.and([eb('escalation_id', '=', n), eb('version', '>', after.get(n) ?? 0)]))),
      )
      .orderBy('escalation_id')
      .orderBy('version')
      .orderBy('id')
      .execute();
    const newer = new Map<number, TimelineEntry[]>();
    for (const row of rows) {
      const n = Number(row.escalation_id);
      newer.set(n, [...(newer.get(n) ?? []), entryFromRow(row)]);
    }
    for (const n of numbers) this.keep(n, newer.get(n) ?? []);
  }

  /**
   * Keeps a timeline, with `newer` entries after those kept, as the most recently used; the least
   * recently used go past the limits. The kept array grows in place (it is never handed out: a
   * read gets a copy), so a click does not leave a copy of its timeline behind as garbage.
   */
  private keep(n: number, newer: TimelineEntry[]): void {
    const entries = this.timelinesRead.get(n) ?? [];
    this.timelinesRead.delete(n);
    // A version's entries arrive together; one kept meanwhile (a save while this was read) is not kept twice.
    const last = entries.at(-1)?.version ?? 0;
    for (const entry of newer) {
      if (entry.version <= last) continue;
      entries.push(entry);
      this.entriesKept += 1;
    }
    if (entries.length === 0) return;
    this.timelinesRead.set(n, entries);
    while (this.timelinesRead.size > timelinesKept || this.entriesKept > entriesKeptAtMost) {
      const [oldest, dropped] = this.timelinesRead.entries().next().value as [number, TimelineEntry[]];
      if (oldest === n) break;
      this.timelinesRead.delete(oldest);
      this.entriesKept -= dropped.length;
    }
  }
}
