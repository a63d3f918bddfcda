// Wiring: configuration, store, bot, server. `npm start` runs this file.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type DeliverySender, DeliveryWorker, type DeliveryWorkerDeps } from './app/deliveryWorker';
import { type Clock, type Store, systemClock } from './app/ports';
import { type Config, ConfigError, loadConfig } from './config';
import { Metrics } from './http/metrics';
import { createServer } from './http/server';
import { SlaWatcher } from './jobs/slaWatcher';
import { FileMailer } from './mail/files';
import { GraphMailer } from './mail/graph';
import { openStore } from './store/openStore';
import { createAdapter } from './teams/adapter';
import { EscalationBot } from './teams/bot';
import { TeamsDirectory } from './teams/directory';
import { EmailPublisher } from './teams/emailPublisher';
import { TeamsPublisher } from './teams/publisher';

export interface RunningApp {
  url: string;
  store: Store;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  log?: (message: string) => void;
  /** PostgreSQL only: keep the tables in this schema (tests use one each). */
  schema?: string;
  /** Delivery worker tuning (tests use short intervals). */
  delivery?: Partial<
    Pick<DeliveryWorkerDeps, 'pollMs' | 'perConversationIntervalMs' | 'backoffBaseMs' | 'backoffCapMs'>
  >;
}

export async function start(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const log = options.log ?? ((message: string) => console.log(`${new Date().toISOString()} ${message}`));
  const store = await openStore(config.databaseUrl, { schema: options.schema, log });
  const adapter = createAdapter(config, log);
  const clock = options.clock ?? systemClock;
  const appId = config.bot?.id ?? '';
  const base = {
    store,
    clock,
    slaPolicy: config.slaPolicy,
    log,
    publicUrl: config.publicUrl,
    originatorId: config.outlookOriginatorId,
    linkSecret: config.linkSecret ?? localLinkSecret(config.databaseUrl),
    directory: new TeamsDirectory({ adapter, appId, store, clock, admins: config.admins }),
    access: { leadershipSeesSecurity: config.leadershipSeesSecurity },
    allowedTenants: config.allowedTenants,
    appId,
    organisationDomain: config.mail.kind === 'graph' ? config.mail.sender.split('@')[1] : undefined,
  };
  const teams = new TeamsPublisher({ ...base, adapter });
  const mailer =
    config.mail.kind === 'graph'
      ? new GraphMailer(config.mail, clock)
      : new FileMailer(join(dataFolder(config.databaseUrl) ?? tmpdir(), 'mail'), clock);
  const emails = new EmailPublisher({ ...base, mailer });
  const sender: DeliverySender = {
    send: (delivery) => (delivery.kind === 'email' ? emails.send(delivery) : teams.send(delivery)),
  };
  const deliveries = new DeliveryWorker({ store, clock: base.clock, sender, log, ...options.delivery });
  const desk = {
    ...base,
    deliverNow: (timeoutMs: number) => deliveries.deliverNow(timeoutMs),
    deliverSoon: () => deliveries.kick(),
  };
  const bot = new EscalationBot(desk);
  const server = createServer({ ...desk, config, adapter, bot, metrics: new Metrics() });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  // Picks up what an earlier run left in the outbox.
  deliveries.start();
  const watcher = new SlaWatcher(desk, config.slaCheckIntervalMs);
  watcher.start();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    store,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await watcher.stop();
      await deliveries.stop();
      await store.close();
    },
  };
}

/**
 * Local mode without LINK_SECRET: a secret made once and kept beside the SQLite file (or in
 * ./data), so "Brief as text" links keep working across restarts.
 */
function localLinkSecret(databaseUrl: string): string {
  const folder = dataFolder(databaseUrl);
  // A database that lives in memory: links that live as long.
  if (folder === undefined) return randomBytes(32).toString('base64url');
  const file = join(folder, 'link-secret');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
  } catch {
    // Not made yet.
  }
  mkdirSync(folder, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Where local files go (the link secret, emails written as files): beside the SQLite file, or ./data; none for an in-memory database. */
function dataFolder(databaseUrl: string): string | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return './data';
  const path = databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  return path === ':memory:' ? undefined : dirname(path);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Escalation Desk cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const app = await start(config);
  console.log(
    `Escalation Desk listening on ${app.url} (${config.localMode ? 'local mode: no Bot Framework authentication' : `bot ${config.bot?.id}`}; store ${config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')})`,
  );
  const stop = async (signal: string) => {
    console.log(`${signal}: stopping`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`Escalation Desk stopped: ${(error as Error).message}`);
    process.exit(1);
  });
}
