import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { bootstrapStore } from './store/bootstrap.js';
import { openConfiguredStore } from './store/open.js';
import { createDramaYoga } from './yoga.js';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const store = await openConfiguredStore(config);
const state = await bootstrapStore(store, config, logger);
const server = createServer(createDramaYoga({ store }));

server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  logger.info({ store: store.kind, state, url: `http://localhost:${port}/graphql` }, 'drama graph listening');
});

const shutdown = (signal: string) => {
  logger.info({ signal }, 'shutting down');
  server.close(() => void store.close().then(() => process.exit(0)));
};
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
