import { expect, it, vi } from 'vitest';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { countingRoundTrips } from '../support/round-trips.js';

/** A series page five list levels deep. */
const SERIES_PAGE = `{ series(slug: "soundtrack-1") {
    episodes {
      events {
        participants { character { name portrayedBy { name } } } } } } }`;

describeEachStore('loader batching', (service) => {
  const roundTripsOf = async (query: string, yoga: DramaYoga = service().yoga) => {
    const before = service().store.roundTrips;
    const response = await graphql(yoga, query);
    expect(response.errors).toBeUndefined();
    return service().store.roundTrips - before;
  };

  it('costs one store call per field level of a nested query, however long the lists', async () => {
    const unplanned = createDramaYoga({ store: service().store, graphiql: false, ops: { planner: 'off' } });
    expect(await roundTripsOf(SERIES_PAGE, unplanned)).toBe(6); // series, episodes, events, characters, castings, people
    // The planner reads the whole series page in one request.
    expect(await roundTripsOf(SERIES_PAGE)).toBe(1);
  });

  it("costs as much when the loop's slices end among a level's items, as on a busy machine", async () => {
    const unplanned = createDramaYoga({ store: service().store, graphiql: false, ops: { planner: 'off' } });
    expect(await roundTripsOf(SERIES_PAGE, unplanned)).toBe(6);
    // Each reading of the clock finds 1 ms gone: a slice (10 ms) ends every few resolvers, as under load.
    let clock = performance.now();
    const readings = vi.spyOn(performance, 'now').mockImplementation(() => (clock += 1));
    try {
      expect(await roundTripsOf(SERIES_PAGE, unplanned)).toBe(6);
      expect(await roundTripsOf(SERIES_PAGE)).toBe(1);
      expect(readings.mock.calls.length).toBeGreaterThan(100);
    } finally {
      readings.mockRestore();
    }
  });

  it('costs the same when the lists are longer', async () => {
    const query = (first: number) => `{ events(first: ${first}) { edges { node {
        agent { name relationships { to { name } } } target { name } } } } }`;
    const unplanned = createDramaYoga({ store: service().store, graphiql: false, ops: { planner: 'off' } });
    // Loaders alone: events, agents and targets, relationships, their other ends.
    expect(await roundTripsOf(query(1), unplanned)).toBe(4);
    expect(await roundTripsOf(query(100), unplanned)).toBe(4);
    // The planner reads the events with their agents and targets in one request; the loaders do the rest.
    expect(await roundTripsOf(query(1))).toBe(3);
    expect(await roundTripsOf(query(100))).toBe(3);
  });

  it('reads a page of the change log, its bounds and the cursor check in one store request', async () => {
    const page = (args: string) => `{ changes(${args}) {
        totalCount pageInfo { endCursor hasNextPage } edges { cursor node { key series } } } }`;
    const unplanned = createDramaYoga({ store: service().store, graphiql: false, ops: { planner: 'off' } });
    expect(await roundTripsOf(page('first: 3'))).toBe(1);
    expect(await roundTripsOf(page('first: 3'), unplanned)).toBe(1);
    const first = await graphql<{ changes: { pageInfo: { endCursor: string; hasNextPage: boolean } } }>(
      service().yoga,
      page('first: 3'),
    );
    expect(first.data?.changes.pageInfo.hasNextPage).toBe(true);
    const after = JSON.stringify(first.data!.changes.pageInfo.endCursor);
    expect(await roundTripsOf(page(`first: 3, after: ${after}`))).toBe(1);
    expect(await roundTripsOf(page(`first: 3, after: ${after}, series: "soundtrack-1", types: [PLOT_EVENT]`))).toBe(1);
  });

  it('tells each request its own round trips while others run beside it, as many as the store counts in all', async () => {
    const unplanned = createDramaYoga({ store: service().store, graphiql: false, ops: { planner: 'off' } });
    const seriesPage = `{ series(slug: "soundtrack-1") { episodes { events { participants { character { name portrayedBy { name } } } } } } }`;
    const standing = `{ character(series: "soundtrack-1", slug: "eun-soo") { relationships { to { name } } } }`;
    const requests = [
      [seriesPage, unplanned, 6],
      [seriesPage, service().yoga, 1],
      [standing, unplanned, 3],
      [standing, service().yoga, 1],
    ] as const;
    const before = service().store.roundTrips;
    const counted = await Promise.all(
      [...requests, ...requests].map(([query, yoga]) => countingRoundTrips(() => graphql(yoga, query))),
    );
    expect(counted.map((c) => c.value.errors)).toEqual(counted.map(() => undefined));
    expect(counted.map((c) => c.trips)).toEqual([...requests, ...requests].map(([, , trips]) => trips));
    expect(service().store.roundTrips - before).toBe(2 * (6 + 1 + 3 + 1));
  });
});
