import { expect, it } from 'vitest';
import { SEARCH_MAX_WEIGHT, SearchTooLarge } from '../../src/domain/paths.js';
import { toGraphDocument } from '../../src/seed/document.js';
import { parseSeedText } from '../../src/seed/load.js';
import { denseSeriesText } from '../support/big-series.js';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';

const CONNECTION = `query Connection($from: ID!, $to: ID!, $maxHops: Int) {
  connection(from: $from, to: $to, maxHops: $maxHops) {
    hops
    nodes { __typename ... on Character { slug } ... on Person { slug } }
    steps { links relationships { kind } sharedEvents { sequence } castings { billing } } } }`;

const id = (typename: string, key: string) => Buffer.from(`${typename}:${key}`).toString('base64');
const character = (slug: string) => id('Character', `soundtrack-1/${slug}`);
const person = (slug: string) => id('Person', slug);

type Path = {
  hops: number;
  nodes: { slug: string }[];
  steps: { links: string[]; relationships: { kind: string }[]; sharedEvents: { sequence: number }[] }[];
};
const chain = (p: Path) => p.nodes.map((n) => n.slug).join(' > ');

describeEachStore('connections', (service) => {
  const connect = async (
    from: string,
    to: string,
    maxHops?: number,
    headers: Record<string, string> = {},
  ): Promise<Path[]> => {
    const response = await graphql(service().yoga, CONNECTION, { from, to, maxHops }, headers);
    expect(response.errors).toBeUndefined();
    return response.data!.connection;
  };

  it('links Woo-il to Seo-yeon through Eun-soo, explaining each step', async () => {
    const paths = await connect(character('woo-il'), character('seo-yeon'));
    expect(paths.map(chain)).toEqual(['woo-il > eun-soo > seo-yeon']);
    const [first, second] = paths[0]!.steps;
    expect(first).toMatchObject({
      links: ['RELATIONSHIP', 'SHARED_EVENT'],
      sharedEvents: [{ sequence: 11 }],
      castings: [],
    });
    expect(first!.relationships.map((r) => r.kind).sort()).toEqual(['COLLEAGUE', 'UNREQUITED_LOVE']);
    expect(second).toEqual({
      links: ['SHARED_EVENT'],
      relationships: [],
      sharedEvents: [{ sequence: 24 }, { sequence: 25 }, { sequence: 26 }],
      castings: [],
    });
  });

  it('links two actors through the characters they play', async () => {
    const paths = await connect(person('han-so-hee'), person('park-hyung-sik'));
    expect(paths.map(chain)).toEqual(['han-so-hee > eun-soo > sun-woo > park-hyung-sik']);
    expect(paths[0]!.steps.map((s) => s.links)).toEqual([
      ['PLAYED_BY'],
      ['RELATIONSHIP', 'SHARED_EVENT'],
      ['PLAYED_BY'],
    ]);
  });

  it('returns every shortest chain, in key order', async () => {
    const paths = await connect(character('tae-yoon'), character('gyeol-han'));
    expect(paths.every((p) => p.hops === 2)).toBe(true);
    expect(paths.map(chain)).toEqual(['tae-yoon > eun-soo > gyeol-han']);
    const wide = await connect(character('woo-il'), character('dong-hyeon'));
    expect(wide.map(chain)).toEqual([...wide.map(chain)].sort());
  });

  it('does not follow what the viewer has not watched', async () => {
    const atFour = { 'x-watched-through': 'soundtrack-1@4' };
    const early = await connect(character('woo-il'), character('seo-yeon'), 4, atFour);
    expect(early.length).toBeGreaterThan(0);
    // Seo-yeon first appears in episode 4: before it there is no path to her, nor from her.
    const atThree = { 'x-watched-through': 'soundtrack-1@3' };
    expect(await connect(character('eun-soo'), character('seo-yeon'), 4, atThree)).toEqual([]);
    expect(await connect(character('seo-yeon'), character('eun-soo'), 4, atThree)).toEqual([]);
    const friends = await connect(character('eun-soo'), character('sun-woo'), 1, atThree);
    expect(friends.map(chain)).toEqual(['eun-soo > sun-woo']);
    expect(friends[0]!.steps[0]!.links).toEqual(['RELATIONSHIP']);
  });

  it('is empty beyond maxHops, for unknown ends and for the same end twice', async () => {
    expect(await connect(character('woo-il'), character('seo-yeon'), 1)).toEqual([]);
    expect(await connect(character('woo-il'), character('nobody'))).toEqual([]);
    expect(await connect(character('woo-il'), character('woo-il'))).toEqual([]);
  });

  it.each([0, 7])('refuses maxHops: %i with BAD_USER_INPUT', async (maxHops) => {
    const response = await graphql(service().yoga, CONNECTION, {
      from: character('woo-il'),
      to: character('eun-soo'),
      maxHops,
    });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses ids of other types with BAD_USER_INPUT and malformed ids with INVALID_ID', async () => {
    const series = await graphql(service().yoga, CONNECTION, {
      from: id('Series', 'soundtrack-1'),
      to: character('eun-soo'),
    });
    expect(errorCodes(series)).toEqual(['BAD_USER_INPUT']);
    const bad = await graphql(service().yoga, CONNECTION, { from: 'not an id', to: character('eun-soo') });
    expect(errorCodes(bad)).toEqual(['INVALID_ID']);
  });

  it('costs one round trip for its ends, then one neighbourhood round trip per hop level', async () => {
    const before = service().store.roundTrips;
    const response = await graphql(
      service().yoga,
      `{ connection(from: "${character('woo-il')}", to: "${character('seo-yeon')}") { hops } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(service().store.roundTrips - before).toBe(3);
  });

  // Red team 58: a hop over fifty characters who share 10,000 events read half a million event links and ran the heap
  // out; red team 59: 48,000 events of fifty participants each, within a bound on events alone, took 300 MB. Fifty
  // characters in 2,900 events: one neighbourhood weighs 2,900 × 51 = 147,900, within the bound; two are over it.
  it('refuses a search whose events would weigh more than its bound, and answers one within it', async () => {
    const crowd = (slug: string) => id('Character', `rt59-crowd/${slug}`);
    const seed = parseSeedText('rt59-crowd.json', denseSeriesText('rt59-crowd', 50, 2_900, 10));
    await service().store.importDocument(toGraphDocument([seed]));
    const ends = `query Ends($from: ID!, $to: ID!, $maxHops: Int) {
      connection(from: $from, to: $to, maxHops: $maxHops) { hops nodes { ... on Character { slug } } } }`;
    const found = await graphql(service().yoga, ends, { from: crowd('c0'), to: crowd('c1'), maxHops: 2 });
    expect(found.errors).toBeUndefined();
    expect(found.data!.connection).toEqual([{ hops: 1, nodes: [{ slug: 'c0' }, { slug: 'c1' }] }]);
    const refused = await graphql(service().yoga, ends, { from: crowd('c0'), to: character('eun-soo'), maxHops: 2 });
    expect(errorCodes(refused)).toEqual(['CONNECTION_TOO_LARGE']);
    expect(refused.errors![0]!.extensions).toEqual({ code: 'CONNECTION_TOO_LARGE', limit: SEARCH_MAX_WEIGHT });
    expect(refused.data).toBeNull();
    // Red team 60: a small search beside it in one request was refused with it (their hops went in one store call).
    const both = await graphql(
      service().yoga,
      `query Both($small: ID!, $to: ID!, $large: ID!, $far: ID!) {
        small: connection(from: $small, to: $to) { hops } large: connection(from: $large, to: $far) { hops } }`,
      { small: character('woo-il'), to: character('seo-yeon'), large: crowd('c0'), far: character('eun-soo') },
    );
    expect(both.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([[['large'], 'CONNECTION_TOO_LARGE']]);
    // Red team 60: events after the viewer's progress were weighed too, so a refusal told of what was still to come.
    // Through episode 1 the crowd shares 10 events: the same search is looked through, and finds no chain.
    const watched = await graphql(
      service().yoga,
      ends,
      { from: crowd('c0'), to: character('eun-soo'), maxHops: 2 },
      { 'X-Watched-Through': 'rt59-crowd@1' },
    );
    expect(watched.errors).toBeUndefined();
    expect(watched.data!.connection).toEqual([]);
    const early = await service().store.neighbourhoods(['rt59-crowd/c0', 'rt59-crowd/c1'], undefined, [
      { seriesKey: 'rt59-crowd', episode: 1 },
    ]);
    expect(early.map((n) => n.events.map((e) => e.sequence))).toEqual([
      Array.from({ length: 10 }, (_, i) => i + 1),
      Array.from({ length: 10 }, (_, i) => i + 1),
    ]);
    // The store weighs a call's events, on both stores alike: two neighbourhoods of 2,900 events are over the bound.
    await expect(service().store.neighbourhoods(['rt59-crowd/c0', 'rt59-crowd/c1'])).rejects.toBeInstanceOf(
      SearchTooLarge,
    );
    const [one] = await service().store.neighbourhoods(['rt59-crowd/c0']);
    expect(one!.events).toHaveLength(2_900);
    expect(one!.events[0]!.participants).toHaveLength(50);

    // Red team 58: sharedEvents was costed by the store's longest list of a character's events (2,900 here), so
    // asking for it was refused over the cost limit for every connection. It lists a page, and counts the rest.
    const shared = (first: unknown) =>
      graphql(
        service().yoga,
        `query Shared($from: ID!, $to: ID!, $first: Int) { connection(from: $from, to: $to, maxHops: 1) {
          steps { sharedEventCount sharedEvents(first: $first) { sequence episode { number } } } } }`,
        { from: crowd('c0'), to: crowd('c1'), first },
      );
    const page = await shared(undefined);
    expect(page.errors).toBeUndefined();
    const [step] = page.data!.connection[0].steps;
    expect(step.sharedEventCount).toBe(2_900);
    expect(step.sharedEvents).toHaveLength(100);
    expect(step.sharedEvents.slice(0, 2)).toEqual([
      { sequence: 1, episode: { number: 1 } },
      { sequence: 2, episode: { number: 1 } },
    ]);
    expect((await shared(null)).data!.connection[0].steps[0].sharedEvents).toHaveLength(100);
    const two = await shared(2);
    expect(two.data!.connection[0].steps[0]).toEqual({
      sharedEventCount: 2_900,
      sharedEvents: [
        { sequence: 1, episode: { number: 1 } },
        { sequence: 2, episode: { number: 1 } },
      ],
    });
    expect((await shared(0)).data!.connection[0].steps[0].sharedEvents).toEqual([]);
    for (const bad of [-1, 101, 2 ** 31])
      expect(errorCodes(await shared(bad)), String(bad)).toEqual(['BAD_USER_INPUT']);
    for (const bad of ['2', 1.5, [2], { __proto__: 2 }])
      expect(errorCodes(await shared(bad)), JSON.stringify(bad)).toEqual(['BAD_USER_INPUT']);
  }, 120_000);
});
