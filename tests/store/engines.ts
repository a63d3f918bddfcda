// The engines the store contract runs on, and the fixtures its suites share: SQLite
// (always) and PostgreSQL (a fresh schema per test; required when CI is set).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type Migration, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Client, Pool } from 'pg';
import type { Store } from '../../src/app/ports';
import { type Brief, parseBrief } from '../../src/domain/brief';
import type { Escalation, Person } from '../../src/domain/escalation';
import type { Severity, Target } from '../../src/domain/vocabulary';
import { migrations } from '../../src/store/migrations';
import type { StoreOptions } from '../../src/store/openStore';
import { openStore } from '../../src/store/openStore';

/** An empty database of one engine, with a back door the port does not offer. */
export interface Database {
  url: string;
  options?: StoreOptions;
  /** Removes an escalation row by hand, as an operator might. */
  deleteEscalation(n: number): Promise<void>;
  drop(): Promise<void>;
}

export interface Engine {
  name: string;
  /**
   * PostgreSQL serves several replicas. SQLite serves one instance: two stores of one process
   * on one file block each other's transactions (better-sqlite3 waits for a lock synchronously).
   */
  replicas: boolean;
  /** Runs once before the engine's tests; may skip them. */
  prepare(context: Mocha.Context): Promise<void>;
  fresh(): Promise<Database>;
  finish(): Promise<void>;
}

const run = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
/** Schemas are numbered across every suite of the run, so no two suites share one. */
let schemas = 0;

export function sqliteEngine(): Engine {
  let folder = '';
  let count = 0;
  return {
    name: 'SQLite',
    replicas: false,
    async prepare() {
      folder = mkdtempSync(join(tmpdir(), 'escalation-desk-store-'));
    },
    async fresh() {
      count += 1;
      // A folder that does not exist yet: openStore creates it.
      const file = join(folder, `db${count}`, 'escalations.db');
      return {
        url: `sqlite:${file}`,
        async deleteEscalation(n) {
          const database = new SqliteDatabase(file);
          database.pragma('foreign_keys = ON');
          database.prepare('delete from escalations where id = ?').run(n);
          database.close();
        },
        async drop() {},
      };
    },
    async finish() {
      if (folder) rmSync(folder, { recursive: true, force: true });
    },
  };
}

export function postgresEngine(): Engine {
  const url = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  let admin: Client | undefined;
  const inSchema = async (schema: string, work: (client: Client) => Promise<unknown>) => {
    const client = new Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'PostgreSQL',
    replicas: true,
    async prepare(context) {
      const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
      try {
        await client.connect();
        admin = client;
      } catch (error) {
        await client.end().catch(() => {});
        const reason = `PostgreSQL is not reachable at ${url} (${(error as Error).message})`;
        // In CI a missing database must not pass as a green run.
        if (process.env.CI) throw new Error(`${reason}; CI needs it for the store contract`);
        console.warn(`    Skipping the PostgreSQL store contract: ${reason}. Set TEST_POSTGRES_URL to run it.`);
        context.skip();
      }
    },
    async fresh() {
      schemas += 1;
      const schema = `esc_test_${run}_${schemas}`;
      return {
        url,
        options: { schema },
        deleteEscalation: (n) =>
          inSchema(schema, (client) => client.query('delete from escalations where id = $1', [n])),
        async drop() {
          await admin?.query(`drop schema if exists ${schema} cascade`);
        },
      };
    },
    async finish() {
      if (!admin) return;
      // Whatever a failed test left behind.
      const left = await admin.query<{ name: string }>(
        `select nspname as name from pg_namespace where nspname like 'esc\\_test\\_${run}\\_%'`,
      );
      for (const { name } of left.rows) await admin.query(`drop schema ${name} cascade`);
      await admin.end();
    },
  };
}

/** Raw access to a test database beside the store: what the port does not show. */
export async function withRawDb<T>(database: Database, work: (db: Kysely<any>) => Promise<T>): Promise<T> {
  const db = database.url.startsWith('sqlite:')
    ? new Kysely<any>({ dialect: new SqliteDialect({ database: new SqliteDatabase(database.url.slice(7)) }) })
    : new Kysely<any>({
        dialect: new PostgresDialect({
          pool: new Pool({ connectionString: database.url, options: `-c search_path=${database.options?.schema}` }),
        }),
      });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/**
 * An empty database as an older version left it: migrated with the steps named before `step`
 * only, then handed to `work` (raw, with no store) to hold what that version stored.
 */
export async function migratedBefore(
  database: Database,
  step: string,
  work: (db: Kysely<any>) => Promise<void>,
): Promise<void> {
  const schema = database.options?.schema;
  if (database.url.startsWith('sqlite:')) mkdirSync(dirname(database.url.slice(7)), { recursive: true });
  await withRawDb(database, async (db) => {
    if (schema !== undefined) await sql`create schema ${sql.id(schema)}`.execute(db);
    const engine = database.url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
    const before = Object.entries(migrations(engine)).filter(([name]) => name < step);
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => Object.fromEntries(before) as Record<string, Migration> },
      ...(schema !== undefined && { migrationTableSchema: schema }),
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
    await work(db);
  });
}

export function briefOf(fields: { summary?: string; severity?: Severity; target?: Target } = {}): Brief {
  const parsed = parseBrief({
    summary: 'Checkout fails for EU customers',
    severity: 'high',
    target: 'engineering',
    customersAffected: 3,
    customerNames: 'Contoso, Fabrikam',
    workflowImpact: 'Customers cannot pay invoices',
    description: 'Since the 14:00 deploy every EU checkout answers 500.',
    asks: 'Find the cause\nTell us when a fix ships',
    ...fields,
  });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  return parsed.value;
}

export const dana: Person = { id: 'aad-dana', name: 'Dana Support', email: 'dana@example.com' };
export const eli: Person = { id: 'aad-eli', name: 'Eli Engineer' };
export const at = (minute: number) => new Date(Date.UTC(2026, 10, 28, 9, minute)).toISOString();

/** The escalation after one change: the next version, as a use case builds it. */
export function changed(escalation: Escalation, change: Partial<Escalation>): Escalation {
  return { ...escalation, ...change, version: escalation.version + 1, updatedAt: at(30) };
}

/**
 * Registers the hooks that give each test of a suite a fresh, migrated store on `engine`
 * (and drop it after); the suite reads `store` and `database` from the returned object.
 */
export function freshStores(engine: Engine): { store: Store; database: Database } {
  const current = {} as { store: Store; database: Database };
  before(async function () {
    await engine.prepare(this);
  });
  after(() => engine.finish());
  beforeEach(async () => {
    current.database = await engine.fresh();
    current.store = await openStore(current.database.url, current.database.options);
  });
  afterEach(async () => {
    await current.store?.close();
    await current.database?.drop();
  });
  return current;
}
