import { expect, it } from 'vitest';
import type { PlannerMode } from '../../src/config/settings.js';
import type { DramaStore, PlannedRead } from '../../src/store/port.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';

const STANDING = `query Standing($series: String!, $slug: String!, $asOf: Int) {
  character(series: $series, slug: $slug) {
    name
    relationships(asOfEpisode: $asOf) { kind mutual from { name } to { name } }
  }
}`;

const CONFESSIONS = `query Confessions($filter: EventFilter, $first: Int, $after: String) {
  events(filter: $filter, first: $first, after: $after) {
    totalCount spoilersHidden
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id slug kind episode { number title } sequence summary outcome flashback certainty basis
        agent { name firstEpisode } target { name description }
        source { document paragraph } sources { document paragraph }
        participants { role character { slug } }
      }
    }
  }
}`;

const PROGRESSES: Record<string, string>[] = [
  {},
  ...[1, 2, 3, 4].map((n) => ({ 'x-watched-through': `soundtrack-1@${n}` })),
  { 'x-watched-through': 'soundtrack-1@2, godspeed@1' },
  { 'x-watched-through': 'godspeed@1' },
];

const CHARACTERS = ['eun-soo', 'sun-woo', 'seo-yeon', 'dong-hyeon', 'ma-ri', 'gyeol-han', 'eun-soos-mother'];

interface Answer {
  body: string;
  trips: number;
}

describeEachStore('the query planner answers byte for byte as the loaders do', (service) => {
  const yogas = new Map<DramaStore, Record<PlannerMode, DramaYoga>>();
  const yogaOf = (planner: PlannerMode) => {
    const store = service().store;
    let pair = yogas.get(store);
    if (pair === undefined) {
      const make = (mode: PlannerMode) => createDramaYoga({ store, graphiql: false, ops: { planner: mode } });
      pair = { on: make('on'), off: make('off') };
      yogas.set(store, pair);
    }
    return pair[planner];
  };
  const answer = async (
    planner: PlannerMode,
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const before = service().store.roundTrips;
    const response = await graphql(yogaOf(planner), query, variables, headers);
    return { body: JSON.stringify(response), trips: service().store.roundTrips - before };
  };
  /** Both paths' answers, proven identical; the planned one's round trips. */
  const same = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const planned = await answer('on', query, variables, headers);
    const unplanned = await answer('off', query, variables, headers);
    expect(planned.body, `${query.slice(0, 120)} ${JSON.stringify({ variables, headers })}`).toBe(unplanned.body);
    return { ...planned, unplannedTrips: unplanned.trips, response: JSON.parse(planned.body) };
  };

  it('answers op 3 (relationships as of episode N) the same at every episode and progress, in one round trip', async () => {
    let withRelationships = 0;
    for (const headers of PROGRESSES) {
      for (const slug of CHARACTERS) {
        for (const asOf of [1, 2, 3, 4, null]) {
          const { response, trips, unplannedTrips } = await same(
            STANDING,
            { series: 'soundtrack-1', slug, asOf },
            headers,
          );
          if (response.data.character === null) continue;
          expect(trips).toBe(1);
          if (response.data.character.relationships.length === 0) continue;
          withRelationships += 1;
          expect(unplannedTrips).toBeGreaterThan(1);
        }
      }
    }
    expect(withRelationships).toBeGreaterThan(30);
  }, 600_000);

  it('answers op 1 (events with every filter) the same, pages and counts included, in one round trip', async () => {
    const filters: Record<string, unknown>[] = [
      { series: 'soundtrack-1', kinds: ['CONFESSION'] },
      {},
      { series: 'soundtrack-1' },
      { series: 'soundtrack-1', episode: 2 },
      { episode: 1 },
      { kinds: [] },
      { kinds: ['CONFESSION', 'KISS', 'GIFT'] },
      { agent: 'eun-soo' },
      { target: 'sun-woo', series: 'soundtrack-1' },
      { participant: 'seo-yeon' },
      { outcome: 'ACCEPTED' },
      { certainty: 'INFERRED' },
      { certainty: 'STATED', series: 'godspeed' },
      { series: 'no-such-series' },
      { agent: '__proto__' },
      { series: 'soundtrack-1', agent: 'eun-soo', target: 'sun-woo', kinds: ['CONFESSION'], outcome: 'RECIPROCATED' },
    ];
    let listed = 0;
    for (const headers of PROGRESSES) {
      for (const filter of filters) {
        const { response, trips, unplannedTrips } = await same(CONFESSIONS, { filter, first: 100 }, headers);
        expect(trips).toBe(1);
        listed += response.data.events.edges.length;
        if (response.data.events.edges.some((e: any) => e.node.agent !== null))
          expect(unplannedTrips).toBeGreaterThan(1);
      }
    }
    expect(listed).toBeGreaterThan(100);
  }, 600_000);

  it('walks every page with cursors the same, one event at a time, at each progress', async () => {
    for (const headers of PROGRESSES.slice(0, 3)) {
      let after: string | null = null;
      let pages = 0;
      let totalCount = 0;
      for (;;) {
        const { response } = await same(CONFESSIONS, { filter: { series: 'soundtrack-1' }, first: 1, after }, headers);
        pages += 1;
        const { pageInfo } = response.data.events;
        totalCount = response.data.events.totalCount;
        if (!pageInfo.hasNextPage) break;
        after = pageInfo.endCursor;
      }
      expect(pages).toBe(Math.max(totalCount, 1));
      if (Object.keys(headers).length === 0) expect(totalCount).toBeGreaterThan(10);
      await same(CONFESSIONS, { filter: { series: 'soundtrack-1' }, first: 0 }, headers);
    }
  }, 600_000);

  it('answers aliases, fragments, @skip/@include and uncovered fields mixed in the same', async () => {
    const query = `query Mixed($asOf: Int, $skip: Boolean!, $include: Boolean!, $slug: String!) {
      a: character(series: "soundtrack-1", slug: $slug) { ...Standing }
      b: character(series: "soundtrack-1", slug: "sun-woo") {
        early: relationships(asOfEpisode: 1) { kind from { name } }
        late: relationships(asOfEpisode: $asOf) @skip(if: $skip) { kind to { name nativeName } }
        inferred: relationships(certainty: INFERRED) @include(if: $include) { basis note noteRevisions { fromEpisode text } }
        ... on Character { firstEpisode spoilersHidden portrayedBy { name } events(kinds: [CONFESSION]) { slug } }
        description descriptionRevisions { fromEpisode text } series { title }
      }
      ... on Query { c: character(series: "soundtrack-1", slug: "seo-yeon") { relationships { since { number } until { number } } } }
      nobody: character(series: "soundtrack-1", slug: "__proto__") { name relationships { kind } }
      unicode: character(series: "soundtrack-1", slug: "eun-soo\u0301") { name }
      confessions: events(filter: { kinds: [CONFESSION] }, first: 3) { ...Page }
      kisses: events(filter: { kinds: [KISS] }, first: 2) @include(if: $include) { ...Page }
      skipped: events(first: 5) @skip(if: $skip) { totalCount }
      series(slug: "soundtrack-1") { title episodes { number } }
    }
    fragment Standing on Character { name relationships(asOfEpisode: $asOf) { kind mutual from { name } to { name } } }
    fragment Page on PlotEventConnection {
      totalCount spoilersHidden edges { cursor node { ... on PlotEvent { episode { number } agent { name } } target { slug } } }
    }`;
    for (const headers of PROGRESSES) {
      for (const [skip, include] of [
        [true, false],
        [false, true],
      ]) {
        for (const asOf of [null, 2, 4]) {
          const { response } = await same(query, { asOf, skip, include, slug: 'eun-soo' }, headers);
          expect(response.errors).toBeUndefined();
        }
      }
    }
  }, 600_000);

  it('answers bad arguments with the same errors', async () => {
    const bad: [string, Record<string, unknown>, string?][] = [
      [STANDING, { series: 'soundtrack-1', slug: 'eun-soo', asOf: 0 }],
      [STANDING, { series: 'soundtrack-1', slug: 'eun-soo', asOf: -3 }],
      [STANDING, { series: 'soundtrack-1', slug: 'eun-soo', asOf: 'four' }],
      [STANDING, { series: 'soundtrack-1', slug: 'eun-soo', asOf: 2 ** 31 }],
      [STANDING, { series: 'soundtrack-1', slug: 7, asOf: 1 }],
      [CONFESSIONS, { filter: { series: 'soundtrack-1' }, first: 101 }],
      [CONFESSIONS, { filter: { series: 'soundtrack-1' }, first: -1 }],
      [CONFESSIONS, { filter: { series: 'soundtrack-1' }, first: 'ten' }],
      [CONFESSIONS, { filter: { series: 'soundtrack-1' }, after: 'not-a-cursor' }],
      [CONFESSIONS, { filter: { series: 'soundtrack-1' }, after: 'c2VyaWVzOiJzb3VuZHRyYWNrLTEi' }],
      [CONFESSIONS, { filter: { episode: 0 } }],
      [CONFESSIONS, { filter: { kinds: ['NOT_A_KIND'] } }],
      [CONFESSIONS, { filter: { series: 'x'.repeat(100_000) } }],
      [CONFESSIONS, { filter: { participant: 'a'.repeat(90_000) } }, 'BAD_USER_INPUT'],
      [CONFESSIONS, { filter: { series: '\u{1f600}'.repeat(20_000) } }, 'BAD_USER_INPUT'],
      [CONFESSIONS, { filter: { agent: 'a'.repeat(121) } }, 'BAD_USER_INPUT'],
      [CONFESSIONS, { filter: { target: 'b'.repeat(121), series: 'soundtrack-1' } }, 'BAD_USER_INPUT'],
      [
        CONFESSIONS,
        { filter: { series: 'soundtrack-1' }, after: btoa(`event:["${'z'.repeat(60_000)}",1,1]`) },
        'INVALID_CURSOR',
      ],
      [CONFESSIONS, { filter: { __proto__: { series: 'soundtrack-1' }, kinds: ['CONFESSION'] } }],
    ];
    for (const [query, variables, code] of bad) {
      for (const headers of [PROGRESSES[0]!, PROGRESSES[3]!]) {
        const { response } = await same(query, variables, headers);
        if (code !== undefined) expect(errorCodes(response), JSON.stringify(variables).slice(0, 80)).toEqual([code]);
        if (variables.slug === 7 || variables.first === 'ten' || variables.asOf === 'four') continue;
        expect(response.errors?.length ?? 0, JSON.stringify(variables).slice(0, 80)).toBeGreaterThanOrEqual(
          variables.filter && 'series' in (variables.filter as object) && Object.keys(variables).length === 1 ? 0 : 1,
        );
      }
    }
  }, 600_000);

  it('answers the time budget while a planned read is still pending, and aborts that read', async () => {
    const pending: { signal: AbortSignal | undefined; finish: () => void }[] = [];
    const stuck = new Proxy(service().store, {
      get: (target, property, receiver) =>
        property === 'readPlanned'
          ? (read: PlannedRead, signal?: AbortSignal) =>
              new Promise((resolve) => {
                pending.push({ signal, finish: () => resolve(target.readPlanned(read)) });
              })
          : Reflect.get(target, property, receiver),
    });
    const yoga = createDramaYoga({
      store: stuck,
      graphiql: false,
      ops: { planner: 'on', budget: { objects: 1_000_000, bytes: 100_000_000, timeMs: 300 } },
    });
    for (const [query, variables] of [
      [STANDING, { series: 'soundtrack-1', slug: 'eun-soo', asOf: 2 }],
      [CONFESSIONS, { filter: { series: 'soundtrack-1' } }],
    ] as const) {
      pending.length = 0;
      const response = await graphql(yoga, query, variables);
      expect(pending).toHaveLength(1);
      expect(errorCodes(response)).toEqual(['EXECUTION_BUDGET_EXCEEDED']);
      expect(response.errors![0]!.extensions).toMatchObject({ budget: 'time', limit: 300 });
      expect(response.data).toBeNull();
      expect(pending[0]!.signal?.aborted).toBe(true);
      pending[0]!.finish();
    }
  }, 120_000);

  it('stops a planned read whose signal is aborted once it has started', async () => {
    const reads: PlannedRead[] = [];
    const store = service().store;
    const watching = new Proxy(store, {
      get: (target, property, receiver) =>
        property === 'readPlanned'
          ? (read: PlannedRead, signal?: AbortSignal) => {
              reads.push(read);
              return target.readPlanned(read, signal);
            }
          : Reflect.get(target, property, receiver),
    });
    const yoga = createDramaYoga({ store: watching, graphiql: false, ops: { planner: 'on' } });
    await graphql(yoga, CONFESSIONS, { filter: { series: 'soundtrack-1' }, first: 100 });
    await graphql(yoga, STANDING, { series: 'soundtrack-1', slug: 'eun-soo', asOf: 2 });
    expect(reads.map((read) => read.kind)).toEqual(['events', 'character']);
    for (const read of reads) {
      await expect(store.readPlanned(read)).resolves.toBeDefined();
      const started = new AbortController();
      const answer = store.readPlanned(read, started.signal);
      started.abort();
      await expect(answer).rejects.toThrow();
      await expect(store.readPlanned(read, AbortSignal.abort())).rejects.toThrow();
    }
  }, 120_000);
});
