import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Neo4jHandle, startNeo4j } from '../../scripts/neo4j.mjs';
import { type Neo4jStore, openNeo4jStore } from '../../src/store/neo4j/index.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { graphql } from '../support/graphql.js';
import { mutationOf, SETUP_WRITES } from '../support/story-writes.js';
import { issueTokens } from '../support/tokens.js';
import { until, WriteLoad } from '../support/write-load.js';

const SERIES = 'restart-proof';
const CLIENTS = 6;
const ACKS_PER_PHASE = 40;
const issued = issueTokens({ admin: ['admin'] });

/** A Neo4j of its own: this test stops and restarts it under a stream of writes. */
describe.skipIf(inject('neo4j') === null)('when Neo4j restarts under write load', () => {
  let server: Neo4jHandle;
  let store: Neo4jStore;
  let yoga: DramaYoga;

  beforeAll(async () => {
    server = await startNeo4j({ port: 0, quiet: true });
    store = await openNeo4jStore({
      uri: server.routingUri,
      user: server.user,
      password: server.password,
      database: 'neo4j',
    });
    await store.migrate();
    yoga = createDramaYoga({ store, graphiql: false, tokens: issued.tokens });
    for (const write of SETUP_WRITES(SERIES))
      await graphql(yoga, mutationOf(write), { input: write.input }, issued.bearer('admin'));
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  it('loses no acknowledged write, and refuses writes during the outage with STORE_UNAVAILABLE, never a 500', async () => {
    const load = new WriteLoad(yoga, SERIES, issued.bearer('admin'), CLIENTS);
    await until(() => load.acknowledged().length >= ACKS_PER_PHASE);
    await server.stopServer();
    await until(() => load.outcomes.filter((outcome) => !outcome.acknowledged).length >= CLIENTS);
    await server.startServer();
    const beforeRestart = load.outcomes.length;
    await until(
      () => load.outcomes.slice(beforeRestart).filter((outcome) => outcome.acknowledged).length >= ACKS_PER_PHASE,
    );
    const outcomes = await load.stop();

    const refused = outcomes.filter((outcome) => !outcome.acknowledged);
    console.log(
      `neo4j restart: ${outcomes.length} writes, ${outcomes.length - refused.length} acknowledged, ${refused.length} refused`,
    );
    expect(outcomes.filter((outcome) => outcome.status >= 500)).toEqual([]);
    expect(refused.filter((outcome) => outcome.codes.join() !== 'STORE_UNAVAILABLE')).toEqual([]);
    const [stored] = await store.eventsOfSeries([SERIES]);
    const storedNumbers = new Set(stored!.map((event) => event.episodeNumber));
    expect(load.acknowledged().filter((n) => !storedNumbers.has(n))).toEqual([]);
    expect(stored!.filter((event) => event.summary !== `Ann remembers moment ${event.episodeNumber}.`)).toEqual([]);
  }, 150_000);
});
