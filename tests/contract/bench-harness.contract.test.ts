import { expect, inject, it } from 'vitest';
import { FLOOR_OPS, type Floor } from '../../bench/src/floor.js';
import { EmbeddedFloor } from '../../bench/src/floor-embedded.js';
import { Neo4jFloor } from '../../bench/src/floor-neo4j.js';
import type { BenchKeys } from '../../bench/src/keys.js';
import { OPERATIONS } from '../../bench/src/operations.js';
import { createDramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';

/* The benchmark's pieces answer alike: its floors agree with GraphQL, and loaders off change nothing but the cost. */

const SEEDED: BenchKeys = {
  series: 'soundtrack-1',
  character: 'eun-soo',
  asOfEpisode: 3,
  pair: ['eun-soo', 'sun-woo'],
  searchText: 'eun soo',
  farCharacter: 'seo-yeon',
};

describeEachStore('benchmark harness', (service) => {
  const answer = async (yoga: ReturnType<typeof createDramaYoga>, id: string) => {
    const op = OPERATIONS.find((o) => o.id === id)!;
    const response = await graphql(yoga, op.document, op.variables(SEEDED));
    expect(response.errors).toBeUndefined();
    return response.data;
  };

  const floors = (): Floor[] => {
    const neo4j = inject('neo4j');
    const direct = new EmbeddedFloor(service().store);
    return service().store.kind === 'neo4j' && neo4j ? [direct, new Neo4jFloor(neo4j)] : [direct];
  };

  it.each(FLOOR_OPS)('the floor answers %s as GraphQL does', async (id) => {
    const expected = await answer(service().yoga, id);
    expect((expected as Record<string, unknown>)[Object.keys(expected!)[0]!]).not.toBeNull();
    for (const floor of floors()) {
      expect(await floor[id](SEEDED)).toEqual(expected);
      await floor.close();
    }
  });

  it.each(OPERATIONS.map((op) => op.id))('answers %s alike with loaders off', async (id) => {
    const naive = createDramaYoga({ store: service().store, graphiql: false, loaders: 'off' });
    expect(await answer(naive, id)).toEqual(await answer(service().yoga, id));
  });

  it('makes one store call per key with loaders off', async () => {
    const naive = createDramaYoga({ store: service().store, graphiql: false, loaders: 'off' });
    const before = service().store.roundTrips;
    await answer(naive, 'seriesPage');
    const naiveTrips = service().store.roundTrips - before;
    const unplanned = createDramaYoga({ store: service().store, graphiql: false, ops: { planner: 'off' } });
    const batched = service().store.roundTrips;
    await answer(unplanned, 'seriesPage');
    expect(service().store.roundTrips - batched).toBe(6);
    expect(naiveTrips).toBeGreaterThan(6);
    const planned = service().store.roundTrips;
    await answer(service().yoga, 'seriesPage');
    expect(service().store.roundTrips - planned).toBe(1);
  });
});
