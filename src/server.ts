import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { BootstrapState, bootstrapStore } from './store/bootstrap.js';
import { openConfiguredStore } from './store/open.js';
import type { DramaStore } from './store/port.js';
import { createDramaYoga } from './yoga.js';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const store = await openConfiguredStore(config);
const bootstrap = new BootstrapState();
const state = await bootstrapStore(store, config, logger, bootstrap);
const server = createServer(createDramaYoga({ store, ops: config.ops, logger, tokens: config.tokens, loaders: config.loaders, bootstrap }));

server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  logger.info({ store: store.kind, state, url: `http://localhost:${port}/graphql`, production: config.ops.production, tokens: config.tokens.length }, 'drama graph listening');
});

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
    void store.close().then(() => {
      logger.info('stopped');
      process.exit(0);
    });
  });
  server.closeIdleConnections();
}

const shutdown = (signal: string) => {
  logger.info({ signal }, 'shutting down');
  drain(server, store, logger, config.ops.shutdownTimeoutMs);
};
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
