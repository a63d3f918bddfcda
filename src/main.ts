// Wiring: configuration, store, bot, server. `npm start` runs this file.
import type { AddressInfo } from 'node:net';
import { DeliveryWorker, type DeliveryWorkerDeps } from './app/deliveryWorker';
import { type Clock, type Store, systemClock } from './app/ports';
import { type Config, ConfigError, loadConfig } from './config';
import { Metrics } from './http/metrics';
import { createServer } from './http/server';
import { SlaWatcher } from './jobs/slaWatcher';
import { openStore } from './store/openStore';
import { createAdapter } from './teams/adapter';
import { EscalationBot } from './teams/bot';
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
  const store = await openStore(config.databaseUrl, { schema: options.schema });
  const adapter = createAdapter(config, log);
  const base = {
    store,
    clock: options.clock ?? systemClock,
    slaPolicy: config.slaPolicy,
    log,
    publicUrl: config.publicUrl,
    originatorId: config.outlookOriginatorId,
  };
  const sender = new TeamsPublisher({ ...base, adapter, appId: config.bot?.id ?? '' });
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
