import { expect, it } from 'vitest';
import { changeSet } from '../../src/domain/integrity/changes.js';
import { profileOf, recommend } from '../../src/domain/recommendations.js';
import { EVIDENCE_EVENT_KINDS } from '../../src/domain/tropes.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { createLoaders } from '../../src/reads/loaders.js';
import { catalogueOf } from '../../src/reads/recommendations.js';
import { STORY_MAX_RECORDS } from '../../src/reads/series-stories.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga } from '../../src/yoga.js';
import { syntheticCatalogue } from '../support/catalogue.js';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';
import type { SeededService } from '../support/seeded.js';
import { tropesThroughLoaders } from '../support/tropes.js';

const RECOMMENDATIONS = `query ($slug: String!) { series(slug: $slug) {
  recommendations(first: 20) { series { slug } score reasons { kind trope person { slug } genre } } } }`;

const MOST_EPISODE = 2 ** 31 - 1;

/** Recommendations as each request derived them before (tropes from every event the viewer may see), as an oracle. */
async function fromEveryEvent(store: DramaStore, seriesKey: string, episode: number) {
  const snapshot = await catalogueOf(store);
  const loaders = createLoaders(store, new Map([[seriesKey, episode]]));
  const profiles = await Promise.all(
    snapshot.entries.map(async (e) => {
      if (e.series.key !== seriesKey) return e.profile;
      const [tropes, castings, credits] = await Promise.all([
        tropesThroughLoaders(loaders, e.series.key),
        loaders.castingsBySeries.load(e.series.key),
        loaders.creditsBySeries.load(e.series.key),
      ]);
      return profileOf(
        e.series,
        tropes.map((t) => t.kind),
        castings,
        credits,
      );
    }),
  );
  return recommend(profiles.find((p) => p.seriesKey === seriesKey)!, profiles, 20);
}

const asked = async (yoga: ReturnType<typeof createDramaYoga>, slug: string, progress?: string) => {
  const response = await graphql(yoga, RECOMMENDATIONS, { slug }, progress ? { 'x-watched-through': progress } : {});
  expect(errorCodes(response), `${slug} ${progress}`).toEqual([]);
  return response.data!.series.recommendations as { series: { slug: string }; score: number }[];
};

function oracleAgrees(service: () => SeededService, progressMatters: boolean) {
  it('are what deriving the tropes from every event the viewer may see gives, at every episode and past the last', async () => {
    const { store } = service();
    const yoga = createDramaYoga({ store, graphiql: false });
    const { entries } = await catalogueOf(store);
    expect(entries.length).toBeGreaterThan(2);
    let differing = 0;
    for (const { series } of entries) {
      const unwatched = await asked(yoga, series.slug);
      for (let episode = 1; episode <= series.episodeCount + 1; episode += 1) {
        const loaders = createLoaders(store, new Map([[series.key, episode]]));
        const seen = await tropesThroughLoaders(loaders, series.key);
        expect(await loaders.derivedTropes(series.key), `${series.slug}@${episode}`).toEqual(seen);
        const answer = await asked(yoga, series.slug, `${series.slug}@${episode}`);
        const expected = await fromEveryEvent(store, series.key, episode);
        expect(
          answer.map((r) => [r.series.slug, r.score]),
          `${series.slug}@${episode}`,
        ).toEqual(expected.map((r) => [r.seriesKey, r.score]));
        if (JSON.stringify(answer) !== JSON.stringify(unwatched)) differing += 1;
      }
      // Past the last episode nothing is hidden: the ranking is everyone's.
      for (const episode of [Math.max(1, series.episodeCount), MOST_EPISODE])
        expect(await asked(yoga, series.slug, `${series.slug}@${episode}`)).toEqual(unwatched);
    }
    // On series made for it, progress does change rankings, so the comparison above can tell.
    if (progressMatters) expect(differing).toBeGreaterThan(0);
  }, 300_000);
}

describeEachStore('recommendations for a viewer’s progress', (service) => {
  oracleAgrees(service, false);

  it('derives a series’ profile once per episode watched, however many ask, and again after a write', async () => {
    const reads: string[] = [];
    const counting = new Proxy(service().store, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'eventsOfSeriesByKind' && property !== 'eventsOfSeries') return value;
        return (...args: unknown[]) => {
          reads.push(property);
          if (process.env.DBG)
            console.log('READ', JSON.stringify(args[0]), new Error().stack?.split('\n').slice(2, 9).join(' / '));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const yoga = createDramaYoga({ store: counting, graphiql: false });
    // The catalogue's shared profiles first (Neo4j derives them from the same reads).
    await asked(yoga, 'soundtrack-1');
    reads.length = 0;
    const once = await Promise.all(Array.from({ length: 12 }, () => asked(yoga, 'soundtrack-1', 'soundtrack-1@2')));
    expect(new Set(once.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(reads).toEqual(['eventsOfSeriesByKind']);
    // Another episode derives again, from the story already read (red team 46).
    await asked(yoga, 'soundtrack-1', 'soundtrack-1@3');
    expect(reads).toEqual(['eventsOfSeriesByKind']);
    // Past the end: nothing to derive.
    await asked(yoga, 'soundtrack-1', `soundtrack-1@${MOST_EPISODE}`);
    expect(reads).toHaveLength(1);

    // A write to the series makes a new snapshot, and the profile is derived again from what is stored now.
    const { store } = service();
    const [event] = await store.eventsOfSeries(['soundtrack-1']);
    await store.applyChanges(
      changeSet({ upserts: { events: [{ ...event![0]!, summary: 'Rewritten for the test.' }] } }),
    );
    await asked(yoga, 'soundtrack-1', 'soundtrack-1@2');
    // (On Neo4j the catalogue's update reads the series' summary the same way first.)
    const afterWrite = reads.length;
    expect(afterWrite).toBeGreaterThan(1);
    await asked(yoga, 'soundtrack-1', 'soundtrack-1@2');
    expect(reads).toHaveLength(afterWrite);
  }, 120_000);

  // Red team 46: each episode's derivation read the series' events anew, so a flood of requests at many episodes
  // read a 20,000-event series again and again.
  it('reads a series’ story once for the tropes field at every episode, and again after a write', async () => {
    // Story reads (the events a story holds) and reads of a series' every event; on Neo4j the catalogue's profiles
    // read the kinds that decide tropes meanwhile, which are not counted.
    const reads: string[] = [];
    const storyKinds = JSON.stringify(EVIDENCE_EVENT_KINDS);
    const counting = new Proxy(service().store, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'eventsOfSeries' && property !== 'eventsOfSeriesByKind') return value;
        return (...args: unknown[]) => {
          const queries = args[0] as { kinds?: unknown }[];
          if (property === 'eventsOfSeries' || queries.some((q) => JSON.stringify(q.kinds) === storyKinds))
            reads.push(property);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const yoga = createDramaYoga({ store: counting, graphiql: false });
    const tropes = async (progress?: string, slug = 'soundtrack-1') => {
      const response = await graphql(
        yoga,
        `{ series(slug: "${slug}") { tropes { kind evidence { explanation } } } }`,
        {},
        progress ? { 'x-watched-through': progress } : {},
      );
      expect(errorCodes(response)).toEqual([]);
      return JSON.stringify(response.data);
    };
    const at3 = await Promise.all(Array.from({ length: 12 }, () => tropes('soundtrack-1@3')));
    expect(new Set(at3).size).toBe(1);
    expect(reads).toEqual(['eventsOfSeriesByKind']);
    // Progress at or past the last episode (4) hides nothing: the same as no progress.
    const all = await tropes();
    for (const episode of [4, 5, MOST_EPISODE]) expect(await tropes(`soundtrack-1@${episode}`)).toBe(all);
    expect(at3[0]).not.toBe(all);
    const at1 = await tropes('soundtrack-1@1');
    const at2 = await tropes('soundtrack-1@2');
    expect(JSON.parse(at1).series.tropes).toEqual([]);
    expect(reads).toHaveLength(1);
    const otherSeries = await tropes('godspeed@2', 'godspeed');
    expect(reads).toHaveLength(2);
    const { store } = service();
    const [events] = await store.eventsOfSeries(['soundtrack-1']);
    const confession = events!.find((e) => e.kind === 'CONFESSION')!;
    const added = {
      ...confession,
      key: 'soundtrack-1/story-test-confession',
      slug: 'story-test-confession',
      episodeKey: 'soundtrack-1/1',
      episodeNumber: 1,
      sequence: events!.filter((e) => e.episodeNumber === 1).length + 1,
      outcome: 'REJECTED' as const,
    };
    await store.applyChanges(changeSet({ upserts: { events: [added] } }));
    reads.length = 0;
    // The write is seen at every episode from its own on, from one new read of the story.
    const after = await tropes('soundtrack-1@1');
    expect(after).not.toBe(at1);
    expect(after).toContain('turned down');
    expect(await tropes('soundtrack-1@2')).not.toBe(at2);
    // Another series' story and tropes, which the write did not touch, are kept (red team 47).
    expect(await tropes('godspeed@2', 'godspeed')).toBe(otherSeries);
    expect(reads).toEqual(['eventsOfSeriesByKind']);
    await store.applyChanges(changeSet({ deletes: { events: [added.key] } }));
  });

  // Red team 48: progress on a series whose story is too large made every series' recommendations fail.
  it('leaves out of a ranking a series the viewer’s progress cuts whose story is too large, and refuses it as the subject', async () => {
    // Of the seeds only soundtrack-1 has episodes for progress to cut; wrong-side-of-the-tracks shares its genre.
    const large = 'soundtrack-1';
    const subject = 'wrong-side-of-the-tracks';
    const unwatched = await asked(createDramaYoga({ store: service().store, graphiql: false }), subject);
    expect(unwatched.map((r) => r.series.slug)).toContain(large);
    const storyKinds = JSON.stringify(EVIDENCE_EVENT_KINDS);
    const inflated = new Proxy(service().store, {
      get: (target, property, receiver) =>
        property === 'eventsOfSeriesByKind'
          ? async (queries: Parameters<DramaStore['eventsOfSeriesByKind']>[0], signal?: AbortSignal) => {
              const lists = await target.eventsOfSeriesByKind(queries, signal);
              return lists.map((list, i) =>
                queries[i]!.seriesKey === large && JSON.stringify(queries[i]!.kinds) === storyKinds
                  ? [...list, ...Array(STORY_MAX_RECORDS).fill(list[0])]
                  : list,
              );
            }
          : Reflect.get(target, property, receiver),
    });
    const yoga = createDramaYoga({ store: inflated, graphiql: false });
    const ranked = await asked(yoga, subject, `${large}@1`);
    expect(ranked).toEqual(unwatched.filter((r) => r.series.slug !== large));
    const itself = await graphql(yoga, RECOMMENDATIONS, { slug: large }, { 'x-watched-through': `${large}@1` });
    expect(errorCodes(itself)).toEqual(['STORY_TOO_LARGE']);
  });

  it('answers a store gone away mid-derivation with STORE_UNAVAILABLE, and keeps no half result: the next ask derives again', async () => {
    let failing = true;
    const flaky = new Proxy(service().store, {
      get: (target, property, receiver) =>
        property === 'eventsOfSeriesByKind'
          ? (queries: Parameters<DramaStore['eventsOfSeriesByKind']>[0], signal?: AbortSignal) =>
              failing
                ? Promise.reject(new StoreUnavailableError(target.kind))
                : target.eventsOfSeriesByKind(queries, signal)
          : Reflect.get(target, property, receiver),
    });
    const yoga = createDramaYoga({ store: flaky, graphiql: false });
    const ask = () =>
      graphql(
        yoga,
        '{ series(slug: "soundtrack-1") { tropes { kind } } }',
        {},
        { 'x-watched-through': 'soundtrack-1@3' },
      );
    expect(errorCodes(await ask())).toEqual(['STORE_UNAVAILABLE']);
    failing = false;
    const again = await ask();
    expect(errorCodes(again)).toEqual([]);
    expect(again.data!.series.tropes).toEqual(expect.any(Array));
  });
});

const CATALOGUE = syntheticCatalogue([
  { slug: 'alpha', tropes: ['FRIENDS_TO_LOVERS', 'TIME_SKIP'], cast: ['ann'], genres: ['romance'] },
  { slug: 'bravo', tropes: ['TIME_SKIP', 'UNREQUITED_LOVE'], cast: ['ann'], genres: [] },
  { slug: 'charlie', tropes: ['LOVE_TRIANGLE', 'REUNION_AFTER_SEPARATION'], cast: ['bob'], genres: ['romance'] },
  { slug: 'delta', tropes: ['REUNION_AFTER_SEPARATION', 'UNREQUITED_LOVE'], genres: ['crime'] },
]);

describeEachStore(
  'recommendations for a viewer’s progress, on series made to show each trope',
  (service) => oracleAgrees(service, true),
  async (store) => {
    await store.importDocument(CATALOGUE);
  },
);
