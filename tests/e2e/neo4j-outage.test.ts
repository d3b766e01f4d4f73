import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Neo4jHandle, startNeo4j } from '../../scripts/neo4j.mjs';
import { createLogger } from '../../src/logger.js';
import { BootstrapState, bootstrapStore } from '../../src/store/bootstrap.js';
import { type Neo4jStore, openNeo4jStore } from '../../src/store/neo4j/index.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { errorCodes, graphql } from '../support/graphql.js';

/** Each test waits up to 60 s for Neo4j to come back; a loaded machine needs more than the default 30 s. */
const RESTART_TIMEOUT_MS = 120_000;
const CONFESSIONS = '{ events(filter: { kinds: [CONFESSION] }) { totalCount } }';

/** Whether a TCP connection to `port` on 127.0.0.1 is refused (nothing listens, and no socket of the old server is left). */
const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

/** A server of its own: this test stops and restarts it under the running service. */
describe.skipIf(inject('neo4j') === null)('when Neo4j goes down and comes back', () => {
  let server: Neo4jHandle;
  let store: Neo4jStore;
  let yoga: DramaYoga;
  const bootstrap = new BootstrapState();

  /** Several /ready and GraphQL requests: all refused with a code, none of them trying to connect. */
  const refusedWithoutConnecting = async (readyStatus: string) => {
    const attempts = store.attempts;
    for (let i = 0; i < 5; i++) {
      const ready = await yoga.fetch('http://drama.test/ready');
      expect([ready.status, await ready.json()]).toEqual([503, { status: readyStatus }]);
      const response = await graphql(yoga, CONFESSIONS);
      expect(errorCodes(response)).toEqual(['STORE_UNAVAILABLE']);
      expect(response.status).toBeLessThan(500);
    }
    expect(store.attempts).toBe(attempts);
  };

  beforeAll(async () => {
    server = await startNeo4j({ port: 0, quiet: true });
    await server.stopServer();
    store = await openNeo4jStore({
      uri: server.routingUri,
      user: server.user,
      password: server.password,
      database: 'neo4j',
    });
    yoga = createDramaYoga({ store, graphiql: false, bootstrap });
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  it(
    'starts anyway, reports not ready, and answers STORE_UNAVAILABLE',
    async () => {
      const logger = createLogger('silent');
      expect(await bootstrapStore(store, { seedOnStart: true, retryMs: 500 }, logger, bootstrap)).toBe('retrying');
      expect(bootstrap.phase).toBe('retrying');
      expect(store.attempts).toBeLessThanOrEqual(3);
      expect((await yoga.fetch('http://drama.test/health')).status).toBe(200);
      await refusedWithoutConnecting('retrying');
    },
    RESTART_TIMEOUT_MS,
  );

  it(
    'recovers by itself when Neo4j returns: migrated, seeded and serving, with no restart',
    async () => {
      await server.startServer();
      await expect
        .poll(async () => (await graphql(yoga, CONFESSIONS)).data?.events?.totalCount, {
          timeout: 60_000,
          interval: 500,
        })
        .toBe(4);
      // The seed is readable a moment before the background bootstrap records that it is done: wait for the outcome.
      await expect.poll(() => bootstrap.phase, { timeout: 60_000, interval: 200 }).toBe('ready');
      expect((await yoga.fetch('http://drama.test/ready')).status).toBe(200);
    },
    RESTART_TIMEOUT_MS,
  );

  it(
    'fails over the same way when Neo4j stops under the running service, then recovers',
    async () => {
      await server.stopServer();
      // Down for every client: a query sent while the old process still held its sockets could meet a transient error, retried with backoff.
      await expect.poll(() => refused(server.port), { timeout: 30_000, interval: 100 }).toBe(true);
      const attempts = store.attempts;
      expect(errorCodes(await graphql(yoga, CONFESSIONS))).toEqual(['STORE_UNAVAILABLE']);
      // At most three attempts for each read: the query's own, and the cost rule's refresh of the list sizes, which
      // starts beside it once the state tag's clock has turned (5 attempts in a clean-clone CI run: 3 and 2).
      expect(store.attempts - attempts).toBeLessThanOrEqual(6);
      expect(store.unreachable).toBe(true);
      await refusedWithoutConnecting('unavailable');
      await server.startServer();
      await expect
        .poll(async () => (await graphql(yoga, CONFESSIONS)).data?.events?.totalCount, {
          timeout: 60_000,
          interval: 500,
        })
        .toBe(4);
    },
    RESTART_TIMEOUT_MS,
  );
});
