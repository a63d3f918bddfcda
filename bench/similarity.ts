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
import type { SimilarityText } from '../src/domain/similarity';
import { restrictedTiers } from '../src/domain/tiers';

/** Looked up as most cards are drawn: for the readers of an open tier's channel, who do not see the restricted tiers. */
const outsideSecurity = { hidden: restrictedTiers };

import { openStore, type StoreOptions } from '../src/store/openStore';

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

// --- escalations as agents write them -----------------------------------------------------

interface Story {
  /** Which problem it is about (area and symptom): what "the same problem" means here. */
  problem: string;
  summary: string;
  description: string;
  environment: string;
  expected?: string;
  actual?: string;
}

/** A brief as the store keeps it (JSON), with the fields the index reads filled in. */
function textOf({ summary, description, environment, expected, actual }: Story): SimilarityText {
  return { summary, description, environment, expected, actual };
}

function briefJson(story: Story) {
  return {
    summary: story.summary,
    severity: 'high',
    target: 'engineering',
    signals: [],
    impact: { customersAffected: 1, customerNames: [], workflowImpact: 'Blocked', slaStatus: 'within' },
    description: story.description,
    reproduction: {
      steps: [],
      environment: story.environment,
      ...(story.expected !== undefined && { expected: story.expected }),
      ...(story.actual !== undefined && { actual: story.actual }),
    },
    tried: [],
    customerCommunication: {},
    needed: { asks: ['Find the cause'] },
  };
}

/** Product areas: the words people use for each (any of them may be used). */
const areas: { names: string[]; things: string[] }[] = [
  { names: ['PDF export', 'invoice PDF', 'PDF download'], things: ['invoice', 'PDF file', 'export'] },
  { names: ['CSV import', 'bulk import', 'spreadsheet upload'], things: ['CSV file', 'import job', 'row'] },
  { names: ['SSO login', 'SAML sign-in', 'single sign-on'], things: ['login', 'identity provider', 'session'] },
  { names: ['analytics dashboard', 'reports dashboard', 'KPI charts'], things: ['chart', 'widget', 'dashboard'] },
  { names: ['billing address form', 'billing settings', 'payment details page'], things: ['address', 'VAT number'] },
  { names: ['checkout', 'card payment', 'payment page'], things: ['payment', 'card', 'order'] },
  { names: ['push notifications', 'mobile notifications'], things: ['notification', 'device token', 'badge'] },
  { names: ['calendar sync', 'Outlook calendar integration', 'Google Calendar sync'], things: ['event', 'meeting'] },
  { names: ['webhooks', 'webhook delivery', 'outgoing webhooks'], things: ['webhook', 'payload', 'endpoint'] },
  { names: ['REST API', 'public API', 'API v2'], things: ['request', 'token', 'endpoint'] },
  { names: ['search', 'global search', 'search index'], things: ['search result', 'index', 'query'] },
  { names: ['SCIM provisioning', 'user provisioning', 'directory sync'], things: ['account', 'group', 'license'] },
  { names: ['password reset', 'reset password email'], things: ['reset link', 'email', 'password'] },
  { names: ['scheduled reports', 'report scheduler'], things: ['schedule', 'report email', 'attachment'] },
  { names: ['audit log', 'activity log'], things: ['log entry', 'audit event'] },
  { names: ['file upload', 'attachment upload', 'document upload'], things: ['attachment', 'upload', 'file'] },
  { names: ['video playback', 'recorded meetings', 'video player'], things: ['video', 'recording', 'stream'] },
  { names: ['chat widget', 'live chat', 'support widget'], things: ['chat message', 'widget', 'conversation'] },
  { names: ['tax calculation', 'VAT calculation', 'sales tax'], things: ['tax rate', 'total', 'line item'] },
  { names: ['subscription renewal', 'auto-renewal', 'plan renewal'], things: ['subscription', 'renewal', 'plan'] },
  { names: ['coupon codes', 'discount codes', 'promo codes'], things: ['coupon', 'discount', 'cart'] },
  { names: ['inventory sync', 'stock levels', 'warehouse sync'], things: ['stock', 'SKU', 'warehouse'] },
  { names: ['shipping labels', 'label printing', 'carrier labels'], things: ['label', 'shipment', 'carrier'] },
  { names: ['Slack integration', 'Slack alerts'], things: ['Slack message', 'channel', 'alert'] },
  { names: ['Salesforce connector', 'CRM sync', 'Salesforce sync'], things: ['opportunity', 'contact', 'field'] },
  { names: ['two-factor authentication', '2FA', 'MFA prompt'], things: ['code', 'authenticator app', 'SMS'] },
  { names: ['rate limiting', 'API throttling'], things: ['limit', 'burst', 'quota'] },
  { names: ['roles and permissions', 'access rights', 'admin roles'], things: ['role', 'permission', 'admin'] },
  { names: ['custom fields', 'form builder'], things: ['field', 'dropdown', 'form'] },
  { names: ['email templates', 'notification emails', 'transactional email'], things: ['template', 'email'] },
  { names: ['time zones', 'date display', 'timestamps'], things: ['time zone', 'date', 'timestamp'] },
  { names: ['translations', 'localization', 'German UI'], things: ['translation', 'language', 'label'] },
  { names: ['offline mode', 'mobile offline sync'], things: ['offline change', 'sync queue', 'conflict'] },
  { names: ['receipt printing', 'POS receipts', 'thermal printer'], things: ['receipt', 'printer', 'till'] },
  { names: ['data retention', 'archiving job', 'data purge'], things: ['archive', 'record', 'retention policy'] },
  { names: ['usage billing', 'metered billing', 'usage report'], things: ['usage', 'meter', 'invoice line'] },
  { names: ['team invitations', 'invite emails', 'user invites'], things: ['invitation', 'invite link'] },
  { names: ['image thumbnails', 'image previews', 'media library'], things: ['thumbnail', 'image', 'preview'] },
  { names: ['map view', 'store locator', 'geolocation'], things: ['map', 'pin', 'location'] },
  { names: ['data export', 'GDPR export', 'account export'], things: ['export archive', 'ZIP file', 'download'] },
];

/** What goes wrong, in the ways people say it. */
const symptoms: string[][] = [
  ['is empty', 'comes out blank', 'produces an empty file', 'is 0 bytes'],
  ['times out', 'hangs until it times out', 'never finishes loading'],
  ['is very slow', 'takes minutes to load', 'is sluggish for large accounts'],
  ['shows duplicate entries', 'creates duplicates', 'is processed twice'],
  ['loses data', 'drops some records', 'silently discards changes'],
  ['shows wrong totals', 'calculates the wrong amount', 'rounds incorrectly'],
  ['never arrives', 'is not delivered', 'goes missing'],
  ['crashes the app', 'closes the app on open', 'crashes on launch'],
  ['loops back to the start', 'redirects endlessly', 'keeps reloading'],
  ['shows stale data', 'is hours out of date', 'does not refresh'],
  ['rejects valid input', 'refuses correct values', 'flags valid entries as invalid'],
  ['sends twice', 'fires duplicate messages', 'notifies people twice'],
  ['is missing fields', 'leaves columns out', 'drops custom fields'],
  ['uses the wrong currency', 'shows prices in USD instead of EUR'],
  ['ignores the time zone', 'is off by one hour', 'shows UTC times'],
  ['logs people out', 'ends the session early', 'forgets the login'],
  ['returns a server error', 'answers with a 500', 'fails with an internal error'],
  ['shows garbled characters', 'breaks umlauts and accents', 'mangles non-ASCII text'],
  ['is not clickable', 'button does nothing', 'cannot be saved'],
  ['shows another tenant’s data', 'leaks records across accounts'],
];

const scopes = [
  'EU accounts',
  'US accounts',
  'enterprise tenants',
  'accounts on the legacy plan',
  'iOS users',
  'Android users',
  'Safari users',
  'trial accounts',
  'APAC customers',
  'accounts with more than 10,000 records',
  'new sign-ups',
  'partners using the white-label app',
];

const triggers = [
  'since 2.14',
  'after the upgrade to 3.2',
  'since last night’s deploy',
  'since Monday',
  'after the certificate rotation',
  'after enabling SSO',
  'after moving to the new region',
  'since the 2.15.1 hotfix',
  'after the pricing change',
  'since the browser update',
  'after the database maintenance window',
];

const errors = [
  'ERR_PDF_RENDER_TIMEOUT',
  'ERR_SSL_PROTOCOL_ERROR',
  'ERR_TOO_MANY_REDIRECTS',
  'NullPointerException',
  'OutOfMemoryError',
  'TypeError',
  'ORA-00942',
  'ORA-01555',
  'AADSTS50011',
  'AADSTS700016',
  'HTTP 502',
  'HTTP 504',
  'HTTP 429',
  '503 Service Unavailable',
  'ECONNRESET',
  'ETIMEDOUT',
  '0x80070005',
  'SQLITE_BUSY',
  'DEADLINE_EXCEEDED',
  '"Unable to generate the document"',
  '"Your session has expired, please sign in again"',
  '`Cannot read properties of undefined`',
];

const environments = {
  regions: ['Production EU-West', 'Production US-East', 'Production APAC-Sydney', 'Staging EU'],
  apps: ['web app', 'iOS app', 'Android app', 'desktop app', 'API'],
  browsers: ['Chrome 131', 'Edge 120', 'Safari 17', 'Firefox 133', 'Chrome 130'],
};

const fillers = [
  'Clearing the cache and signing in again did not help.',
  'The customer sent screenshots and a HAR file.',
  'It happens every time for them, we could reproduce it on a test tenant.',
  'A workaround is to use the desktop app, but finance teams refuse it.',
  'Their admin says nothing changed on their side.',
  'Three more accounts reported the same thing this morning.',
  'This blocks their month-end close.',
  'Renewal is due next month and the account manager is worried.',
  'Logs attached from the support console.',
  'We checked the status page: no incident is open.',
  'It started for one account and is spreading.',
  'Restarting the integration did not change anything.',
  'Their IT team whitelisted our domains already.',
  'Only some users in the account see it, admins included.',
  'The problem comes and goes during the day.',
  'Their account manager asked for an update by end of day.',
  'The behaviour is the same in the mobile app.',
  'We compared with a healthy tenant and saw no difference in settings.',
  'A similar complaint came in last quarter and was closed as a one-off.',
  'They can live with it for a few days but not past the weekend.',
  'Support could not reproduce it with a fresh test account.',
  'The admin console shows nothing unusual.',
  'Rolling back their last configuration change did not help.',
];

export type Random = () => number;

/** mulberry32: small, fast and repeatable. */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Problems repeat (that is the point of the feature): a few hundred, popular ones more often. */
function escalationStory(random: Random): Story {
  const areaIndex = Math.floor(areas.length * random() ** 1.6);
  const area = areas[areaIndex] as (typeof areas)[number];
  const symptomIndex = Math.floor(random() * symptoms.length);
  const symptom = symptoms[symptomIndex] as string[];
  const scope = pick(random, scopes);
  const since = pick(random, triggers);
  const error = random() < 0.4 ? pick(random, errors) : undefined;
  const name = pick(random, area.names);
  const thing = pick(random, area.things);
  const company = companyName(random);
  const summaryForms = [
    () => `${capital(name)} ${pick(random, symptom)} for ${scope} ${since}`,
    () => `${capital(scope)}: ${name} ${pick(random, symptom)}`,
    () => `${capital(thing)} ${pick(random, symptom)} in ${name}${error && random() < 0.3 ? ` (${error})` : ''}`,
    () => `${capital(name)} ${pick(random, symptom)} ${since}`,
    () => `${company}: ${name} ${pick(random, symptom)}`,
  ];
  const summary = pick(random, summaryForms)().slice(0, 120);
  const sentences = [
    `${capital(since)}, the ${name} ${pick(random, symptom)} for ${scope}.`,
    pick(random, [
      `${company} (${10 + Math.floor(random() * 4000)} seats) noticed it during ${pick(random, activities)}.`,
      `${company} found it during ${pick(random, activities)}.`,
      `First reported by ${company}, a ${pick(random, ['retail', 'logistics', 'banking', 'healthcare', 'SaaS', 'hospitality', 'public sector'])} customer.`,
      `${company} raised it twice this week.`,
    ]),
    pick(random, [
      `It affects every ${thing}, not only the first one.`,
      `Only some ${thing}s are hit; we could not find a pattern yet.`,
      `The ${thing} looks fine in the ${pick(random, jargon)} view but not in the ${pick(random, jargon)} view.`,
      `It started with one ${thing} and now hits all of them.`,
      `Their ${pick(random, jargon)} ${pick(random, jargon)} depends on this ${thing}.`,
    ]),
    error
      ? `The ${pick(random, ['logs show', 'browser console shows', 'API answers with', 'the app reports', 'support console shows'])} ${error}.`
      : '',
    pick(random, fillers),
    random() < 0.5 ? pick(random, fillers) : '',
    random() < 0.5 ? `They use it together with ${pick(random, jargon)} and ${pick(random, jargon)}.` : '',
    random() < 0.3 ? `It may be related to the ${pick(random, areas).names[0]} change.` : '',
  ];
  const environment = `${pick(random, environments.regions)}, ${pick(random, environments.apps)} ${
    2 + Math.floor(random() * 2)
  }.${10 + Math.floor(random() * 8)}.${Math.floor(random() * 4)}, ${pick(random, environments.browsers)}`;
  return {
    problem: `${areaIndex}/${symptomIndex}`,
    summary,
    description: sentences.filter(Boolean).join(' '),
    environment,
    ...(random() < 0.5 && { expected: `The ${thing} works as before` }),
    ...(random() < 0.5 && { actual: `The ${thing} ${pick(random, symptom)}` }),
  };
}

/** Customers: thousands of names, as in a real book of business. */
function companyName(random: Random): string {
  const syllables = ['ac', 'me', 'glo', 'bex', 'ini', 'tech', 'fab', 'ri', 'kam', 'con', 'to', 'so', 'nor', 'wind'];
  const more = ['um', 'brel', 'la', 'vand', 'ley', 'ho', 'li', 'stark', 'wa', 'cy', 'dyne', 'tyr', 'sol', 'mas'];
  const parts = [pick(random, syllables), pick(random, more), ...(random() < 0.5 ? [pick(random, syllables)] : [])];
  return `${capital(parts.join(''))} ${pick(random, ['GmbH', 'SARL', 'Ltd', 'Inc', 'BV', 'AB', 'Oy', 'SpA'])}`;
}

const activities = [
  'the month-end close',
  'the quarterly audit',
  'onboarding 200 new staff',
  'Black Friday sales',
  'their annual renewal',
  'a board meeting',
  'a migration from their old system',
  'payroll day',
  'a trade show',
  'a regulator visit',
  'their summer sale',
  'a pilot in two stores',
  'year-end reporting',
  'a product launch',
  'a security review',
];

/** The long tail of product and business words that makes every description a little different. */
const jargon = [
  'ledger',
  'payout',
  'reconciliation',
  'chargeback',
  'refund',
  'purchase order',
  'cost center',
  'approval flow',
  'workflow',
  'pipeline',
  'forecast',
  'quota',
  'territory',
  'lead scoring',
  'campaign',
  'newsletter',
  'segment',
  'cohort',
  'funnel',
  'retention',
  'churn report',
  'NPS survey',
  'help center',
  'knowledge base',
  'macro',
  'SLA policy',
  'escalation matrix',
  'on-call rota',
  'shift plan',
  'timesheet',
  'expense claim',
  'mileage',
  'per diem',
  'payslip',
  'pension',
  'benefits portal',
  'org chart',
  'seat license',
  'sandbox',
  'staging copy',
  'data warehouse',
  'BI connector',
  'Power BI',
  'Tableau',
  'Looker',
  'Zapier',
  'Okta',
  'Azure AD',
  'Google Workspace',
  'HubSpot',
  'Shopify',
  'Magento',
  'WooCommerce',
  'NetSuite',
  'SAP',
  'Xero',
  'QuickBooks',
  'DATEV',
  'Stripe',
  'Adyen',
  'PayPal',
  'Klarna',
  'SEPA mandate',
  'direct debit',
  'bank feed',
  'FX rate',
  'price list',
  'catalog',
  'variant',
  'bundle',
  'loyalty points',
  'gift card',
  'voucher',
  'return label',
  'pick list',
  'packing slip',
  'barcode',
  'RFID',
  'kiosk',
  'tablet',
  'handheld scanner',
  'label printer',
  'cash drawer',
  'Z report',
  'shift close',
  'floor plan',
  'booking',
  'reservation',
  'waitlist',
  'appointment',
  'reminder SMS',
  'e-signature',
  'contract',
  'quote',
  'proposal',
  'PDF template',
  'letterhead',
  'watermark',
  'footer',
  'logo',
  'brand theme',
  'dark mode',
  'accessibility',
  'screen reader',
  'keyboard shortcut',
  'bulk edit',
  'saved filter',
  'pivot table',
  'audit trail',
  'retention rule',
  'legal hold',
  'DSAR',
  'consent banner',
  'cookie settings',
  'IP allow list',
];

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

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
