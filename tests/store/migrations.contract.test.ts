// Migrations are frozen: each step holds the values of its day (store/migrations/index.ts).
// These tests hold the migrated schema against what the domain says now, on both engines, so
// that a change to a rule the schema knows (which statuses are open, when "never" is, which
// details of a brief the look-alike search reads) fails here until a new migration follows it,
// and a fresh database and an upgraded one end up the same.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Store } from '../../src/app/ports';
import { closedStatuses, openStatuses } from '../../src/domain/lifecycle';
import { searchTerms } from '../../src/domain/similarity';
import { slaNever } from '../../src/domain/sla';
import { type Status, statuses } from '../../src/domain/vocabulary';
import { openStore } from '../../src/store/openStore';
import { sqliteDetails } from '../../src/store/search';
import {
  at,
  briefOf,
  changed,
  dana,
  type Engine,
  eli,
  freshStores,
  migratedBefore,
  postgresEngine,
  sqliteEngine,
  withRawDb,
} from './engines';

/** What every escalation here is about: words the look-alike search finds. */
const summary = 'Nightly ledger export stalls at the reconciliation step';

const sorted = (items: readonly string[]) => [...items].sort();

/** The statuses of the escalations the look-alike search offers as open (its index of open ones). */
async function offeredAsOpen(store: Store): Promise<string[]> {
  const found = await store.findSimilar(searchTerms({ summary }), { openOnly: true, limit: 50 });
  const escalations = await Promise.all(found.map((candidate) => store.getEscalation(candidate.id)));
  return sorted(escalations.map((escalation) => escalation?.status ?? 'missing'));
}

function migrationsContract(engine: Engine) {
  describe(`Migrations against the domain's rules today, on ${engine.name}`, () => {
    const fresh = freshStores(engine);

    it('the search index keeps open exactly the statuses domain/lifecycle.ts calls open', async () => {
      const { store } = fresh;
      for (const status of statuses) {
        const { escalation } = await store.createEscalation({
          brief: briefOf({ summary }),
          requester: dana,
          at: at(0),
        });
        const entry = { at: at(1), actor: eli, kind: 'status', text: `Now ${status}` };
        assert.ok((await store.saveEscalation(changed(escalation, { status }), 1, entry)).saved);
      }
      assert.deepEqual(await offeredAsOpen(store), sorted(openStatuses));
    });

    it('a database upgraded from before the search index ends up as a fresh one', async () => {
      const upgraded = await engine.fresh();
      let store: Store | undefined;
      try {
        await migratedBefore(upgraded, '0004', async (db) => {
          for (const status of statuses) await db.insertInto('escalations').values(storedAs(status)).execute();
        });
        store = await openStore(upgraded.url, upgraded.options);

        assert.deepEqual(await offeredAsOpen(store), sorted(openStatuses));
        // A fresh database gives a resolved or closed escalation the SLA watcher's "never" when it is saved.
        const rows = await withRawDb(upgraded, (db) =>
          db.selectFrom('escalations').select(['status', 'sla_check_at']).execute(),
        );
        const neverChecked = rows.filter((row) => row.sla_check_at === slaNever).map((row) => row.status);
        assert.deepEqual(sorted(neverChecked), sorted(closedStatuses));
      } finally {
        await store?.close();
        await upgraded.drop();
      }
    });

    if (engine.name === 'SQLite') {
      it('the search index holds the details of a brief that search.ts reads again for the best candidates', async () => {
        const triggers = await withRawDb(fresh.database, (db) =>
          sql<{ name: string; sql: string }>`
            select name, sql from sqlite_master where type = 'trigger' and sql like '%insert into%'`.execute(db),
        );
        assert.ok(triggers.rows.length > 0);
        for (const trigger of triggers.rows) {
          const inserts = trigger.sql.split('insert into').length - 1;
          assert.equal(trigger.sql.split(sqliteDetails('new')).length - 1, inserts, trigger.name);
        }
      });
    }

    it('an outbox upgraded for notes to tickets keeps its rows, their numbers and what they say', async () => {
      const upgraded = await engine.fresh();
      let store: Store | undefined;
      try {
        await migratedBefore(upgraded, '0012', async (db) => {
          await db
            .insertInto('escalations')
            .values({ ...storedAs('new'), sla_check_at: at(0) })
            .execute();
          const row = {
            kind: 'reply',
            escalation_id: 1,
            conversation_id: '19:x@thread.tacv2',
            service_url: 'https://smba.example/',
            attempts: 0,
            next_attempt_at: at(0),
            created_at: at(0),
          };
          await db
            .insertInto('outbox')
            .values([
              { ...row, text: 'first', reply_key: 'k1' },
              { ...row, text: 'second', reply_key: 'k2', delivered_at: at(1) },
            ])
            .execute();
        });
        store = await openStore(upgraded.url, upgraded.options);
        const rows = await store.deliveries();
        assert.deepEqual(
          rows.map((r) => [r.id, r.kind, r.kind === 'reply' && r.text, r.state]),
          [
            [1, 'reply', 'first', 'pending'],
            [2, 'reply', 'second', 'delivered'],
          ],
        );
        await store.enqueueDeliveries(
          [{ kind: 'ticketNote', ticket: { system: 'jira', id: 'SUP-1' }, text: 'x', key: 'n1' }],
          at(2),
        );
        assert.deepEqual(
          (await store.deliveries()).map((r) => r.id),
          [1, 2, 3],
        );
        await store.enqueueDeliveries(
          [
            {
              kind: 'reply',
              escalationId: 'ESC-1',
              conversationId: '19:x@thread.tacv2',
              serviceUrl: 'https://smba.example/',
              text: 'again',
              key: 'k1',
            },
          ],
          at(3),
        );
        assert.equal((await store.deliveries()).length, 3, 'a reply key stays once-only across the upgrade');
      } finally {
        await store?.close();
        await upgraded.drop();
      }
    });
  });
}

/** An escalation in this status as a version before the search index stored it. */
function storedAs(status: Status) {
  return {
    status,
    severity: 'high',
    target: 'engineering',
    summary,
    brief: JSON.stringify(briefOf({ summary })),
    requester: JSON.stringify(dana),
    version: 1,
    created_at: at(0),
    updated_at: at(0),
  };
}

migrationsContract(sqliteEngine());
migrationsContract(postgresEngine());
