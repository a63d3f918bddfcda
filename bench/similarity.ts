// Similarity lookup under load: a store filled with `count` escalations written the way agents
// write them (a product area, a symptom, who is hit, since when, an environment, often an
// error string; many about the same few hundred problems, in varied words), 80% of them
// resolved or closed (20% open is a heavy backlog; a lookup ranks open escalations only, so
// its time grows with them: OPEN_SHARE changes it), then 200 lookups of "possibly the same as"
// for new briefs, timed one by one as the form and the card run them. Target: p95 under 50 ms
// at 100,000.
//
// `benchSimilarity('sqlite:/tmp/x/escalations.db')` (a file that does not exist yet, removed
// afterwards) or `benchSimilarity('postgres://postgres@127.0.0.1:5432/test')` (a schema of its
// own, dropped afterwards). As a script:
//   node dist/bench/similarity.js [DATABASE_URL] [COUNT] [OPEN_SHARE]

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { similarOpenEscalations } from '../src/app/similar';
import { restrictedTiers } from '../src/domain/tiers';
import { openStore, type StoreOptions } from '../src/store/openStore';
import { briefJson, escalationStory, pick, type Random, seeded, textOf } from './stories';

/** Looked up as most cards are drawn: for the readers of an open tier's channel, who do not see the restricted tiers. */
const outsideSecurity = { hidden: restrictedTiers };

export interface SimilarityBenchResult {
  count: number;
  /** Of `count`, how many are open (not resolved or closed): what a lookup ranks. */
  open: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Filling the store, its index kept by the triggers as in production. */
  fillSeconds: number;
  /** Lookups that showed at least one escalation, and how many they showed on average. */
  lookupsWithMatches: number;
  meanShown: number;
  /** Of the escalations shown, the share about the same problem (same product area and symptom). */
  sameProblemShare: number;
}

export interface SimilarityBenchOptions {
  /** Share of the stored escalations still open; the rest are resolved or closed. */
  openShare?: number;
  lookups?: number;
  /** Seed of the text generator, so two runs store the same escalations. */
  seed?: number;
}

export async function benchSimilarity(
  databaseUrl: string,
  count = 100_000,
  options: SimilarityBenchOptions = {},
): Promise<SimilarityBenchResult> {
  const { openShare = 0.2, lookups = 200, seed = 42 } = options;
  const target = await freshDatabase(databaseUrl);
  try {
    // Migrated by the store itself, then filled around it in big transactions.
    await (await openStore(target.url, target.options)).close();
    const random = seeded(seed);
    const fillStarted = performance.now();
    const { open, problems } = await fill(target, count, openShare, random);
    const fillSeconds = (performance.now() - fillStarted) / 1000;

    const store = await openStore(target.url, target.options);
    try {
      const briefs = Array.from({ length: lookups + 10 }, () => escalationStory(random));
      // Warm-up: the first lookups read the index from disk into the page cache.
      for (const brief of briefs.slice(0, 10)) await similarOpenEscalations(store, textOf(brief), outsideSecurity);
      const times: number[] = [];
      let withMatches = 0;
      let shown = 0;
      let sameProblem = 0;
      for (const brief of briefs.slice(10)) {
        const started = performance.now();
        const found = await similarOpenEscalations(store, textOf(brief), outsideSecurity);
        times.push(performance.now() - started);
        if (found.length > 0) withMatches += 1;
        shown += found.length;
        // Escalation n is the n-th stored: the database was empty.
        sameProblem += found.filter((e) => problems[Number(e.id.slice('ESC-'.length)) - 1] === brief.problem).length;
      }
      times.sort((a, b) => a - b);
      return {
        count,
        open,
        p50Ms: round(percentile(times, 0.5)),
        p95Ms: round(percentile(times, 0.95)),
        p99Ms: round(percentile(times, 0.99)),
        maxMs: round(times[times.length - 1] ?? 0),
        fillSeconds: round(fillSeconds),
        lookupsWithMatches: withMatches,
        meanShown: round(shown / lookups),
        sameProblemShare: round(shown === 0 ? 0 : sameProblem / shown),
      };
    } finally {
      await store.close();
    }
  } finally {
    await target.drop();
  }
}

// --- the database ----------------------------------------------------------------------

export interface Target {
  url: string;
  options?: StoreOptions;
  engine: 'sqlite' | 'postgres';
  drop(): Promise<void>;
}

/** A store of its own: never fills (or drops) a database that holds anything already. */
export async function freshDatabase(databaseUrl: string): Promise<Target> {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === ':memory:' || path === '') throw new Error('benchSimilarity needs a SQLite file path');
    if (existsSync(path)) throw new Error(`benchSimilarity fills a new database: ${path} exists already`);
    mkdirSync(dirname(path), { recursive: true });
    return {
      url: `sqlite:${path}`,
      engine: 'sqlite',
      async drop() {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
      },
    };
  }
  const schema = `bench_similarity_${process.pid}_${Date.now().toString(36)}`;
  return {
    url: databaseUrl,
    options: { schema },
    engine: 'postgres',
    async drop() {
      const pool = new Pool({ connectionString: databaseUrl });
      try {
        await pool.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await pool.end();
      }
    },
  };
}

/** The columns the bench writes; the others are nullable or have defaults. */
interface BenchTables {
  escalations: {
    status: string;
    severity: string;
    target: string;
    summary: string;
    brief: string;
    requester: string;
    requester_id: string | null;
    version: number;
    created_at: string;
    updated_at: string;
  };
}

export function connect(target: Target): Kysely<BenchTables> {
  if (target.engine === 'sqlite') {
    const database = new SqliteDatabase(target.url.slice('sqlite:'.length));
    database.pragma('journal_mode = WAL');
    return new Kysely<BenchTables>({ dialect: new SqliteDialect({ database }) });
  }
  const pool = new Pool({ connectionString: target.url, options: `-c search_path=${target.options?.schema}` });
  return new Kysely<BenchTables>({ dialect: new PostgresDialect({ pool }) });
}

const rowsPerInsert = 500;
const rowsPerTransaction = 5_000;

/** Writes `count` escalations straight into the table (the triggers index them): how many are open, what each is about. */
export async function fill(
  target: Target,
  count: number,
  openShare: number,
  random: Random,
): Promise<{ open: number; problems: string[] }> {
  const db = connect(target);
  let open = 0;
  const problems: string[] = [];
  try {
    const start = Date.UTC(2023, 0, 1);
    for (let done = 0; done < count; done += rowsPerTransaction) {
      const batch = Math.min(rowsPerTransaction, count - done);
      await db.transaction().execute(async (trx) => {
        for (let offset = 0; offset < batch; offset += rowsPerInsert) {
          const rows = [];
          for (let i = 0; i < Math.min(rowsPerInsert, batch - offset); i++) {
            const n = done + offset + i;
            const story = escalationStory(random);
            problems.push(story.problem);
            const isOpen = random() < openShare;
            if (isOpen) open += 1;
            const at = new Date(start + n * 15 * 60_000).toISOString();
            const requester = pick(random, agents);
            rows.push({
              status: isOpen ? pick(random, openStatuses) : pick(random, doneStatuses),
              severity: pick(random, ['critical', 'high', 'medium']),
              target: pick(random, ['support', 'engineering', 'product', 'security', 'leadership']),
              summary: story.summary,
              brief: JSON.stringify(briefJson(story)),
              requester: JSON.stringify(requester),
              requester_id: requester.id,
              version: 1,
              created_at: at,
              updated_at: at,
            });
          }
          await trx.insertInto('escalations').values(rows).execute();
        }
      });
    }
    // What autovacuum does to a table that grew: statistics for the planner, GIN pending lists merged.
    if (target.engine === 'postgres') await sql`vacuum analyze escalation_search`.execute(db);
    else await sql`analyze`.execute(db);
  } finally {
    await db.destroy();
  }
  return { open, problems };
}

const openStatuses = ['new', 'acknowledged', 'investigating', 'waiting_on_customer', 'fix_in_progress'];
const doneStatuses = ['resolved', 'closed'];
const agents = [
  { id: 'aad-dana', name: 'Dana Support' },
  { id: 'aad-sam', name: 'Sam Lee' },
  { id: 'aad-ria', name: 'Ria Patel' },
  { id: 'aad-tom', name: 'Tom Berg' },
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}

const round = (n: number) => Math.round(n * 100) / 100;

if (require.main === module) {
  const [url, count, openShare] = process.argv.slice(2);
  const databaseUrl =
    url ?? `sqlite:${join(mkdtempSync(join(tmpdir(), 'escalation-desk-similarity-')), 'escalations.db')}`;
  benchSimilarity(databaseUrl, count ? Number(count) : undefined, {
    ...(openShare !== undefined && { openShare: Number(openShare) }),
  }).then(
    (result) => console.log(JSON.stringify({ databaseUrl: databaseUrl.split(':')[0], ...result })),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
