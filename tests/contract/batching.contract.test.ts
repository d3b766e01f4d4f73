import { expect, it } from 'vitest';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';

describeEachStore('loader batching', (service) => {
  const roundTripsOf = async (query: string) => {
    const before = service().store.roundTrips;
    const response = await graphql(service().yoga, query);
    expect(response.errors).toBeUndefined();
    return service().store.roundTrips - before;
  };

  it('costs one store call per field level of a nested query, however long the lists', async () => {
    const calls = await roundTripsOf(`{ series(slug: "soundtrack-1") {
        episodes {
          events {
            participants { character { name portrayedBy { name } } } } } } }`);
    expect(calls).toBe(6); // series, episodes, events, characters, castings, people
  });

  it('costs the same when the lists are longer', async () => {
    const narrow = await roundTripsOf(`{ events(first: 1) { edges { node {
        agent { name relationships { to { name } } } target { name } } } } }`);
    const wide = await roundTripsOf(`{ events(first: 100) { edges { node {
        agent { name relationships { to { name } } } target { name } } } } }`);
    expect(narrow).toBe(4);
    expect(wide).toBe(narrow);
  });
});
