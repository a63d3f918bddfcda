// Kysely builds and compiles a query anew every time it runs, about a twentieth of what a card
// click costs. The few statements every click runs are compiled once per database instead, with
// stand-ins for their values, and then run with the values of the moment.
import { type Compilable, CompiledQuery, type QueryResult } from 'kysely';
import type { Db } from './tables';

interface Compiled {
  sql: string;
  /** For each parameter of `sql`, the index of the value it takes. */
  order: number[];
}

/** By the database's dialect adapter (a transaction shares its database's), then by statement name. */
const compiledFor = new WeakMap<object, Map<string, Compiled>>();

const standIn = (n: number) => `\u0000value ${n}\u0000`;

/**
 * Runs the statement `name`, which `build` makes from its `values` (`value(n)`: each must reach the
 * query as a bound parameter, none as SQL), compiled the first time it runs on this database.
 */
export async function runCompiledOnce<Row>(
  db: Db,
  name: string,
  values: readonly unknown[],
  build: (value: (n: number) => never) => Compilable<Row>,
): Promise<QueryResult<Row>> {
  const adapter = db.getExecutor().adapter;
  let statements = compiledFor.get(adapter);
  if (!statements) {
    statements = new Map();
    compiledFor.set(adapter, statements);
  }
  let statement = statements.get(name);
  if (!statement) {
    const standIns = values.map((_, n) => standIn(n));
    const compiled = build((n) => standIns[n] as never).compile();
    const order = compiled.parameters.map((parameter) => standIns.indexOf(parameter as string));
    if (order.some((n) => n < 0)) throw new Error(`Statement ${name}: a parameter is not one of its values`);
    statement = { sql: compiled.sql, order };
    statements.set(name, statement);
  }
  const { sql, order } = statement;
  return db.executeQuery<Row>(
    CompiledQuery.raw(
      sql,
      order.map((n) => values[n]),
    ),
  );
}
