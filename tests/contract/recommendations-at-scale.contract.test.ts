import { expect, it } from 'vitest';
import { profileOf, recommend } from '../../src/domain/recommendations.js';
import { deriveTropes } from '../../src/domain/tropes.js';
import { generatePeople } from '../../src/generate/people.js';
import { generateSeries } from '../../src/generate/series.js';
import { PROFILE_CHUNK } from '../../src/reads/catalogue-profiles.js';
import { toGraphDocument } from '../../src/seed/document.js';
import { SEED_FORMAT } from '../../src/seed/format.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { asAnswered, RECOMMENDATIONS_QUERY as QUERY } from '../support/recommendations.js';
import { mutate, SOURCE, writableYoga } from '../support/writes.js';

// More series than one chunk of the catalogue build, so profiles come from several rounds of store calls.
const SERIES = PROFILE_CHUNK + 12;
const SEED = 3;
const people = generatePeople(SEED, SERIES);
const DOCUMENT = toGraphDocument([
  {
    format: SEED_FORMAT,
    people,
    series: Array.from({ length: SERIES }, (_, i) => generateSeries(SEED, i + 1, people)),
  },
]);

/** Every series' profile from ALL its facts, as recommendations were derived before profiles loaded less. */
const expectedProfiles = DOCUMENT.series.map((s) =>
  profileOf(
    s,
    deriveTropes({
      relationships: DOCUMENT.relationships.filter((r) => r.seriesKey === s.key),
      events: DOCUMENT.events.filter((e) => e.seriesKey === s.key),
      names: new Map(),
    }).map((t) => t.kind),
    DOCUMENT.castings.filter((c) => c.seriesKey === s.key),
    DOCUMENT.credits.filter((c) => c.seriesKey === s.key),
  ),
);

const expected = (slug: string) =>
  asAnswered(recommend(expectedProfiles.find((p) => p.slug === slug)!, expectedProfiles, 20));

describeEachStore(
  'recommendations built chunk by chunk',
  (service) => {
    const recommendations = async (slug: string) => {
      const response = await graphql(service().yoga, QUERY, { slug });
      expect(response.errors).toBeUndefined();
      return response.data!.series.recommendations;
    };

    it('rank every series of a generated catalogue exactly as profiles from all its events do', async () => {
      for (const { slug } of DOCUMENT.series) expect(await recommendations(slug), slug).toEqual(expected(slug));
    }, 120_000);

    it("follow this process's writes at once", async () => {
      const [first, other] = DOCUMENT.series;
      const before = await recommendations(first!.slug);
      const version = await service().store.dataVersion();
      expect(await service().store.dataVersion()).toBe(version);
      // Enough genres only these two share to rank the other first, whatever else they share.
      const genres = Array.from({ length: 40 }, (_, i) => `only-these-two-${i}`);
      for (const s of [first!, other!]) {
        const input = {
          slug: s.slug,
          title: s.title,
          episodeCount: s.episodeCount,
          starring: s.starring,
          genres,
          source: SOURCE,
        };
        expect(
          (await mutate(writableYoga(service().store), 'upsertSeries', '($input: UpsertSeriesInput!)', { input }))
            .errors,
        ).toBeUndefined();
      }
      expect(await service().store.dataVersion()).not.toBe(version);
      const after = await recommendations(first!.slug);
      expect(after).not.toEqual(before);
      expect(after[0].series.slug).toBe(other!.slug);
      expect(after[0].reasons).toContainEqual({
        kind: 'SHARED_GENRE',
        weight: 1,
        trope: null,
        person: null,
        genre: 'only-these-two-0',
      });
    });
  },
  async (store) => {
    await store.importDocument(DOCUMENT);
  },
);
