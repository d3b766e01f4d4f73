import { expect, it } from 'vitest';
import type { DramaStore } from '../../src/store/port.js';
import { syntheticCatalogue } from '../support/catalogue.js';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';

const RECOMMENDATIONS = `query ($slug: String!, $first: Int) { series(slug: $slug) {
  recommendations(first: $first) { series { slug } score reasons { kind text weight trope person { slug } genre } } } }`;

const CATALOGUE = syntheticCatalogue([
  {
    slug: 'alpha',
    tropes: ['FRIENDS_TO_LOVERS', 'TIME_SKIP'],
    cast: ['ann'],
    directors: ['dee'],
    genres: ['romance', 'music'],
  },
  { slug: 'bravo', tropes: ['TIME_SKIP', 'FRIENDS_TO_LOVERS'], cast: ['bob'], directors: ['dee'], genres: [] },
  { slug: 'charlie', tropes: ['LOVE_TRIANGLE'], cast: ['ann'], genres: ['romance'] },
  { slug: 'delta', tropes: ['TIME_SKIP', 'UNREQUITED_LOVE'], genres: ['crime'] },
  { slug: 'echo', tropes: ['REUNION_AFTER_SEPARATION'], cast: ['bob'], genres: ['music'] },
  { slug: 'foxtrot', tropes: ['LOVE_TRIANGLE', 'UNREQUITED_LOVE'], cast: ['fay'], genres: ['crime'] },
]);

const importCatalogue = async (store: DramaStore) => {
  await store.importDocument(CATALOGUE);
};

describeEachStore(
  'recommendations on a generated catalogue',
  (service) => {
    const recommend = async (slug: string, first?: number) => {
      const response = await graphql(service().yoga, RECOMMENDATIONS, { slug, first });
      expect(response.errors).toBeUndefined();
      return response.data!.series.recommendations;
    };
    const ranking = (list: any[]) => list.map((r) => [r.series.slug, r.score]);

    it('ranks by shared tropes (3), people (2) and genres (1), ties by slug, leaving out what shares nothing', async () => {
      const list = await recommend('alpha');
      expect(ranking(list)).toEqual([
        ['bravo', 8],
        ['charlie', 3],
        ['delta', 3],
        ['echo', 1],
      ]);
      expect(list[0].reasons).toEqual([
        {
          kind: 'SHARED_TROPE',
          text: 'Also has friends to lovers',
          weight: 3,
          trope: 'FRIENDS_TO_LOVERS',
          person: null,
          genre: null,
        },
        { kind: 'SHARED_TROPE', text: 'Also has time skip', weight: 3, trope: 'TIME_SKIP', person: null, genre: null },
        {
          kind: 'SHARED_PERSON',
          text: 'Also with Person dee',
          weight: 2,
          trope: null,
          person: { slug: 'dee' },
          genre: null,
        },
      ]);
      expect(list[1].reasons.map((r: any) => r.text)).toEqual(['Also with Person ann', 'Also romance']);
    });

    it('ranks from any series, and stops at first', async () => {
      expect(ranking(await recommend('foxtrot'))).toEqual([
        ['delta', 4],
        ['charlie', 3],
      ]);
      expect(ranking(await recommend('echo', 2))).toEqual([
        ['bravo', 2],
        ['alpha', 1],
      ]);
      expect(ranking(await recommend('alpha', 1))).toEqual([['bravo', 8]]);
    });

    it.each([0, 21, -1])('refuses first: %i with BAD_USER_INPUT', async (first) => {
      const response = await graphql(service().yoga, RECOMMENDATIONS, { slug: 'alpha', first });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    });

    it('costs the same store calls for one recommendation or twenty', async () => {
      const cost = async (first: number) => {
        const before = service().store.roundTrips;
        await recommend('alpha', first);
        return service().store.roundTrips - before;
      };
      expect(await cost(1)).toBe(await cost(20));
    });
  },
  importCatalogue,
);

describeEachStore('recommendations on the seed', (service) => {
  it('recommends Wrong Side of the Tracks for Soundtrack #1: the recap calls both dramas', async () => {
    const response = await graphql(service().yoga, RECOMMENDATIONS, { slug: 'soundtrack-1' });
    expect(response.errors).toBeUndefined();
    expect(response.data!.series.recommendations).toEqual([
      {
        series: { slug: 'wrong-side-of-the-tracks' },
        score: 1,
        reasons: [{ kind: 'SHARED_GENRE', text: 'Also drama', weight: 1, trope: null, person: null, genre: 'drama' }],
      },
    ]);
  });
});
