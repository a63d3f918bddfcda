// The Store port over one database: one part per aggregate (escalations with their timelines,
// channels, the outbox, idempotency keys), each its own file over the same Db, and the Store
// the app is wired with is all of them in one object. The same Kysely queries run on SQLite and
// PostgreSQL, so both engines keep the same promises.
import { sql } from 'kysely';
import { defaultNoticeWindowMs } from '../app/followPorts';
import type { ChannelStore, EscalationStore, IdempotencyStore, OutboxStore, Store } from '../app/ports';
import { Channels } from './channels';
import { Escalations } from './escalations';
import { EscalationFinder } from './findEscalations';
import { Followers } from './followers';
import { Idempotency } from './idempotency';
import { Links } from './links';
import { Outbox } from './outbox';
import { SlaBookkeeping } from './slaBookkeeping';
import { SwarmChats } from './swarmChats';
import type { Db, Engine } from './tables';
import { Tickets } from './tickets';
import { Timelines } from './timelines';

/** `noticeWindowMs`: how long changes gather into one notice (tests use a short one). */
export function kyselyStore(db: Db, engine: Engine, noticeWindowMs = defaultNoticeWindowMs): Store {
  const timelines = new Timelines(db);
  const escalations: EscalationStore = {
    ...methodsOf(new Escalations(db, engine, (n, entry) => timelines.remember(n, entry))),
    ...methodsOf(timelines),
    ...methodsOf(new SlaBookkeeping(db)),
    ...methodsOf(new Links(db)),
  };
  const channels: ChannelStore = methodsOf(new Channels(db));
  const outbox: OutboxStore = methodsOf(new Outbox(db, engine));
  const idempotency: IdempotencyStore = methodsOf(new Idempotency(db));
  const tickets = methodsOf(new Tickets(db));
  const swarms = methodsOf(new SwarmChats(db));
  const search = methodsOf(new EscalationFinder(db, engine));
  return {
    ...swarms,
    ...search,
    ...methodsOf(new Followers(db)),
    ...escalations,
    ...channels,
    ...outbox,
    ...idempotency,
    ...tickets,
    noticeWindowMs: () => noticeWindowMs,
    ping: () => ping(db),
    close: () => db.destroy(),
  };
}

/** True once the database answers. */
async function ping(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** The public methods of a part, as properties: what an object spread copies. */
type Methods<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] };

/**
 * A part's methods bound to it, as plain properties, so that parts spread into one Store. A
 * class keeps its methods on its prototype, which a spread does not copy.
 */
function methodsOf<T extends object>(part: T): Methods<T> {
  const methods: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(part))) {
    const member: unknown = Reflect.get(part, name);
    if (name !== 'constructor' && typeof member === 'function') methods[name] = member.bind(part);
  }
  return methods as Methods<T>;
}
