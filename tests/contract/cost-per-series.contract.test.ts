import { readFileSync } from 'node:fs';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { beforeAll, expect, it } from 'vitest';
import { toGraphDocument } from '../../src/seed/document.js';
import { parseSeedText } from '../../src/seed/load.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { bigSeriesText, importBigSeries, seedsAndBigSeries } from '../support/big-series.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';

const SERIES_PAGE = readFileSync('examples/series-page.graphql', 'utf8');
const LONG = 'long-runner';
const REJECTED = 'rejected-runner';
const pageOf = (slug: string) => SERIES_PAGE.replace('"soundtrack-1"', `"${slug}"`);
const codes = (answer: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  (answer.errors ?? []).map((error) => error.extensions?.code);

// Red team: one writer added a series of 1,000 episodes, and every client's series page of every other series
// got COST_LIMIT_EXCEEDED (819,031 for a 4-episode series): each list was costed by the longest in the store.
describeEachStore(
  'A series page is costed by the series it names',
  (current) => {
    let yoga: DramaYoga;
    beforeAll(() => {
      yoga = createDramaYoga({ store: current().store, graphiql: false });
    });

    it('answers the series page of a short series while the store holds a long one', async () => {
      const sizes = await current().store.listSizes();
      expect(sizes.episodesPerSeries).toBe(400);
      const answer = await graphql(yoga, SERIES_PAGE);
      expect(answer.errors).toBeUndefined();
      expect((answer.data!.series as { episodes: unknown[] }).episodes.length).toBeGreaterThan(0);
    });

    it('still refuses the long series own page, costed by its own lists', async () => {
      const answer = await graphql(yoga, pageOf(LONG));
      expect(codes(answer)).toEqual(['COST_LIMIT_EXCEEDED']);
      expect(answer.errors?.[0]?.extensions?.cost as number).toBeGreaterThan(50_000);
    });

    it('reads the long series page whole a part at a time, each part within the limit', async () => {
      const part = `query ($from: Int) { series(slug: "${LONG}") { episodes(fromNumber: $from, first: 50) { number events { summary participants { role character { name } } } } } }`;
      const numbers: number[] = [];
      let events = 0;
      for (let from = 1; from <= 400; from += 50) {
        const answer = await graphql(yoga, part, { from });
        expect(answer.errors).toBeUndefined();
        const episodes = (answer.data!.series as { episodes: { number: number; events: unknown[] }[] }).episodes;
        expect(episodes).toHaveLength(50);
        numbers.push(...episodes.map((episode) => episode.number));
        for (const episode of episodes) events += episode.events.length;
      }
      expect(numbers).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
      expect(events).toBe(8_000);
      // Without first, the same selection is costed as the whole page.
      expect(codes(await graphql(yoga, part.replace(', first: 50', ''), { from: 1 }))).toEqual(['COST_LIMIT_EXCEEDED']);
    });

    it('costs the slug named through a variable, and a series that does not exist as nothing to read', async () => {
      const query = SERIES_PAGE.replace('query SeriesPage {', 'query SeriesPage($slug: String!) {').replace(
        '"soundtrack-1"',
        '$slug',
      );
      expect((await graphql(yoga, query, { slug: 'soundtrack-1' })).errors).toBeUndefined();
      expect(codes(await graphql(yoga, query, { slug: LONG }))).toEqual(['COST_LIMIT_EXCEEDED']);
      for (const slug of ['no-such-series', '__proto__', 'constructor', 'x'.repeat(5_000), '시리즈'])
        expect(await graphql(yoga, query, { slug })).toMatchObject({ status: 200, data: { series: null } });
    });

    // Red team: a character of the long series in 8,000 events refused every series page listing its characters' events.
    it("costs a series' characters' castings, relationships and events by its own characters", async () => {
      const characters = `{ series(slug: "soundtrack-1") { characters { name events { kind participants { role } } portrayedBy { name } relationships { kind } } } }`;
      expect(await current().store.listSizes()).toMatchObject({ eventsPerCharacter: 8_000 });
      expect((await graphql(yoga, characters)).errors).toBeUndefined();
      const long = characters.replace('"soundtrack-1"', `"${LONG}"`);
      expect(codes(await graphql(yoga, long))).toEqual(['COST_LIMIT_EXCEEDED']);
    });

    // Re-test 21: a character page, reached from the root character(series:, slug:), was still costed store-wide.
    it('costs a character page by the series it names, as under series(slug:)', async () => {
      const page = (series: string, slug: string) =>
        `{ character(series: "${series}", slug: "${slug}") { name events { kind participants { role } } relationships { kind } } }`;
      const answer = await graphql(yoga, page('soundtrack-1', 'eun-soo'));
      expect(answer.errors).toBeUndefined();
      expect((answer.data!.character as { events: unknown[] }).events.length).toBeGreaterThan(0);
      // In every one of the long series' 8,000 events.
      expect(codes(await graphql(yoga, page(LONG, 'ha-na')))).toEqual(['COST_LIMIT_EXCEEDED']);
      // Back from a character or an episode to its own series (re-test 22): still that series.
      for (const root of [
        'character(series: "soundtrack-1", slug: "eun-soo")',
        'episode(series: "soundtrack-1", number: 4)',
      ]) {
        const back = (selection: string) => `{ ${root} { series { ${selection} } } }`;
        for (const selection of ['episodes { number events { sequence } }', 'characters { name events { sequence } }'])
          expect((await graphql(yoga, back(selection))).errors, `${root} ${selection}`).toBeUndefined();
        const long = back(
          'episodes { number events { sequence kind summary participants { role character { name } } } }',
        ).replace('"soundtrack-1"', `"${LONG}"`);
        expect(codes(await graphql(yoga, long.replace('eun-soo', 'ha-na')))).toEqual(['COST_LIMIT_EXCEEDED']);
      }
    });

    it('costs by the store-wide longest what is reached under both series, and what leaves the series', async () => {
      // One fragment spread under the short series and under the long one: costed as the longest.
      const shared = `{ a: series(slug: "soundtrack-1") { ...P } b: series(slug: "${LONG}") { ...P } }
        fragment P on Series { episodes { events { summary participants { role } } } }`;
      expect(codes(await graphql(yoga, shared))).toEqual(['COST_LIMIT_EXCEEDED']);
      // From a character to a person, and on to the series it plays in, is any series: the long one's size counts.
      const through = `{ series(slug: "soundtrack-1") { characters { portrayedBy { castings { series { episodes { events { summary participants { role } } } } } } } } }`;
      expect(codes(await graphql(yoga, through))).toEqual(['COST_LIMIT_EXCEEDED']);
    });

    // Red team 44: a page of the 20,000-event series, refused, held the process for seconds each time it came, as
    // the cost limit read every event of the series and of its characters to know its lists' lengths.
    it('costs a series page from the lengths the store keeps, reading none of its episodes or events', async () => {
      let records = 0;
      const counted = new Proxy(current().store, {
        get(store, name) {
          const value = Reflect.get(store, name, store) as unknown;
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            const answer = (await (value as (...a: unknown[]) => unknown).apply(store, args)) as unknown;
            if (Array.isArray(answer)) records += answer.flat().length;
            return answer;
          };
        },
      });
      const fresh = createDramaYoga({ store: counted, graphiql: false });
      const page = `{ ${[1, 2, 3]
        .map((n) => `s${n}: series(slug: "${LONG}") { episodes { number events(kinds: [CONFESSION]) { sequence } } }`)
        .join(' ')} }`;
      for (const attempt of [1, 2]) {
        records = 0;
        const answer = await graphql(fresh, page);
        expect(codes(answer), `attempt ${attempt}`).toEqual(['COST_LIMIT_EXCEEDED']);
        // The series itself and its two characters: not its 400 episodes, nor its 8,000 events.
        expect(records, `attempt ${attempt}`).toBeLessThan(20);
      }
    });

    it("costs store-wide, with a coded refusal, while the store cannot give a series' sizes, and by the series once it can", async () => {
      let failing = true;
      const flaky = new Proxy(current().store, {
        get: (target, property, receiver) =>
          property === 'seriesListSizes'
            ? (keys: readonly string[], signal?: AbortSignal) =>
                failing ? Promise.reject(new Error('the store went away')) : target.seriesListSizes(keys, signal)
            : Reflect.get(target, property, receiver),
      });
      const fresh = createDramaYoga({ store: flaky, graphiql: false });
      const refused = await graphql(fresh, SERIES_PAGE);
      expect(codes(refused)).toEqual(['COST_LIMIT_EXCEEDED']);
      expect(JSON.stringify(refused)).not.toContain('the store went away');
      failing = false;
      const answered = await graphql(fresh, SERIES_PAGE);
      expect(answered.errors).toBeUndefined();
    });

    // Red team 49: with a series of 110,000 rejected confessions in the store, the documented tropes example (trope
    // evidence of Soundtrack #1) was refused at a cost of 44,000,021: evidence was priced by the largest in the store.
    it("prices a series' trope evidence by its own tropes, not the store's largest", async () => {
      const seed = JSON.parse(bigSeriesText(REJECTED, 20, 40)) as { series: { events: Record<string, unknown>[] }[] };
      for (const event of seed.series[0]!.events) Object.assign(event, { kind: 'CONFESSION', outcome: 'REJECTED' });
      await current().store.importDocument(toGraphDocument([parseSeedText('r.json', JSON.stringify(seed))]));
      const tropes = readFileSync('examples/tropes.graphql', 'utf8');
      const ofRejected = tropes.replace('"soundtrack-1"', `"${REJECTED}"`);
      const limitsAt = (cost: number) => ({ depth: 15, aliases: 15, tokens: 1000, cost, bodyBytes: 100_000 });
      const costAt = async (query: string) => {
        const tiny = createDramaYoga({ store: current().store, graphiql: false, ops: { limits: limitsAt(1) } });
        return (await graphql(tiny, query)).errors?.[0]?.extensions?.cost as number;
      };
      const [own, rejected] = [await costAt(tropes), await costAt(ofRejected)];
      expect(rejected).toBeGreaterThan(10 * own);
      const limited = createDramaYoga({ store: current().store, graphiql: false, ops: { limits: limitsAt(own) } });
      const answer = await graphql(limited, tropes);
      expect(answer.errors).toBeUndefined();
      expect((answer.data!.series as { tropes: unknown[] }).tropes.length).toBeGreaterThan(0);
      expect(codes(await graphql(limited, ofRejected))).toEqual(['COST_LIMIT_EXCEEDED']);
      // Not named by a series, the same tropes are priced by the largest, as before.
      const viaNode = `{ node(id: "${encodeGlobalID('Series', 'soundtrack-1')}") { ... on Series { tropes { evidence { events { sequence } } } } } }`;
      expect(codes(await graphql(limited, viaNode))).toEqual(['COST_LIMIT_EXCEEDED']);
    });

    it('sees a series grow: after a write, its page is costed again by its new lists', async () => {
      const limits = { depth: 10, aliases: 15, tokens: 1000, cost: 100, bodyBytes: 100_000 };
      const small = createDramaYoga({ store: current().store, graphiql: false, ops: { limits } });
      const episodes = `{ series(slug: "soundtrack-1") { episodes { number } } }`;
      expect((await graphql(small, episodes)).errors).toBeUndefined();
      await importBigSeries(current().store, 'soundtrack-1', 150, 1);
      const answer = await graphql(small, episodes);
      expect(codes(answer)).toEqual(['COST_LIMIT_EXCEEDED']);
      expect(answer.errors?.[0]?.extensions?.cost).toBe(1 + 150 * 2);
    });
  },
  seedsAndBigSeries(LONG, 400, 20),
);
