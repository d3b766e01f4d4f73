import { expect, it } from 'vitest';
import type { GraphDocument } from '../../src/domain/records.js';
import { generatePeople } from '../../src/generate/people.js';
import { generateSeries } from '../../src/generate/series.js';
import { createLoaders } from '../../src/reads/loaders.js';
import { toGraphDocument } from '../../src/seed/document.js';
import { SEED_FORMAT } from '../../src/seed/format.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { tropesThroughLoaders } from '../support/tropes.js';

const TROPES = `{ series(slug: "soundtrack-1") { tropes { kind name explanation
  evidence { explanation relationships { kind from { slug } } events { kind sequence } characters { slug } } } } }`;

describeEachStore('tropes', (service) => {
  const tropes = async (headers: Record<string, string> = {}) => {
    const response = await graphql(service().yoga, TROPES, undefined, headers);
    expect(response.errors).toBeUndefined();
    return response.data!.series.tropes;
  };

  it('derives all five tropes of Soundtrack #1 from its relationships and events, with the facts behind each', async () => {
    const found = await tropes();
    expect(found.map((t: any) => t.kind)).toEqual([
      'FRIENDS_TO_LOVERS',
      'UNREQUITED_LOVE',
      'LOVE_TRIANGLE',
      'TIME_SKIP',
      'REUNION_AFTER_SEPARATION',
    ]);
    expect(found[0].evidence).toEqual([
      {
        explanation: 'Eun-soo and Sun-woo are best friends before they become a couple in episode 4.',
        relationships: [
          { kind: 'BEST_FRIEND', from: { slug: 'eun-soo' } },
          { kind: 'ROMANTIC', from: { slug: 'eun-soo' } },
        ],
        events: [{ kind: 'KISS', sequence: 33 }],
        characters: [{ slug: 'eun-soo' }, { slug: 'sun-woo' }],
      },
    ]);
    expect(found[1].evidence).toEqual([
      {
        explanation: 'Woo-il confesses to Eun-soo in episode 4 and is turned down.',
        relationships: [{ kind: 'UNREQUITED_LOVE', from: { slug: 'woo-il' } }],
        events: [{ kind: 'CONFESSION', sequence: 11 }],
        characters: [{ slug: 'woo-il' }, { slug: 'eun-soo' }],
      },
    ]);
    expect(found[2].explanation).toBe(
      'Sun-woo and Woo-il are both drawn to Eun-soo. Eun-soo and Seo-yeon are both drawn to Sun-woo.',
    );
    expect(found[2].evidence[1].events).toContainEqual({ kind: 'ASK_OUT', sequence: 26 });
    expect(found[2].evidence[1].characters).toEqual([{ slug: 'sun-woo' }, { slug: 'eun-soo' }, { slug: 'seo-yeon' }]);
    expect(found[3].evidence[0].events).toEqual([{ kind: 'TIME_SKIP', sequence: 4 }]);
    expect(found[4]).toMatchObject({
      name: 'reunion after separation',
      explanation: 'Sun-woo leaves in episode 4 and is reunited with Eun-soo in episode 4.',
      evidence: [
        {
          events: [
            { kind: 'DEPARTURE', sequence: 1 },
            { kind: 'REUNION', sequence: 18 },
          ],
          characters: [{ slug: 'sun-woo' }, { slug: 'eun-soo' }],
        },
      ],
    });
  });

  it('uses only what the viewer has watched: before episode 4 there is no triangle, as Woo-il is not met yet', async () => {
    expect(await tropes({ 'x-watched-through': 'soundtrack-1@3' })).toEqual([]);
    const at4 = await tropes({ 'x-watched-through': 'soundtrack-1@4' });
    expect(at4.map((t: any) => t.explanation)).toContain(
      'Sun-woo and Woo-il are both drawn to Eun-soo. Eun-soo and Seo-yeon are both drawn to Sun-woo.',
    );
  });

  // Red team 44: the series a request asked for were derived as one, and another client's request waited behind
  // all of them; each is now a derivation of its own, so a request reads its series' stories a few at a time.
  it('reads the story of each series asked once, and nothing again while the store is unchanged', async () => {
    const count = async (query: string) => {
      const before = service().store.roundTrips;
      const response = await graphql(service().yoga, query);
      expect(response.errors).toBeUndefined();
      return service().store.roundTrips - before;
    };
    const page = '{ allSeries { edges { node { tropes { kind } } } } }';
    const series = (await service().store.counts()).series;
    const first = await count(page);
    // The series page, then per series a count of its story's events (before any is read), and its characters,
    // relationships and events (two series at a time may share those).
    expect(first).toBeGreaterThan(4);
    expect(first).toBeLessThanOrEqual(1 + 4 * series);
    const twice =
      '{ a: allSeries { edges { node { tropes { kind } } } } b: allSeries { edges { node { tropes { kind } } } } }';
    expect(await count(twice)).toBe(1);
  });
});

/** A generated catalogue with some relationships revealed after they begin, so that every reveal rule has work. */
function revealingCatalogue(): GraphDocument {
  const people = generatePeople(7, 10);
  const document = toGraphDocument([
    { format: SEED_FORMAT, people, series: Array.from({ length: 10 }, (_, i) => generateSeries(7, i + 1, people)) },
  ]);
  const episodes = new Map(document.series.map((s) => [s.key, s.episodeCount]));
  return {
    ...document,
    relationships: document.relationships.map((r, i) =>
      i % 3 === 0 && r.sinceEpisode !== null && r.sinceEpisode < episodes.get(r.seriesKey)!
        ? { ...r, revealedIn: r.sinceEpisode + 1 }
        : r,
    ),
  };
}

describeEachStore(
  'tropes from the story each series shares among viewers',
  (service) => {
    // Red team 46: each viewer's episode read the series' events anew; one story now serves every episode, by the
    // same rules the request loaders apply list by list.
    it('equal the tropes read list by list through the request loaders, for every series at every episode', async () => {
      const { store } = service();
      const { items } = await store.listSeries({ first: 100, afterSlug: null });
      expect(items.length).toBe(10);
      let differing = 0;
      for (const series of items) {
        const everything = await createLoaders(store).derivedTropes(series.key);
        expect(everything).toEqual(await tropesThroughLoaders(createLoaders(store), series.key));
        for (let episode = 1; episode <= series.episodeCount + 1; episode += 1) {
          const progress = new Map([[series.key, episode]]);
          const derived = await createLoaders(store, progress).derivedTropes(series.key);
          const seen = await tropesThroughLoaders(createLoaders(store, progress), series.key);
          expect(derived, `${series.slug}@${episode}`).toEqual(seen);
          if (JSON.stringify(derived) !== JSON.stringify(everything)) differing += 1;
        }
      }
      // Progress does change the tropes of this catalogue, so the comparison can tell.
      expect(differing).toBeGreaterThan(10);
    }, 120_000);
  },
  async (store) => {
    await store.importDocument(revealingCatalogue());
  },
);
