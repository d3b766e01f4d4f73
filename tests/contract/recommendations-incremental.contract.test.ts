import { expect, it } from 'vitest';
import { recommend } from '../../src/domain/recommendations.js';
import { TROPE_KINDS } from '../../src/domain/tropes.js';
import { buildCatalogue } from '../../src/reads/catalogue-profiles.js';
import type { CatalogueSnapshot } from '../../src/reads/profile-cache.js';
import { catalogueOf } from '../../src/reads/recommendations.js';
import { type SyntheticSeries, syntheticCatalogue } from '../support/catalogue.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { asAnswered, RECOMMENDATIONS_QUERY as QUERY } from '../support/recommendations.js';
import { mutate, SOURCE, writableYoga } from '../support/writes.js';

// Series s00…s15: each shows the tropes its number's bits pick, so the odd ones have no time skip.
const SPECS: SyntheticSeries[] = Array.from({ length: 16 }, (_, i) => ({
  slug: `s${String(i).padStart(2, '0')}`,
  tropes: ['TIME_SKIP' as const, ...TROPE_KINDS.filter((k, bit) => k !== 'TIME_SKIP' && (i >> bit) & 1)].slice(i % 2),
  cast: [`p${i % 5}`],
  genres: [`g${i % 3}`],
}));
const TARGET = 's05';

/** The recommendations a from-scratch build of the profiles gives, shaped as the query answers. */
const fromScratch = (snapshot: CatalogueSnapshot, slug: string) => {
  const profiles = snapshot.entries.map((e) => e.profile);
  return asAnswered(recommend(profiles.find((p) => p.slug === slug)!, profiles, 20));
};

describeEachStore(
  'recommendations after a write, updated series by series',
  (service) => {
    const recommendations = async (slug: string) => {
      const response = await graphql(service().yoga, QUERY, { slug });
      expect(response.errors).toBeUndefined();
      return response.data!.series.recommendations;
    };
    const write = async (field: string, signature: string, variables: Record<string, unknown>) => {
      const response = await mutate(writableYoga(service().store), field, signature, variables);
      expect(response.errors).toBeUndefined();
      expect(response.data![field].__typename).not.toBe('ValidationError');
    };
    const tropeReasons = (list: any[]) => list.flatMap((r) => r.reasons.filter((x: any) => x.trope === 'TIME_SKIP'));

    it('show a trope an event just created, as a from-scratch build does, reading no other profile again', async () => {
      const before = await recommendations(TARGET);
      expect(tropeReasons(before)).toEqual([]);
      const snapshot = await catalogueOf(service().store);

      const input = {
        series: TARGET,
        slug: 'years-pass',
        episode: 1,
        sequence: 1,
        kind: 'TIME_SKIP',
        summary: 'Ten years pass.',
        source: SOURCE,
      };
      await write('upsertPlotEvent', '($input: UpsertPlotEventInput!)', { input });

      const updated = await catalogueOf(service().store);
      const others = (s: CatalogueSnapshot) => s.entries.filter((e) => e.series.slug !== TARGET);
      expect(others(updated)).toHaveLength(SPECS.length - 1);
      for (const [i, entry] of others(updated).entries()) expect(entry).toBe(others(snapshot)[i]);
      const after = await recommendations(TARGET);
      expect(tropeReasons(after).length).toBeGreaterThan(0);
      const scratch = await buildCatalogue(service().store);
      expect(updated.entries).toEqual(scratch.entries);
      expect(after).toEqual(fromScratch(scratch, TARGET));
      expect(await recommendations('s00')).toEqual(fromScratch(scratch, 's00'));

      await write('deletePlotEvent', '($series: String!, $slug: String!)', { series: TARGET, slug: 'years-pass' });
      expect(await recommendations(TARGET)).toEqual(before);
    });
  },
  async (store) => {
    await store.importDocument(syntheticCatalogue(SPECS));
  },
);
