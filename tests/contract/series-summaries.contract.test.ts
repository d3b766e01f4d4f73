import { expect, it } from 'vitest';
import { changeSet } from '../../src/domain/integrity/changes.js';
import { evidenceSizesOf } from '../../src/domain/list-sizes.js';
import { profileOf, recommend, type SeriesProfile } from '../../src/domain/recommendations.js';
import type { CreditRecord, PlotEventRecord, RelationshipRecord, SeriesRecord } from '../../src/domain/records.js';
import { compareText } from '../../src/domain/text.js';
import { deriveTropes, TROPE_EVENT_KINDS, type TropeKind } from '../../src/domain/tropes.js';
import type { DramaStore } from '../../src/store/port.js';
import { syntheticCatalogue } from '../support/catalogue.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { asAnswered, RECOMMENDATIONS_QUERY } from '../support/recommendations.js';
import { mutate, SOURCE, writableYoga } from '../support/writes.js';

/* seriesSummaries, checked against the derivation the catalogue made before stores kept summaries. */

async function allSeries(store: DramaStore): Promise<SeriesRecord[]> {
  const all: SeriesRecord[] = [];
  for (let afterSlug: string | null = null; ; afterSlug = all.at(-1)!.slug) {
    const page = await store.listSeries({ first: 100, afterSlug });
    all.push(...page.items);
    if (!page.hasNextPage) return all;
  }
}

/** Each series' summary and profile as derived from the store's facts, the old way: every series' story read. */
async function fromFacts(store: DramaStore) {
  const series = await allSeries(store);
  const keys = series.map((s) => s.key);
  const [relationships, events, castings, credits] = await Promise.all([
    store.relationshipsOfSeries(keys),
    store.eventsOfSeries(keys),
    store.castingsBySeries(keys),
    store.creditsBySeries(keys),
  ]);
  return series.map((s, i) => {
    const tropes = deriveTropes({
      relationships: relationships[i]!,
      events: events[i]!.filter((e) => TROPE_EVENT_KINDS.includes(e.kind)),
      names: new Map(),
    });
    const profile = profileOf(
      s,
      tropes.map((t) => t.kind),
      castings[i]!,
      credits[i]!,
    );
    const summary = {
      tropes: [...profile.tropes],
      people: [...profile.people].sort(compareText),
      evidence: evidenceSizesOf(tropes),
    };
    return { series: s, summary, profile };
  });
}

async function expectSummariesAsDerived(store: DramaStore) {
  const derived = await fromFacts(store);
  expect(derived.length).toBeGreaterThan(0);
  expect(await store.seriesSummaries(derived.map((d) => d.series.key))).toEqual(derived.map((d) => d.summary));
  return derived;
}

describeEachStore('seriesSummaries over the seeds', (service) => {
  it('gives every seeded series the summary its facts derive, and null for a series that is not there', async () => {
    const derived = await expectSummariesAsDerived(service().store);
    expect(derived.some((d) => d.summary.tropes.length > 0)).toBe(true);
    expect(derived.some((d) => d.summary.people.length > 0)).toBe(true);
    const hostile = [
      'missing',
      '__proto__',
      'constructor',
      '',
      'x'.repeat(5_000),
      '한국어/🙂',
      derived[0]!.series.slug.toUpperCase(),
    ];
    expect(await service().store.seriesSummaries(hostile)).toEqual(hostile.map(() => null));
    expect(await service().store.seriesSummaries([])).toEqual([]);
  });
});

const SPECS = [
  { slug: 'alpha', tropes: ['TIME_SKIP' as const], cast: ['ann'], genres: ['romance'] },
  { slug: 'bravo', tropes: ['FRIENDS_TO_LOVERS' as const], cast: ['bob'], directors: ['dee'] },
  {
    slug: 'charlie',
    tropes: ['LOVE_TRIANGLE' as const, 'UNREQUITED_LOVE' as const],
    cast: ['ann'],
    genres: ['romance'],
  },
  { slug: 'delta', tropes: [], genres: ['crime'] },
  {
    slug: 'echo',
    tropes: ['REUNION_AFTER_SEPARATION' as const, 'TIME_SKIP' as const],
    cast: ['bob'],
    directors: ['dee'],
  },
];
const CATALOGUE = syntheticCatalogue(SPECS);

const relationship = (
  series: string,
  kind: RelationshipRecord['kind'],
  since: number | null,
  until: number | null,
): RelationshipRecord => ({
  ...CATALOGUE.relationships[0]!,
  key: `${series}/${kind.toLowerCase()}-a-b`,
  seriesKey: series,
  slug: `${kind.toLowerCase()}-a-b`,
  kind,
  fromKey: `${series}/a`,
  toKey: `${series}/b`,
  mutual: true,
  sinceEpisode: since,
  untilEpisode: until,
});
const timeSkip = (series: string): PlotEventRecord => ({
  ...CATALOGUE.events.find((e) => e.kind === 'TIME_SKIP')!,
  key: `${series}/years-pass`,
  seriesKey: series,
  slug: 'years-pass',
  sequence: 1,
});
const credit = (series: string, person: string): CreditRecord => ({
  key: `${series}@${person}#DIRECTOR`,
  seriesKey: series,
  personKey: person,
  role: 'DIRECTOR',
  sources: [],
});

describeEachStore(
  'seriesSummaries and recommendations after each kind of write',
  (service) => {
    const store = () => service().store;
    const tropesOf = async (key: string): Promise<TropeKind[] | undefined> =>
      (await store().seriesSummaries([key]))[0]?.tropes;
    const peopleOf = async (key: string) => (await store().seriesSummaries([key]))[0]?.people;

    /** Summaries as the facts derive them, and every series' recommendations as a from-scratch ranking gives them. */
    const expectAsRebuilt = async () => {
      const derived = await expectSummariesAsDerived(store());
      const profiles: SeriesProfile[] = derived.map((d) => d.profile);
      for (const subject of profiles) {
        const response = await graphql(service().yoga, RECOMMENDATIONS_QUERY, { slug: subject.slug });
        expect(response.errors).toBeUndefined();
        expect(response.data!.series.recommendations).toEqual(asAnswered(recommend(subject, profiles, 20)));
      }
    };
    const apply = (changes: Parameters<typeof changeSet>[0]) => store().applyChanges(changeSet(changes));

    it('starts as the facts derive it', async () => {
      await expectAsRebuilt();
    });

    it('adding relationships gives their trope; removing one takes it away', async () => {
      await apply({
        upserts: {
          relationships: [relationship('delta', 'FRIEND', null, 2), relationship('delta', 'ROMANTIC', 2, null)],
        },
      });
      expect(await tropesOf('delta')).toContain('FRIENDS_TO_LOVERS');
      await expectAsRebuilt();
      const romantic = CATALOGUE.relationships.find((r) => r.seriesKey === 'bravo' && r.kind === 'ROMANTIC')!;
      await apply({ deletes: { relationships: [romantic.key] } });
      expect(await tropesOf('bravo')).not.toContain('FRIENDS_TO_LOVERS');
      await expectAsRebuilt();
    });

    it('an event of a trope kind added or deleted changes the tropes', async () => {
      await apply({ upserts: { events: [timeSkip('delta')] } });
      expect(await tropesOf('delta')).toContain('TIME_SKIP');
      await expectAsRebuilt();
      const reunion = CATALOGUE.events.find((e) => e.seriesKey === 'echo' && e.kind === 'REUNION')!;
      await apply({ deletes: { events: [reunion.key] } });
      expect(await tropesOf('echo')).toEqual(['TIME_SKIP']);
      await expectAsRebuilt();
    });

    it('an event turned from a trope kind to another kind, and events of other kinds, are summarised as derived', async () => {
      await apply({ upserts: { events: [timeSkip('delta')] } });
      expect(await tropesOf('delta')).toContain('TIME_SKIP');
      await apply({ upserts: { events: [{ ...timeSkip('delta'), kind: 'MESSAGE' }] } });
      expect(await tropesOf('delta')).not.toContain('TIME_SKIP');
      await expectAsRebuilt();
      const message = { ...timeSkip('alpha'), key: 'alpha/a-note', slug: 'a-note', kind: 'MESSAGE' as const };
      const before = await store().seriesSummaries(['alpha']);
      await apply({ upserts: { events: [{ ...message, sequence: 2 }] } });
      expect(await store().seriesSummaries(['alpha'])).toEqual(before);
      await expectAsRebuilt();
      await apply({ upserts: { events: [{ ...message, sequence: 2, kind: 'TIME_SKIP' }] } });
      await expectAsRebuilt();
    });

    it('castings and credits added or removed change the people', async () => {
      const casting = {
        ...CATALOGUE.castings[0]!,
        key: 'delta/a@bob',
        seriesKey: 'delta',
        characterKey: 'delta/a',
        personKey: 'bob',
      };
      await apply({ upserts: { castings: [casting], credits: [credit('delta', 'ann')] } });
      expect(await peopleOf('delta')).toEqual(['ann', 'bob']);
      await expectAsRebuilt();
      await apply({ deletes: { credits: ['bravo@dee#DIRECTOR'], castings: [casting.key] } });
      expect(await peopleOf('bravo')).toEqual(['bob']);
      expect(await peopleOf('delta')).toEqual(['ann']);
      await expectAsRebuilt();
    });

    it("a series' genres and stars change its profile", async () => {
      const [alpha] = await store().seriesByKeys(['alpha']);
      await apply({ upserts: { series: [{ ...alpha!, genres: ['crime', 'romance'], starring: ['dee'] }] } });
      expect(await peopleOf('alpha')).toEqual(['ann', 'dee']);
      await expectAsRebuilt();
    });

    it('a deleted series (with its cascade) drops out', async () => {
      await apply({ deletes: { series: ['charlie'] }, cascade: true });
      expect(await store().seriesSummaries(['charlie'])).toEqual([null]);
      await expectAsRebuilt();
    });

    it('importBatch and importDocument write the summaries of the series they bring', async () => {
      const document = {
        format: 'drama-graph/seed@1',
        people: [],
        series: [
          {
            slug: 'foxtrot',
            title: 'Foxtrot',
            episodeCount: 2,
            starring: ['ann'],
            genres: ['romance'],
            source: SOURCE,
            episodes: [
              { number: 1, source: SOURCE },
              { number: 2, source: SOURCE },
            ],
            characters: [{ slug: 'mira', name: 'Mira', source: SOURCE }],
            events: [{ slug: 'later', episode: 2, sequence: 1, kind: 'TIME_SKIP', summary: 'Later.', source: SOURCE }],
          },
        ],
      };
      const response = await mutate(writableYoga(store()), 'importBatch', '($document: JSONObject!)', { document });
      expect(response.errors).toBeUndefined();
      expect(response.data!.importBatch.__typename).toBe('ImportBatchSuccess');
      expect(await store().seriesSummaries(['foxtrot'])).toEqual([
        expect.objectContaining({ tropes: ['TIME_SKIP'], people: ['ann'] }),
      ]);
      await expectAsRebuilt();
      await store().importDocument(syntheticCatalogue([{ slug: 'golf', tropes: ['LOVE_TRIANGLE'], cast: ['bob'] }]));
      expect(await tropesOf('golf')).toEqual(['LOVE_TRIANGLE']);
      await expectAsRebuilt();
    });
  },
  async (store) => {
    await store.importDocument(CATALOGUE);
  },
);
