import { beforeAll, expect, it } from 'vitest';
import { OPERATIONS } from '../../bench/src/operations.js';
import type { PlannerMode } from '../../src/config/settings.js';
import { NO_EXTERNAL_IDS } from '../../src/domain/build.js';
import type { GraphDocument } from '../../src/domain/records.js';
import { StoreUnavailableError } from '../../src/errors.js';
import type { DramaStore, PlannedRead } from '../../src/store/port.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';
import { countingRoundTrips } from '../support/round-trips.js';
import type { SeededService } from '../support/seeded.js';

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

/** Op 2 of the benchmark, as it sends it. */
const SERIES_PAGE = OPERATIONS.find((op) => op.number === 2)!.document;

/** The series page with everything the planner covers under it, and fields it leaves to the loaders mixed in. */
const SERIES_FULL = `query SeriesFull($slug: String!, $kinds: [PlotEventKind!], $skip: Boolean!, $include: Boolean!) {
  series(slug: $slug) {
    ...Heading
    eps: episodes {
      number title isFinale spoilersHidden series { slug }
      confessions: events(kinds: [CONFESSION]) { slug agent { name firstEpisode } target { slug portrayedBy { name } } }
      events(kinds: $kinds) @include(if: $include) {
        sequence episode { number title }
        participants { role character { name aliases description firstEpisode portrayedBy { slug name } } }
      }
      all: events @skip(if: $skip) { slug summary outcome certainty participants { character { slug spoilersHidden } } }
      ... on Episode { none: events(kinds: []) { slug } }
    }
    cast { billing person { name } character { name firstEpisode portrayedBy { name } } }
    crew { role person { name slug } }
    characters { slug }
  }
}
fragment Heading on Series { slug title episodeCount episodes { number } }`;

/** A series whose episodes have no events, with a character who first appears in episode 2, cast and crew. */
const QUIET: GraphDocument = {
  people: [
    {
      key: 'quiet-actor',
      slug: 'quiet-actor',
      name: 'Quiet Actor',
      nativeName: null,
      externalIds: NO_EXTERNAL_IDS,
      sources: [],
    },
  ],
  series: [
    {
      key: 'quiet-series',
      slug: 'quiet-series',
      title: 'Quiet Series',
      originalTitle: null,
      country: null,
      releaseYear: null,
      platforms: [],
      genres: [],
      episodeCount: 3,
      starring: [],
      externalIds: NO_EXTERNAL_IDS,
      sources: [],
    },
  ],
  episodes: [1, 2, 3].map((number) => ({
    key: `quiet-series/${number}`,
    seriesKey: 'quiet-series',
    number,
    title: `Quiet ${number}`,
    runtimeMinutes: null,
    sources: [],
  })),
  characters: [
    {
      key: 'quiet-series/mi-rae',
      seriesKey: 'quiet-series',
      slug: 'mi-rae',
      name: 'Mi-rae',
      nativeName: null,
      aliases: [],
      description: [],
      firstEpisode: 2,
      sources: [],
      certainty: 'STATED',
      basis: [],
    },
  ],
  castings: [
    {
      key: 'quiet-series/mi-rae@quiet-actor',
      seriesKey: 'quiet-series',
      personKey: 'quiet-actor',
      characterKey: 'quiet-series/mi-rae',
      billing: 'MAIN',
      sources: [],
      certainty: 'STATED',
      basis: [],
    },
  ],
  credits: [
    {
      key: 'quiet-series@quiet-actor#DIRECTOR',
      seriesKey: 'quiet-series',
      personKey: 'quiet-actor',
      role: 'DIRECTOR',
      sources: [],
    },
  ],
  relationships: [],
  events: [],
};

/** A person cast in two series (once as a character who first appears in episode 3) and credited on both. */
const TWO_SERIES: GraphDocument = {
  people: [{ ...QUIET.people[0]!, key: 'two-series-actor', slug: 'two-series-actor', name: 'Two Series' }],
  series: [],
  episodes: [],
  characters: [{ ...QUIET.characters[0]!, key: 'quiet-series/ha-na', slug: 'ha-na', name: 'Ha-na', firstEpisode: 3 }],
  castings: [
    ['quiet-series', 'quiet-series/ha-na', 'SUPPORTING'],
    ['soundtrack-1', 'soundtrack-1/eun-soo', 'GUEST'],
  ].map(([seriesKey, characterKey, billing]) => ({
    ...QUIET.castings[0]!,
    key: `${characterKey}@two-series-actor`,
    seriesKey: seriesKey!,
    personKey: 'two-series-actor',
    characterKey: characterKey!,
    billing: billing as 'GUEST',
  })),
  credits: [
    ['soundtrack-1', 'WRITER'],
    ['quiet-series', 'DIRECTOR'],
    ['quiet-series', 'WRITER'],
  ].map(([seriesKey, role]) => ({
    key: `${seriesKey}@two-series-actor#${role}`,
    seriesKey: seriesKey!,
    personKey: 'two-series-actor',
    role: role as 'WRITER',
    sources: [],
  })),
  relationships: [],
  events: [],
};

/** A character related to 120 others and the agent of 240 events, each other character in two of them. */
const HUB: GraphDocument = (() => {
  const seriesKey = 'hub-series';
  const character = (slug: string, firstEpisode: number | null) => ({
    ...QUIET.characters[0]!,
    key: `${seriesKey}/${slug}`,
    seriesKey,
    slug,
    name: slug,
    firstEpisode,
  });
  const others = Array.from({ length: 120 }, (_, i) => character(`m${i}`, i % 4 === 0 ? null : (i % 3) + 1));
  const sequences = [0, 0, 0];
  return {
    people: [],
    series: [{ ...QUIET.series[0]!, key: seriesKey, slug: seriesKey, title: 'Hub' }],
    episodes: [1, 2, 3].map((number) => ({ ...QUIET.episodes[0]!, key: `${seriesKey}/${number}`, seriesKey, number })),
    characters: [character('hub', 2), ...others],
    castings: [],
    credits: [],
    relationships: others.map((other, i) => ({
      key: `${seriesKey}/hub-m${i}`,
      seriesKey,
      slug: `hub-m${i}`,
      kind: 'FRIEND' as const,
      fromKey: `${seriesKey}/hub`,
      toKey: other.key,
      mutual: i % 2 === 0,
      sinceEpisode: i % 5 === 0 ? null : (i % 3) + 1,
      untilEpisode: null,
      revealedIn: null,
      note: [],
      sources: [],
      certainty: 'STATED' as const,
      basis: [],
    })),
    events: Array.from({ length: 240 }, (_, j) => {
      const episodeNumber = (j % 3) + 1;
      sequences[episodeNumber - 1]! += 1;
      const target = others[j % 120]!.key;
      return {
        key: `${seriesKey}/e${j}`,
        seriesKey,
        slug: `e${j}`,
        episodeNumber,
        sequence: sequences[episodeNumber - 1]!,
        kind: 'CONFESSION' as const,
        summary: `Event ${j}.`,
        agentKey: `${seriesKey}/hub`,
        targetKey: target,
        participants: [
          { characterKey: `${seriesKey}/hub`, role: 'AGENT' as const },
          { characterKey: target, role: 'TARGET' as const },
        ],
        outcome: null,
        flashback: false,
        sources: [],
        certainty: 'STATED' as const,
        basis: [],
      };
    }),
  };
})();

const SERIES = ['soundtrack-1', 'godspeed', 'quiet-series', 'no-such-series', '__proto__', 'soundtrack-1\u0301'];

const PROGRESSES: Record<string, string>[] = [
  {},
  ...[1, 2, 3, 4].map((n) => ({ 'x-watched-through': `soundtrack-1@${n}` })),
  { 'x-watched-through': 'soundtrack-1@2, godspeed@1' },
  { 'x-watched-through': 'godspeed@1' },
  { 'x-watched-through': 'quiet-series@1, soundtrack-1@1' },
];

const CHARACTERS = ['eun-soo', 'sun-woo', 'seo-yeon', 'dong-hyeon', 'ma-ri', 'gyeol-han', 'eun-soos-mother'];

/** Runs `check` for every item at once, each item's own steps in order: on Neo4j their round trips overlap. */
async function eachAtOnce<T>(items: readonly T[], check: (item: T) => Promise<void>): Promise<void> {
  await Promise.all(items.map(check));
}

interface Answer {
  body: string;
  trips: number;
}

/** `same(query, variables, headers)`: both paths' answers, proven identical, with the planned one's round trips. */
function sameness(service: () => SeededService) {
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
    const { value: response, trips } = await countingRoundTrips(() =>
      graphql(yogaOf(planner), query, variables, headers),
    );
    return { body: JSON.stringify(response), trips };
  };
  /** Both paths' answers, proven identical; the planned one's round trips. */
  const same = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const planned = await answer('on', query, variables, headers);
    const unplanned = await answer('off', query, variables, headers);
    expect(planned.body, `${query.slice(0, 120)} ${JSON.stringify({ variables, headers })}`).toBe(unplanned.body);
    return { ...planned, unplannedTrips: unplanned.trips, response: JSON.parse(planned.body) };
  };
  return same;
}

describeEachStore('the query planner answers byte for byte as the loaders do', (service) => {
  beforeAll(async () => {
    await service().store.importDocument(QUIET);
    await service().store.importDocument(TWO_SERIES);
  });
  const same = sameness(service);

  it('answers op 3 (relationships as of episode N) the same at every episode and progress, in one round trip', async () => {
    let withRelationships = 0;
    await eachAtOnce(PROGRESSES, async (headers) => {
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
    });
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
    await eachAtOnce(PROGRESSES, async (headers) => {
      for (const filter of filters) {
        const { response, trips, unplannedTrips } = await same(CONFESSIONS, { filter, first: 100 }, headers);
        expect(trips).toBe(1);
        listed += response.data.events.edges.length;
        if (response.data.events.edges.some((e: any) => e.node.agent !== null))
          expect(unplannedTrips).toBeGreaterThan(1);
      }
    });
    expect(listed).toBeGreaterThan(100);
  }, 600_000);

  it('walks every page with cursors the same, one event at a time, at each progress', async () => {
    await eachAtOnce(PROGRESSES.slice(0, 3), async (headers) => {
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
    });
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
    await eachAtOnce(PROGRESSES, async (headers) => {
      for (const [skip, include] of [
        [true, false],
        [false, true],
      ]) {
        for (const asOf of [null, 2, 4]) {
          const { response } = await same(query, { asOf, skip, include, slug: 'eun-soo' }, headers);
          expect(response.errors).toBeUndefined();
        }
      }
    });
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

  it('ends each planned read’s signal once its operation is answered, with one reason shared by all operations', async () => {
    const signals: (AbortSignal | undefined)[] = [];
    const watching = new Proxy(service().store, {
      get: (target, property, receiver) =>
        property === 'readPlanned'
          ? (read: PlannedRead, signal?: AbortSignal) => {
              signals.push(signal);
              return target.readPlanned(read, signal);
            }
          : Reflect.get(target, property, receiver),
    });
    const yoga = createDramaYoga({ store: watching, graphiql: false, ops: { planner: 'on' } });
    for (const slug of ['eun-soo', '__proto__', 'eun-soo\u0301'])
      expect(errorCodes(await graphql(yoga, STANDING, { series: 'soundtrack-1', slug, asOf: 2 }))).toEqual([]);
    expect(signals).toHaveLength(3);
    expect(signals.map((signal) => signal?.aborted)).toEqual([true, true, true]);
    expect(signals[0]!.reason).not.toBeInstanceOf(DOMException);
    expect(new Set(signals.map((signal) => signal!.reason)).size).toBe(1);
  });

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
    await graphql(yoga, SERIES_PAGE, { slug: 'soundtrack-1' });
    await graphql(yoga, '{ person(slug: "two-series-actor") { castings { series { slug } } credits { role } } }');
    expect(reads.map((read) => read.kind)).toEqual(['events', 'character', 'series', 'person']);
    for (const read of reads) {
      await expect(store.readPlanned(read)).resolves.toBeDefined();
      const started = new AbortController();
      const answer = store.readPlanned(read, started.signal);
      started.abort();
      await expect(answer).rejects.toThrow();
      await expect(store.readPlanned(read, AbortSignal.abort())).rejects.toThrow();
    }
  }, 120_000);

  it('answers op 2 (the series page) the same at every progress and for any slug, in one round trip where it took 6', async () => {
    let participants = 0;
    await eachAtOnce(PROGRESSES, async (headers) => {
      for (const slug of SERIES) {
        const { response, trips, unplannedTrips } = await same(SERIES_PAGE, { slug }, headers);
        expect(response.errors).toBeUndefined();
        expect(trips, `${slug} ${JSON.stringify(headers)}`).toBe(1);
        const series = response.data.series;
        if (slug === 'soundtrack-1' && Object.keys(headers).length === 0) expect(unplannedTrips).toBe(6);
        if (series === null) continue;
        for (const episode of series.episodes)
          for (const event of episode.events) participants += event.participants.length;
      }
    });
    expect(participants).toBeGreaterThan(100);
  }, 600_000);

  it('answers the series page with fragments, aliases, variables, @skip/@include, cast, crew and uncovered fields the same', async () => {
    let fewer = 0;
    await eachAtOnce(PROGRESSES, async (headers) => {
      for (const slug of ['soundtrack-1', 'godspeed', 'quiet-series', 'no-such-series']) {
        for (const [skip, include, kinds] of [
          [true, false, null],
          [false, true, ['CONFESSION', 'KISS']],
          [false, true, null],
        ] as const) {
          const { response, trips, unplannedTrips } = await same(SERIES_FULL, { slug, skip, include, kinds }, headers);
          expect(response.errors).toBeUndefined();
          if (response.data.series !== null) expect(trips).toBeLessThanOrEqual(unplannedTrips);
          if (trips < unplannedTrips) fewer += 1;
        }
      }
    });
    expect(fewer).toBeGreaterThan(20);
  }, 600_000);

  // A series of 400 episodes with 20 events each could not be read whole: its page was over the cost limit.
  it('answers a series page read a part at a time the same both ways, the parts making up the whole page', async () => {
    const part = `query ($slug: String!, $from: Int, $first: Int) {
      series(slug: $slug) { episodes(fromNumber: $from, first: $first) { number events { sequence kind participants { role character { name portrayedBy { name } } } } } }
    }`;
    type Page = { series: { episodes: { number: number }[] } | null };
    await eachAtOnce(PROGRESSES, async (headers) => {
      for (const slug of ['soundtrack-1', 'godspeed', 'no-such-series']) {
        const whole = (await same(part, { slug }, headers)).response.data as Page;
        for (const size of [1, 2, 3]) {
          const parts: unknown[] = [];
          let from = 1;
          for (let guard = 0; guard < 20; guard += 1) {
            const { response } = await same(part, { slug, from, first: size }, headers);
            expect(response.errors).toBeUndefined();
            const episodes = (response.data as Page).series?.episodes ?? [];
            expect(episodes.length).toBeLessThanOrEqual(size);
            parts.push(...episodes);
            if (episodes.length < size) break;
            from = episodes.at(-1)!.number + 1;
          }
          expect(JSON.stringify(parts)).toBe(JSON.stringify(whole.series?.episodes ?? []));
        }
      }
    });
    const numbers = async (variables: Record<string, unknown>) =>
      ((await same(part, { slug: 'soundtrack-1', ...variables })).response.data as Page).series!.episodes.map(
        (episode) => episode.number,
      );
    const all = await numbers({});
    expect(all.length).toBeGreaterThan(2);
    expect(await numbers({ from: -5 })).toEqual(all);
    expect(await numbers({ from: 0, first: 0 })).toEqual([]);
    expect(await numbers({ from: 2_147_483_647 })).toEqual([]);
    expect(await numbers({ from: 2, first: 1 })).toEqual([2]);
    for (const [variables, code] of [
      [{ first: 101 }, 'BAD_USER_INPUT'],
      [{ first: -1 }, 'BAD_USER_INPUT'],
      [{ first: 2_147_483_648 }, 'BAD_USER_INPUT'],
      [{ from: '2' }, 'BAD_USER_INPUT'],
      [{ from: 1.5 }, 'BAD_USER_INPUT'],
      [{ from: { __proto__: 1 } }, 'BAD_USER_INPUT'],
    ] as const) {
      const { response } = await same(part, { slug: 'soundtrack-1', ...variables });
      expect(errorCodes(response), JSON.stringify(variables)).toEqual([code]);
      expect(response.data?.series?.episodes ?? null).toBeNull();
    }
  }, 600_000);

  it('answers the same when a planned page reads few event fields and other fields read more of the same events', async () => {
    const query = `query ($slug: String!) {
      series(slug: $slug) { episodes { events { kind sequence participants { role } } } }
      relationshipTimeline(series: $slug, a: "eun-soo", b: "sun-woo") {
        before after cause { kind summary outcome flashback certainty source { document paragraph } basis }
      }
      events(filter: { series: $slug }, first: 5) { edges { cursor node { slug sequence } } }
      ...Again
    }
    fragment Again on Query { again: series(slug: $slug) { episodes { events(kinds: [CONFESSION]) { id slug summary sources { document } } } } }`;
    let causes = 0;
    await eachAtOnce(PROGRESSES, async (headers) => {
      for (const slug of ['soundtrack-1', 'godspeed']) {
        const { response } = await same(query, { slug }, headers);
        expect(response.errors).toBeUndefined();
        causes += (response.data.relationshipTimeline ?? []).filter((c: { cause: unknown }) => c.cause !== null).length;
      }
    });
    expect(causes).toBeGreaterThan(0);
  }, 600_000);

  it('plans cast and crew under the series in the same one request', async () => {
    const query = `query ($slug: String!) {
      series(slug: $slug) { title cast { billing person { name } character { name firstEpisode } } crew { role person { name } } }
    }`;
    await eachAtOnce(PROGRESSES, async (headers) => {
      for (const slug of ['soundtrack-1', 'quiet-series', 'godspeed']) {
        const { response, trips } = await same(query, { slug }, headers);
        expect(response.errors).toBeUndefined();
        expect(trips).toBe(1);
      }
    });
    const quiet = (await same(query, { slug: 'quiet-series' }, { 'x-watched-through': 'quiet-series@1' })).response;
    expect(quiet.data.series.cast).toEqual([]);
    expect(quiet.data.series.crew).toEqual([
      { role: 'DIRECTOR', person: { name: 'Quiet Actor' } },
      { role: 'DIRECTOR', person: { name: 'Two Series' } },
      { role: 'WRITER', person: { name: 'Two Series' } },
    ]);
  }, 600_000);

  it('answers a person with castings and credits the same at every progress, in one round trip where it took more', async () => {
    const query = `query ($slug: String!, $skip: Boolean!) {
      person(slug: $slug) {
        name
        castings { billing person { slug } character { name firstEpisode description portrayedBy { name } } series { title } }
        credits @skip(if: $skip) { role person { name } series { slug episodeCount } }
        ... on Person { again: castings { series { slug } character { relationships(asOfEpisode: 2) { kind } } } }
      }
    }`;
    let fewer = 0;
    await eachAtOnce([...PROGRESSES, { 'x-watched-through': 'quiet-series@2' }], async (headers) => {
      for (const slug of [
        'two-series-actor',
        'quiet-actor',
        'han-so-hee',
        'no-such-person',
        '__proto__',
        'han-so-he\u0301',
      ]) {
        for (const skip of [false, true]) {
          const { response, trips, unplannedTrips } = await same(query, { slug, skip }, headers);
          expect(response.errors).toBeUndefined();
          if (response.data.person === null) continue;
          expect(trips).toBeLessThanOrEqual(unplannedTrips);
          if (trips < unplannedTrips) fewer += 1;
        }
      }
    });
    expect(fewer).toBeGreaterThan(20);
    const seen = async (headers: Record<string, string>) =>
      (await same(query, { slug: 'two-series-actor', skip: false }, headers)).response.data.person;
    const early = await seen({ 'x-watched-through': 'quiet-series@2' });
    expect(early.castings.map((c: { series: { title: string } }) => c.series.title)).toEqual(['Soundtrack #1']);
    expect(early.credits.map((c: { role: string }) => c.role)).toEqual(['DIRECTOR', 'WRITER', 'WRITER']);
    const late = await seen({ 'x-watched-through': 'quiet-series@3' });
    expect(late.castings.map((c: { character: { name: string } }) => c.character.name)).toEqual(['Ha-na', 'Eun-soo']);
    const plain = `query ($slug: String!) { person(slug: $slug) { castings { billing character { name } series { title } } credits { role series { title } } } }`;
    expect((await same(plain, { slug: 'two-series-actor' })).trips).toBe(1);
  }, 600_000);

  it('answers a character with who plays it and each end’s players the same, in one round trip', async () => {
    const query = `query ($series: String!, $slug: String!, $asOf: Int) {
      character(series: $series, slug: $slug) {
        name portrayedBy { name }
        relationships(asOfEpisode: $asOf) { kind from { name portrayedBy { slug } } to { firstEpisode } }
      }
    }`;
    let players = 0;
    await eachAtOnce([...PROGRESSES, { 'x-watched-through': 'quiet-series@2' }], async (headers) => {
      for (const [series, slug] of [...CHARACTERS.map((c) => ['soundtrack-1', c]), ['quiet-series', 'ha-na']]) {
        for (const asOf of [2, null]) {
          const { response, trips } = await same(query, { series, slug, asOf }, headers);
          expect(response.errors).toBeUndefined();
          if (response.data.character === null) continue;
          expect(trips).toBe(1);
          players += response.data.character.portrayedBy.length;
        }
      }
    });
    expect(players).toBeGreaterThan(20);
  }, 600_000);

  it('walks allSeries page by page with cursors the same, each series read as series(slug) is, in one round trip', async () => {
    const query = `query ($first: Int, $after: String, $skip: Boolean!) {
      allSeries(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges {
          cursor
          node {
            slug title
            cast { billing person { name } character { name firstEpisode portrayedBy { slug } } }
            crew @skip(if: $skip) { role person { name } }
            episodes { number spoilersHidden events(kinds: [CONFESSION]) { slug agent { name } } }
          }
          again: node { crew { person { slug } } }
        }
      }
    }`;
    await eachAtOnce([...PROGRESSES.slice(0, 3), PROGRESSES.at(-1)!], async (headers) => {
      for (const first of [1, 2, 10]) {
        let after: string | null = null;
        let seen = 0;
        for (;;) {
          const { response, trips, unplannedTrips } = await same(query, { first, after, skip: first === 2 }, headers);
          expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
          const connection = response.data.allSeries;
          expect(trips).toBe(1);
          if (connection.edges.length > 0) expect(unplannedTrips).toBeGreaterThan(1);
          seen += connection.edges.length;
          if (!connection.pageInfo.hasNextPage) break;
          after = connection.pageInfo.endCursor;
        }
        expect(seen).toBe(5);
      }
    });
    const plain = 'query ($first: Int) { allSeries(first: $first) { totalCount edges { node { title } } } }';
    expect((await same(plain, { first: 3 })).response.data.allSeries.totalCount).toBe(5);
    const uncovered = '{ allSeries(first: 4) { edges { node { cast { billing } characters { slug } } } } }';
    expect((await same(uncovered, {})).trips).toBe(2);
    const gated = await same(uncovered, {}, PROGRESSES[2]);
    expect(gated.trips).toBeLessThan(gated.unplannedTrips);
    expect(errorCodes((await same(query, { first: 100, skip: false })).response)).toEqual(['COST_LIMIT_EXCEEDED']);
    const light = `query ($first: Int, $after: String) {
      allSeries(first: $first, after: $after) { edges { cursor node { crew { role } } } }
    }`;
    for (const [variables, code] of [
      [{ first: 101 }, 'BAD_USER_INPUT'],
      [{ first: -1 }, 'BAD_USER_INPUT'],
      [{ first: 0 }, null],

      [{ first: 2, after: 'not-a-cursor' }, 'INVALID_CURSOR'],
      [{ first: 2, after: btoa('event:["x",1,1]') }, 'INVALID_CURSOR'],
      [{ first: 2, after: btoa('series:"zzz"') }, null],
      [{ first: 2, after: Buffer.from(`series:"${'\u{1f600}'.repeat(5_000)}"`).toString('base64') }, 'INVALID_CURSOR'],
      [{ first: 2, after: Buffer.from('series:"go\u0301dspeed"').toString('base64') }, null],
      [{ first: 2, after: btoa('series:{"__proto__":1}') }, 'INVALID_CURSOR'],
    ] as const) {
      const { response } = await same(light, variables);
      expect(errorCodes(response), JSON.stringify(variables).slice(0, 80)).toEqual(code === null ? [] : [code]);
    }
  }, 600_000);

  it('answers hostile series pages the same: deep selections past the plan, many aliases, huge first, hidden progress', async () => {
    const overCost = `query {
      series(slug: "soundtrack-1") {
        episodes {
          events {
            participants {
              character {
                relationships(asOfEpisode: 2) { from { events(kinds: [CONFESSION]) { slug } } }
                portrayedBy { castings { character { name } } credits { role } }
                events { episode { isFinale } }
              }
            }
          }
        }
      }
    }`;
    const deep = `query {
      series(slug: "soundtrack-1") {
        episodes {
          events {
            participants {
              character {
                relationships(asOfEpisode: 2) { kind from { name } }
                portrayedBy { castings { character { slug } } }
                spoilersHidden
              }
            }
          }
        }
      }
      again: series(slug: "soundtrack-1") { __proto__: title constructor: episodeCount }
    }`;
    const aliases = `query {
      series(slug: "soundtrack-1") {
        episodes {
          ${['CONFESSION', 'KISS', 'GIFT', 'CALL', 'MESSAGE', 'REUNION', 'DEPARTURE', 'REVELATION']
            .map((kind, i) => `k${i}: events(kinds: [${kind}]) { slug participants { character { name } } }`)
            .join('\n')}
        }
      }
    }`;
    const huge = `query ($first: Int) {
      events(filter: { series: "soundtrack-1" }, first: $first) { totalCount }
      series(slug: "soundtrack-1") { recommendations(first: $first) { score } episodes { number } }
    }`;
    await eachAtOnce([PROGRESSES[0]!, PROGRESSES[1]!, PROGRESSES.at(-1)!], async (headers) => {
      expect(errorCodes((await same(overCost, {}, headers)).response)).toEqual(['COST_LIMIT_EXCEEDED']);
      const { response } = await same(deep, {}, headers);
      expect(response.errors).toBeUndefined();
      expect(response.data.series).not.toBeNull();
      expect((await same(aliases, {}, headers)).response.errors).toBeUndefined();
      for (const first of [2 ** 31 - 1, 101, -1, 0]) {
        const { response } = await same(huge, { first }, headers);
        if (first > 100 || first < 0) expect(errorCodes(response).length).toBeGreaterThan(0);
      }
    });
    const hidden = (await same(SERIES_PAGE, { slug: 'soundtrack-1' }, { 'x-watched-through': 'soundtrack-1@1' }))
      .response;
    expect(hidden.data.series.episodes.map((e: { number: number }) => e.number)).toEqual([1]);
  }, 600_000);

  it('answers the coded error and no partial page when the store goes away during the series page', async () => {
    const store = service().store;
    let gone = false;
    /** The store method whose call takes the store away (a planned read always does). */
    let goesAt = 'seriesByKeys';
    const going = new Proxy(store, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || property === 'close') return value;
        return (...args: unknown[]) => {
          if (property === 'readPlanned' || property === goesAt) gone = true;
          if (gone) return Promise.reject(new StoreUnavailableError(store.kind));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    for (const planner of ['on', 'off'] as const) {
      gone = false;
      const yoga = createDramaYoga({ store: going, graphiql: false, ops: { planner } });
      const response = await graphql(yoga, SERIES_PAGE, { slug: 'soundtrack-1' });
      expect(new Set(errorCodes(response))).toEqual(new Set(['STORE_UNAVAILABLE']));
      expect(response.data).toEqual({ series: null });
    }
    // A part of the episodes, read by the loaders: the store goes away after the series was read.
    goesAt = 'episodesBySeries';
    const part = `{ series(slug: "soundtrack-1") { title episodes(fromNumber: 2, first: 2) { number events { kind } } } }`;
    for (const planner of ['on', 'off'] as const) {
      gone = false;
      const yoga = createDramaYoga({ store: going, graphiql: false, ops: { planner } });
      const response = await graphql(yoga, part);
      expect(new Set(errorCodes(response))).toEqual(new Set(['STORE_UNAVAILABLE']));
      expect(response.data).toEqual({ series: null });
      expect(JSON.stringify(response)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
  }, 120_000);
});

/* Its own stores: the hub's long lists would raise every other scenario's cost estimates. */
describeEachStore('the query planner reads what places a character in the story once per character', (service) => {
  beforeAll(async () => {
    await service().store.importDocument(HUB);
  });
  const same = sameness(service);

  it('answers a character related to many, and events of one agent, with every first episode the same', async () => {
    const query = `{
      a: character(series: "hub-series", slug: "hub") { firstEpisode relationships { from { firstEpisode } to { firstEpisode } } }
      b: character(series: "hub-series", slug: "hub") { relationships(asOfEpisode: 1) { to { name firstEpisode } } }
      c: character(series: "hub-series", slug: "m7") { relationships(asOfEpisode: 2) { from { firstEpisode } } }
      d: events(filter: { series: "hub-series" }, first: 100) {
        totalCount edges { node { agent { firstEpisode } target { firstEpisode } participants { character { slug } } } }
      }
    }`;
    const progresses: Record<string, string>[] = [
      {},
      { 'x-watched-through': 'hub-series@1' },
      { 'x-watched-through': 'hub-series@2' },
    ];
    await eachAtOnce(progresses, async (headers) => {
      const { response, trips } = await same(query, {}, headers);
      expect(response.errors).toBeUndefined();
      expect(trips).toBe(4);
      if (Object.keys(headers).length === 0) expect(response.data.a.relationships).toHaveLength(120);
    });
    const early = (await same(query, {}, { 'x-watched-through': 'hub-series@1' })).response;
    expect(early.data.a.relationships.length).toBeGreaterThan(0);
    expect(early.data.a.relationships.length).toBeLessThan(120);
  }, 600_000);
});
