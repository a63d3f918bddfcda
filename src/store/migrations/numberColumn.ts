// The key column of a table whose rows are numbered, as several shipped migrations create it.
// Those migrations must not change: a new kind of key is a new helper, never an edit of this one.
import type { ColumnDefinitionBuilder } from 'kysely';
import type { Engine } from '../tables';

type Column = (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;

/** Escalation numbers must never repeat, even after a row is deleted by hand. */
export function numberColumn(engine: Engine): { type: 'integer' | 'bigint'; key: Column } {
  return engine === 'sqlite'
    ? // AUTOINCREMENT is what stops SQLite from handing out a deleted row's id again.
      { type: 'integer', key: (c) => c.primaryKey().autoIncrement() }
    : { type: 'bigint', key: (c) => c.primaryKey().generatedAlwaysAsIdentity() };
}
