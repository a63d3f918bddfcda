// Wiring: configuration, store, bot, server. `npm start` runs this file.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CloudAdapter } from 'botbuilder';
import { type DeliverySender, DeliveryWorker, type DeliveryWorkerDeps } from './app/deliveryWorker';
import { type Clock, type Store, systemClock } from './app/ports';
import { type Config, ConfigError, loadConfig } from './config';
import { ActivityFeed } from './graph/activityFeed';
import { GraphChats } from './graph/chats';
import { GraphClient } from './graph/client';
import { desksFrom } from './helpdesk/desks';
import { TicketNotePublisher } from './helpdesk/notePublisher';
import { Lifecycle } from './http/lifecycle';
import { Metrics } from './http/metrics';
import { createServer } from './http/server';
import { SlaWatcher } from './jobs/slaWatcher';
import { createLogger, type Logger, withoutPassword } from './logging';
import { FileMailer } from './mail/files';
import { GraphMailer } from './mail/graph';
import { openStore } from './store/openStore';
import { createAdapter } from './teams/adapter';
import { EscalationBot } from './teams/bot';
import { TeamsDirectory } from './teams/directory';
import { EmailPublisher } from './teams/emailPublisher';
import { TeamsPublisher } from './teams/publisher';
import { postInChatWith } from './teams/swarmChat';

/** How long a desk's webhook waits for its ticket to be read from the desk's API. */
const deskReadMs = 1_500;

export interface RunningApp {
  url: string;
  store: Store;
  /** Says "draining" on /healthz and /readyz from now on; requests are still answered. */
  drain(): void;
  /** Stops taking requests, answers those under way, lets the delivery in progress finish (at most graceMs), closes the store. */
  close(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** Where log lines go (tests capture them); by default pino on stdout at LOG_LEVEL. */
  logger?: Logger;
  /** Tests: the app's sentences (its `log`) somewhere else than the logger. */
  log?: (message: string) => void;
  /** PostgreSQL only: keep the tables in this schema (tests use one each). */
  schema?: string;
  /** How long changes to one escalation gather into one notice (tests: short). */
  noticeWindowMs?: number;
  /** Delivery worker tuning (tests use short intervals). */
  delivery?: Partial<
    Pick<DeliveryWorkerDeps, 'pollMs' | 'perConversationIntervalMs' | 'backoffBaseMs' | 'backoffCapMs'>
  >;
}

export async function start(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const log = options.log ?? ((message: string) => logger.info(message));
  // Listening from the start: while the database's migrations run, /readyz says so.
  const lifecycle = new Lifecycle();
  await lifecycle.listen(config.port, config.host);
  let store: Store;
  try {
    store = await openStore(config.databaseUrl, {
      schema: options.schema,
      log,
      noticeWindowMs: options.noticeWindowMs,
    });
  } catch (error) {
    await lifecycle.close();
    throw error;
  }
  const adapter = createAdapter(config, log);
  const clock = options.clock ?? systemClock;
  // One client (one identity, one token cache) for every Graph call.
  const graph = config.graph ? new GraphClient(config.graph) : undefined;
  // Swarm chats through Graph (TEAMS_APP_ID); every card drawn knows whether Swarm opens one or links to a draft.
  const chats =
    config.swarm.kind === 'graph' && graph && config.graph
      ? new GraphChats(graph, config.graph.url, config.swarm.teamsAppId)
      : undefined;
  const base = { ...deskBase(config, { store, adapter, clock, log }), chats };
  const metrics = metricsOf(store, clock);
  const deliveries = new DeliveryWorker({
    store,
    clock: base.clock,
    sender: senderOf(config, base, adapter, graph),
    noticesToFeed: config.notices.kind === 'activityFeed',
    log,
    onResult: (kind, result, throttled) => {
      metrics.deliveries.inc({ kind, result });
      if (throttled) metrics.throttled.inc({ kind });
      if (kind === 'email' && result === 'sent') metrics.emailsSent.inc();
    },
    ...options.delivery,
  });
  const desk = {
    ...base,
    awaitPost: (escalationId: string, timeoutMs: number) => deliveries.awaitPost(escalationId, timeoutMs),
    sendCopyNow: deliveries.sendCopyNow.bind(deliveries),
    paceTurnSend: deliveries.paceTurnSend.bind(deliveries),
    deliverSoon: () => deliveries.kick(),
    counters: metrics,
    postInChat: postInChatWith({ ...base, adapter }),
  };
  const bot = new EscalationBot(desk);
  const server = createServer({ ...desk, config, adapter, bot, metrics, logger, lifecycle });
  lifecycle.serve(server.server);
  // Picks up what an earlier run left in the outbox.
  deliveries.start();
  const watcher = new SlaWatcher(desk, config.slaCheckIntervalMs, (report) => {
    metrics.slaReminders.inc(report.reminders);
    metrics.slaRaises.inc(report.raised);
  });
  watcher.start();
  const address = lifecycle.http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    store,
    drain() {
      lifecycle.phase = 'draining';
    },
    async close(graceMs = 10_000) {
      lifecycle.phase = 'draining';
      await lifecycle.close();
      await watcher.stop();
      await deliveries.stop(graceMs);
      await store.close();
    },
  };
}

/** What every part of the desk is built with. */
function deskBase(
  config: Config,
  { store, adapter, clock, log }: { store: Store; adapter: CloudAdapter; clock: Clock; log: (message: string) => void },
) {
  const appId = config.bot?.id ?? '';
  return {
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
    helpdesk: config.helpdesk,
    desks: config.helpdesk.desks.map(({ system, baseUrl }) => ({ system, baseUrl })),
    // A webhook waits while its ticket is read: a short deadline, so the desk is answered within 2 s.
    deskReaders: desksFrom(config.helpdesk.desks, deskReadMs),
  };
}

/** Sends what the outbox holds: cards to Teams, emails through Graph (or as files in local mode). */
function senderOf(
  config: Config,
  base: ReturnType<typeof deskBase>,
  adapter: CloudAdapter,
  graph: GraphClient | undefined,
): DeliverySender {
  // Followers' notices to their activity feed when the app is known and Graph is called.
  const feed =
    config.notices.kind === 'activityFeed' && graph
      ? { sender: new ActivityFeed(graph, config.notices.teamsAppId), teamsAppId: config.notices.teamsAppId }
      : undefined;
  const teams = new TeamsPublisher({ ...base, adapter, feed });
  const mailer =
    config.mail.kind === 'graph' && graph
      ? new GraphMailer(graph, config.mail.sender)
      : new FileMailer(join(dataFolder(config.databaseUrl) ?? tmpdir(), 'mail'), base.clock);
  const emails = new EmailPublisher({ ...base, mailer });
  const notes = new TicketNotePublisher(desksFrom(config.helpdesk.desks));
  return {
    send: (delivery, turn) => {
      if (delivery.kind === 'email') return emails.send(delivery, turn);
      if (delivery.kind === 'ticketNote') return notes.send(delivery, turn);
      return teams.send(delivery, turn);
    },
  };
}

/** The operator's metrics, the outbox's depth and age asked at each scrape. */
function metricsOf(store: Store, clock: Clock): Metrics {
  return new Metrics(async () => {
    const [pending, failed, oldest] = await Promise.all([
      store.pendingDeliveries(),
      store.failedDeliveries(),
      store.oldestPendingDelivery(),
    ]);
    const age = oldest ? (clock.now().getTime() - Date.parse(oldest)) / 1000 : 0;
    return { pending, failed, oldestPendingSeconds: Math.max(0, age) };
  });
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

/** How long "draining" is said before connections close: a load balancer's probe interval or so. */
const drainNoticeMs = 1_000;

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
  const logger = createLogger(config.logLevel);
  const app = await start(config, { logger });
  logger.info(
    `Escalation Desk listening on ${app.url} (${config.localMode ? 'local mode: no Bot Framework authentication' : `bot ${config.bot?.id}`}; store ${withoutPassword(config.databaseUrl)})`,
  );
  // SIGTERM: say "draining" for a moment (load balancers stop sending), answer what is under way,
  // finish the delivery in progress, and be gone within 10 s whatever happens.
  const stop = async (signal: string) => {
    logger.info(`${signal}: draining`);
    setTimeout(() => {
      logger.warn('still stopping after 10 s: exiting now');
      process.exit(1);
    }, 10_000).unref();
    app.drain();
    await new Promise((resolve) => setTimeout(resolve, drainNoticeMs));
    await app.close(6_000);
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`Escalation Desk stopped: ${(error as Error).stack ?? error}`);
    process.exit(1);
  });
}
