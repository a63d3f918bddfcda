// The click's statements compiled once per database (src/store/compiledOnce.ts): the values of
// each run reach the statement, in place, and a statement with a value that is not one of those
// handed in is refused rather than run with the first one's value for ever.
import assert from 'node:assert/strict';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { runCompiledOnce } from '../../src/store/compiledOnce';
import type { Db } from '../../src/store/tables';

describe('Statements compiled once', () => {
  let db: Db;
  before(async () => {
    db = new Kysely({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) }) as unknown as Db;
    await sql`create table posted_cards (escalation_id integer, conversation_id text, activity_id text)`.execute(db);
    await sql`insert into posted_cards values (1, 'a', '1'), (2, 'b', '2'), (2, 'c', '3')`.execute(db);
  });
  after(() => db.destroy());

  const copiesOf = (n: number, conversation: string) =>
    runCompiledOnce(db, 'copies of one escalation but one conversation', [conversation, n], (v) =>
      db
        .selectFrom('posted_cards')
        .select('activity_id')
        .where('escalation_id', '=', v(1))
        .where('conversation_id', '!=', v(0))
        .orderBy('activity_id'),
    );

  it('runs each time with that time’s values, in their places, in and out of a transaction', async () => {
    assert.deepEqual((await copiesOf(2, 'b')).rows, [{ activity_id: '3' }]);
    assert.deepEqual((await copiesOf(1, 'x')).rows, [{ activity_id: '1' }]);
    const inTransaction = await db
      .transaction()
      .execute(async (trx) =>
        runCompiledOnce(trx, 'copies of one escalation but one conversation', ['c', 2], (v) =>
          trx
            .selectFrom('posted_cards')
            .select('activity_id')
            .where('escalation_id', '=', v(1))
            .where('conversation_id', '!=', v(0)),
        ),
      );
    assert.deepEqual(inTransaction.rows, [{ activity_id: '2' }]);
    const changed = await runCompiledOnce(db, 'move a copy', ['d', '3'], (v) =>
      db
        .updateTable('posted_cards')
        .set({ conversation_id: v(0) })
        .where('activity_id', '=', v(1)),
    );
    assert.equal(changed.numAffectedRows, 1n);
  });

  it('refuses a statement with a value that is not one of those handed in', async () => {
    await assert.rejects(
      runCompiledOnce(db, 'a value written in', [2], () =>
        db
          .selectFrom('posted_cards')
          .selectAll()
          .where('escalation_id', '=', sql.lit(2) as never)
          .where('activity_id', '=', '1'),
      ),
      /Statement a value written in: a parameter is not one of its values/,
    );
  });
});
