import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Config, loadConfig } from './config/environment.js';
import { nodeEnvWarning } from './config/settings.js';
import { guardedServer } from './connections.js';
import { createLogger, type Logger } from './logger.js';
import { probesOnly } from './probes.js';
import { inOriginForm } from './request-target.js';
import { type RunningService, startService } from './service.js';
import { applyHeapGrowth, exitOnStartupFailure, listen, startingHandler } from './startup.js';
import { BootstrapState, bootstrapStore } from './store/bootstrap.js';
import { openConfiguredStore } from './store/open.js';
import type { DramaStore } from './store/port.js';

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
let logger = createLogger(LEVELS.has(process.env.LOG_LEVEL ?? '') ? process.env.LOG_LEVEL : 'info');
let config: Config | undefined;
let store: DramaStore | undefined;
let server: Server | undefined;
let probes: Server | undefined;
let service: RunningService | undefined;

const shutdown = (signal: string) => {
  logger.info({ signal }, 'shutting down');
  // Probes fail at once, so an orchestrator sees the service going away while in-flight requests finish.
  probes?.close();
  probes?.closeAllConnections();
  if (server && store && config) drain(server, store, logger, config.ops.shutdownTimeoutMs);
  else {
    void service?.close();
    void (store?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  }
};
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));

try {
  config = loadConfig();
  applyHeapGrowth(config.heapGrowingPercent);
  logger = createLogger(config.logLevel);
  const opened = await openConfiguredStore(config);
  store = opened;
  // Bind before migrating or seeding, so a busy port fails fast and changes nothing; answer 503 until then.
  let handler: RequestListener = inOriginForm(startingHandler);
  server = guardedServer(
    (request, response) => handler(request, response),
    { port: 'PORT', cap: config.maxConnections, firstRequestMs: 20_000 },
    logger,
  );
  await listen(server, config.port, config.host);
  if (config.healthPort !== null) {
    // Probes are few, from few addresses, and send at once: a flood on this port must not shut them out.
    probes = guardedServer(
      probesOnly(() => handler),
      { port: 'HEALTH_PORT', cap: 64, firstRequestMs: 2_000, perAddress: 8 },
      logger,
    );
    await listen(probes, config.healthPort, config.host);
  }
  const bootstrap = new BootstrapState();
  const state = await bootstrapStore(opened, config, logger, bootstrap);
  service = startService(opened, config, logger, bootstrap);
  handler = service.handler;
  const { port } = server.address() as AddressInfo;
  logger.info(
    {
      store: store.kind,
      state,
      url: `http://localhost:${port}/graphql`,
      ...(probes ? { healthUrl: `http://localhost:${(probes.address() as AddressInfo).port}/health` } : {}),
      production: config.ops.production,
      heapGrowingPercent: config.heapGrowingPercent,
      tokens: config.tokens.length,
      redis: config.redis ? redactedUrl(config.redis.url) : null,
    },
    'drama graph listening',
  );
  const nodeEnv = nodeEnvWarning(process.env.NODE_ENV, config.ops);
  if (nodeEnv !== null) logger.warn({ env: ['NODE_ENV'] }, nodeEnv);
} catch (error) {
  exitOnStartupFailure(logger, error, { neo4jUri: config?.neo4j?.uri });
}

/** The URL without its password, for the logs. */
function redactedUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.toString();
}

/** Stops accepting, ends event streams, lets in-flight requests finish (up to the timeout), then closes the store and exits. */
function drain(server: Server, store: DramaStore, logger: Logger, timeoutMs: number) {
  // An event stream never finishes by itself: end them all, so their connections close like the others.
  service?.endStreams();
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  const deadline = setTimeout(() => {
    logger.error({ timeoutMs }, 'in-flight requests did not finish in time; closing them');
    server.closeAllConnections();
    process.exit(1);
  }, timeoutMs);
  server.close(() => {
    clearInterval(idle);
    clearTimeout(deadline);
    void (service?.close() ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => store.close())
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      });
  });
  server.closeIdleConnections();
}
