import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Config, loadConfig } from './config/environment.js';
import { type ChangeSignal, inProcessSignal, redisSignal } from './feed/signal.js';
import { WebhookDispatcher } from './feed/webhooks/dispatcher.js';
import { fileDeliveryState, redisDeliveryState } from './feed/webhooks/state.js';
import { createLogger, type Logger } from './logger.js';
import { exitOnStartupFailure, listen, startingHandler } from './startup.js';
import { BootstrapState, bootstrapStore } from './store/bootstrap.js';
import { openConfiguredStore } from './store/open.js';
import type { DramaStore } from './store/port.js';
import { createDramaYoga } from './yoga.js';

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
let logger = createLogger(LEVELS.has(process.env.LOG_LEVEL ?? '') ? process.env.LOG_LEVEL : 'info');
let config: Config | undefined;
let store: DramaStore | undefined;
let server: Server | undefined;
let stopWebhooks: () => Promise<void> = () => Promise.resolve();

const shutdown = (signal: string) => {
  logger.info({ signal }, 'shutting down');
  if (server && store && config) drain(server, store, logger, config.ops.shutdownTimeoutMs);
  else void (store?.close() ?? Promise.resolve()).finally(() => process.exit(0));
};
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));

try {
  config = loadConfig();
  logger = createLogger(config.logLevel);
  const opened = await openConfiguredStore(config);
  store = opened;
  // Bind before migrating or seeding, so a busy port fails fast and changes nothing; answer 503 until then.
  let handler: RequestListener = startingHandler;
  server = createServer((request, response) => handler(request, response));
  await listen(server, config.port, config.host);
  const bootstrap = new BootstrapState();
  const state = await bootstrapStore(opened, config, logger, bootstrap);
  const signal = config.feed.redisUrl
    ? redisSignal(config.feed.redisUrl, config.feed.channel, logger)
    : inProcessSignal();
  const webhooks = startWebhooks(opened, config, signal, logger);
  stopWebhooks = () => webhooks?.stop() ?? Promise.resolve();
  handler = createDramaYoga({
    store,
    webhooks,
    changeFeed: { signal, pollMs: config.feed.pollMs },
    ops: config.ops,
    logger,
    tokens: config.tokens,
    loaders: config.loaders,
    bootstrap,
    persistedOperations: config.persistedOperations,
  });
  const { port } = server.address() as AddressInfo;
  logger.info(
    {
      store: store.kind,
      state,
      url: `http://localhost:${port}/graphql`,
      production: config.ops.production,
      tokens: config.tokens.length,
    },
    'drama graph listening',
  );
  if (process.env.REDIS_URL)
    logger.warn(
      { env: 'REDIS_URL' },
      'REDIS_URL carries the change feed and webhook state only: automatic persisted queries are kept in this process',
    );
} catch (error) {
  exitOnStartupFailure(logger, error, { neo4jUri: config?.neo4j?.uri });
}

/** Stops accepting, lets in-flight requests finish (up to the timeout), then closes the store and exits. */
function drain(server: Server, store: DramaStore, logger: Logger, timeoutMs: number) {
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  const deadline = setTimeout(() => {
    logger.error({ timeoutMs }, 'in-flight requests did not finish in time; closing them');
    server.closeAllConnections();
    process.exit(1);
  }, timeoutMs);
  server.close(() => {
    clearInterval(idle);
    clearTimeout(deadline);
    void stopWebhooks()
      .catch(() => undefined)
      .then(() => store.close())
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      });
  });
  server.closeIdleConnections();
}

/** Starts delivering to the endpoints of WEBHOOKS_FILE, if any: state in Redis when REDIS_URL is set, else in a file. */
function startWebhooks(
  store: DramaStore,
  config: Config,
  signal: ChangeSignal,
  logger: Logger,
): WebhookDispatcher | undefined {
  const { endpoints, stateFile, redisPrefix, settings } = config.webhooks;
  if (endpoints.length === 0) return undefined;
  const state = config.feed.redisUrl
    ? redisDeliveryState(config.feed.redisUrl, redisPrefix)
    : fileDeliveryState(stateFile!);
  const dispatcher = new WebhookDispatcher(store, endpoints, state, signal, settings, logger);
  dispatcher.start();
  logger.info({ endpoints: endpoints.map((e) => e.id), shared: Boolean(config.feed.redisUrl) }, 'webhooks started');
  return dispatcher;
}
