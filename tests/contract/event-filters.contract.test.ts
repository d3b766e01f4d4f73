import { expect, it } from 'vitest';
import { encodeCursor } from '../../src/pagination.js';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, type GraphQLResponse, graphql } from '../support/graphql.js';

const EVENTS = `query Events($filter: EventFilter, $first: Int, $after: String) {
  events(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { sequence kind } } } }`;

describeEachStore('the events filter and its pages', (service) => {
  const sequences = async (filter: Record<string, unknown>, first = 100) => {
    const response = await graphql(service().yoga, EVENTS, { filter, first });
    expect(response.errors).toBeUndefined();
    return response.data!.events.edges.map((e: any) => e.node.sequence);
  };

  it('filters by every field of EventFilter, each alone and together', async () => {
    expect(await sequences({ agent: 'woo-il' })).toEqual([11]);
    expect(await sequences({ target: 'seo-yeon' })).toEqual([24, 25]);
    expect(await sequences({ participant: 'dong-hyeon' })).toEqual([10, 34]);
    // 32 (his written answer) has no outcome: the recap does not say how she answers it
    expect(await sequences({ outcome: 'RECIPROCATED' })).toEqual([31]);
    expect(await sequences({ kinds: ['KISS', 'ASK_OUT'] })).toEqual([26, 33]);
    expect(
      await sequences({
        series: 'soundtrack-1',
        episode: 4,
        kinds: ['CONFESSION'],
        agent: 'eun-soo',
        outcome: 'RECIPROCATED',
      }),
    ).toEqual([31]);
    expect(await sequences({ series: 'soundtrack-1', episode: 3 })).toEqual([]);
    expect(await sequences({ series: 'another-show' })).toEqual([]);
    expect(await sequences({ agent: 'nobody' })).toEqual([]);
    expect(await sequences({ kinds: [] })).toEqual([]);
    expect((await sequences({}, 100)).length).toBe(34);
  });

  it('walks every page with cursors, without gaps or repeats', async () => {
    const seen: number[] = [];
    let after: string | null = null;
    for (let pages = 1; pages <= 20; pages += 1) {
      const response: GraphQLResponse = await graphql(service().yoga, EVENTS, {
        filter: { participant: 'sun-woo' },
        first: 7,
        after,
      });
      expect(response.errors).toBeUndefined();
      const { totalCount, pageInfo, edges }: { totalCount: number; pageInfo: any; edges: any[] } =
        response.data!.events;
      expect(totalCount).toBe(29);
      expect(pageInfo.hasPreviousPage).toBe(after !== null);
      expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
      seen.push(...edges.map((e: any) => e.node.sequence));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toHaveLength(29);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('returns an empty page for first: 0 but still counts and says there is more', async () => {
    const response = await graphql(service().yoga, EVENTS, { filter: { kinds: ['CONFESSION'] }, first: 0 });
    expect(response.data?.events).toEqual({
      totalCount: 4,
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
      edges: [],
    });
  });

  it('pages allSeries by slug', async () => {
    const response = await graphql(
      service().yoga,
      '{ allSeries(first: 10) { totalCount pageInfo { hasNextPage } edges { node { slug } } } }',
    );
    expect(response.data?.allSeries).toEqual({
      totalCount: 4,
      pageInfo: { hasNextPage: false },
      edges: ['godspeed', 'soundtrack-1', 'the-time-travelers-wife', 'wrong-side-of-the-tracks'].map((slug) => ({
        node: { slug },
      })),
    });
  });

  it("refuses a cursor from another series' or episode's list, and takes one from its own", async () => {
    const page = async (filter: Record<string, unknown>, after?: string) =>
      graphql(service().yoga, EVENTS, { filter, first: 2, ...(after === undefined ? {} : { after }) });
    const episode4 = (await page({ series: 'soundtrack-1', episode: 4 })).data!.events.pageInfo.endCursor as string;
    expect(episode4).toEqual(expect.any(String));
    // The place of an event in another series, as that series' list would give it.
    const elsewhere = encodeCursor('event', ['godspeed', 1, 1]);
    for (const [filter, after] of [
      [{ series: 'godspeed' }, episode4],
      [{ series: 'soundtrack-1' }, elsewhere],
      [{ series: 'soundtrack-1', kinds: ['CONFESSION'] }, elsewhere],
      [{ series: 'soundtrack-1', episode: 5 }, episode4],
      [{ episode: 5 }, episode4],
    ] as const) {
      const refused = await page(filter, after);
      expect(errorCodes(refused), JSON.stringify(filter)).toEqual(['INVALID_CURSOR']);
      expect(refused.data?.events ?? null).toBeNull();
    }
    for (const [filter, after] of [
      [{ series: 'soundtrack-1', episode: 4 }, episode4],
      [{ series: 'soundtrack-1' }, episode4],
      [{ kinds: ['CONFESSION'] }, elsewhere],
      [{}, episode4],
    ] as const) {
      const taken = await page(filter, after);
      expect(taken.errors, JSON.stringify(filter)).toBeUndefined();
      expect(taken.data!.events.pageInfo.hasPreviousPage).toBe(true);
    }
  });

  it.each([
    ['a cursor that is not base64 of ours', { after: 'not-a-cursor' }, 'INVALID_CURSOR'],
    ['a series cursor given to events', { after: 'c2VyaWVzOiJzb3VuZHRyYWNrLTEi' }, 'INVALID_CURSOR'],
    ['a page over 100', { first: 101 }, 'BAD_USER_INPUT'],
    ['a negative page', { first: -1 }, 'BAD_USER_INPUT'],
    ['episode 0', { filter: { episode: 0 } }, 'BAD_USER_INPUT'],
    ['an unknown kind', { filter: { kinds: ['DANCE'] } }, 'BAD_USER_INPUT'],
    ['a string page size', { first: 'ten' }, 'BAD_USER_INPUT'],
  ])('rejects %s with a coded error and no data', async (_name, variables, code) => {
    const response = await graphql(service().yoga, EVENTS, variables);
    expect(response.status).toBeLessThan(500);
    expect(errorCodes(response)).toEqual([code]);
    expect(JSON.stringify(response)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});
