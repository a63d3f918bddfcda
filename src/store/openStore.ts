// DATABASE_URL -> a migrated Store. SQLite is the embedded default for one
// instance; PostgreSQL is for several replicas sharing one database.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Pool } from 'pg';
import type { Store } from '../app/ports';
import { kyselyStore } from './kyselyStore';
import { migrations } from './migrations';
import type { Db, Engine, EscalationDeskTables } from './tables';

export interface StoreOptions {
  /** PostgreSQL only: keep every table in this schema (created if missing). */
  schema?: string;
  /** Where trouble that no caller sees is told (a dropped idle connection). */
  log?: (message: string) => void;
  /** How long changes to one escalation gather into one notice to a follower (default a minute). */
  noticeWindowMs?: number;
}

export async function openStore(databaseUrl: string, options: StoreOptions = {}): Promise<Store> {
  const engine = engineOf(databaseUrl);
  if (engine === 'sqlite' && options.schema !== undefined) {
    throw new Error('A schema can only be chosen for a PostgreSQL DATABASE_URL');
  }
  const db =
    engine === 'sqlite'
      ? openSqlite(databaseUrl)
      : openPostgres(databaseUrl, options.schema, options.log ?? (() => {}));
  try {
    const migrationSchema = engine === 'postgres' ? await ensureSchema(db, options.schema) : undefined;
    await migrate(db, engine, migrationSchema);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return kyselyStore(db, engine, options.noticeWindowMs);
}

function engineOf(databaseUrl: string): Engine {
  if (databaseUrl.startsWith('sqlite:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return 'postgres';
  throw new Error('DATABASE_URL must be sqlite:PATH (e.g. sqlite:./data/escalations.db) or postgres://user@host/db');
}

function openSqlite(databaseUrl: string): Db {
  // "sqlite:./x.db", "sqlite:/abs/x.db", "sqlite:///abs/x.db" and "sqlite::memory:".
  const path = databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  if (path === '') throw new Error('DATABASE_URL sqlite: needs a file path, e.g. sqlite:./data/escalations.db');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  // WAL lets readers (healthz, the tab) run while a card action writes; the busy
  // timeout waits out a writer instead of failing; foreign keys are off by default.
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  // With WAL, NORMAL still survives a crash of the process; only a power cut may lose the
  // last transactions. FULL would fsync every click.
  database.pragma('synchronous = NORMAL');
  reusePreparedStatements(database);
  return new Kysely<EscalationDeskTables>({ dialect: new SqliteDialect({ database }) });
}

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

function openPostgres(databaseUrl: string, schema: string | undefined, log: (message: string) => void): Db {
  if (schema !== undefined && !schemaName.test(schema)) {
    throw new Error(`Schema "${schema}" must be lower-case letters, digits and _ (at most 63)`);
  }
  const pool = new Pool({
    connectionString: databaseUrl,
    // Fail a health check in seconds rather than hang while the database is away.
    connectionTimeoutMillis: 5_000,
    ...(schema !== undefined && { options: `-c search_path=${schema}` }),
  });
  // An idle connection dropped by the server must not crash the bot: it is told, and the next
  // query (or ping) reports the trouble where it can be handled.
  pool.on('error', (error) => log(`a database connection was dropped: ${error.message}`));
  return new Kysely<EscalationDeskTables>({ dialect: new PostgresDialect({ pool }) });
}

/** Creates the chosen schema if needed and names the schema the tables live in. */
async function ensureSchema(db: Db, schema: string | undefined): Promise<string> {
  if (schema !== undefined) {
    try {
      await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    } catch (error) {
      // Replicas starting together can both try; "if not exists" does not stop the loser failing.
      const found = await sql<{ one: number }>`select 1 as one from pg_namespace where nspname = ${schema}`.execute(db);
      if (found.rows.length === 0) throw error;
    }
  }
  const current = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const name = current.rows[0]?.schema;
  if (!name) throw new Error('DATABASE_URL: no schema on the search_path exists to keep the tables in');
  return name;
}

async function migrate(db: Db, engine: Engine, migrationSchema: string | undefined): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(engine) },
    // Named explicitly: Kysely otherwise looks for its bookkeeping tables in any schema
    // of the database and may find another deployment's.
    ...(migrationSchema !== undefined && { migrationTableSchema: migrationSchema }),
    // On SQLite the transaction is ours (below), so it can take the write lock first.
    disableTransactions: engine === 'sqlite',
  });
  const migrateToLatest = async () => {
    const { error } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(`Database migration failed: ${String(error)}`);
  };
  if (engine === 'postgres') return migrateToLatest(); // Kysely serialises replicas with an advisory lock.

  // Kysely takes no lock on SQLite, and two processes opening the same file (a restart
  // overlapping the old instance) would both see it unmigrated. BEGIN IMMEDIATE takes
  // the write lock before the migrator reads anything; the other waits (busy_timeout).
  await oneAtATimeInThisProcess(async () => {
    await sql`begin immediate`.execute(db);
    try {
      await migrateToLatest();
      await sql`commit`.execute(db);
    } catch (error) {
      await sql`rollback`.execute(db).catch(() => {});
      throw error;
    }
  });
}

// better-sqlite3 waits out a lock synchronously, blocking the event loop: two stores of
// one process migrating the same file at once would wait on each other until busy_timeout.
let sqliteMigrationTurn: Promise<unknown> = Promise.resolve();
function oneAtATimeInThisProcess(work: () => Promise<void>): Promise<void> {
  const turn = sqliteMigrationTurn.then(work);
  sqliteMigrationTurn = turn.catch(() => {});
  return turn;
}

/**
 * Kysely prepares every statement anew; better-sqlite3 statements can be reused. The queries
 * are a fixed set (their values are bound), so keep the prepared ones by their SQL.
 */
function reusePreparedStatements(database: SqliteDatabase.Database): void {
  const prepare = database.prepare.bind(database);
  const statements = new Map<string, SqliteDatabase.Statement>();
  database.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      statement = prepare(source);
      // Lookups build IN lists of varying length: keep the cache from growing without end.
      if (statements.size >= 500) statements.clear();
      statements.set(source, statement);
    }
    return statement;
  }) as typeof database.prepare;
}
