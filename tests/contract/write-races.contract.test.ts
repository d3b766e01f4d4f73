import { beforeAll, expect, it } from 'vitest';
import { describeEachStore } from '../support/each-store.js';
import { type GraphQLResponse, graphql } from '../support/graphql.js';
import { mutate, SOURCE, writableYoga } from '../support/writes.js';

const ROUNDS = 4;
const BATCH = '($document: JSONObject!)';
const input = (type: string) => `($input: ${type}!)`;

/** One mutation of a race and how it ended: its result's typename, or the code of its error. */
type Outcome = { field: string; typename: string | null; codes: unknown[] };

const outcome = (field: string, response: GraphQLResponse): Outcome => ({
  field,
  typename: response.data?.[field]?.__typename ?? null,
  codes: (response.errors ?? []).map((e) => e.extensions?.code ?? `uncoded: ${e.message}`),
});

const succeeded = (o: Outcome) => o.typename?.endsWith('Success');

/** Every racer either succeeded, was refused with a ValidationError, or failed with a coded, retryable store error. */
function expectClean(outcomes: Outcome[]): void {
  for (const o of outcomes) {
    const fine =
      succeeded(o) ||
      o.typename === 'ValidationError' ||
      (o.codes.length > 0 && o.codes.every((c) => c === 'STORE_UNAVAILABLE' || c === 'STORE_TIMEOUT'));
    expect(fine, JSON.stringify(o)).toBe(true);
  }
}

const show = (slug: string, extra: Record<string, unknown> = {}) => ({
  format: 'drama-graph/seed@1',
  series: [
    {
      slug,
      title: slug,
      episodeCount: 10,
      source: SOURCE,
      episodes: [1, 2].map((number) => ({ number, source: SOURCE })),
      characters: ['a', 'b'].map((c) => ({ slug: c, name: c.toUpperCase(), source: SOURCE })),
      ...extra,
    },
  ],
});

describeEachStore(
  'Concurrent writes keep the story rules: one racer wins, the others are refused with a code',
  (service) => {
    const yoga = () => writableYoga(service().store);
    const run = (field: string, signature: string, variables: Record<string, unknown>) =>
      mutate(yoga(), field, signature, variables).then((r) => outcome(field, r));
    const read = async (query: string) => {
      const response = await graphql(yoga(), query);
      expect(response.errors).toBeUndefined();
      return response.data!;
    };
    const importBatch = async (document: unknown) => {
      const o = await run('importBatch', BATCH, { document });
      expect(o.typename, JSON.stringify(o)).toBe('ImportBatchSuccess');
    };
    const places = async (series: string, episode: number) => {
      const data = await read(`{ episode(series: "${series}", number: ${episode}) { events { slug sequence } } }`);
      return (data.episode?.events ?? []) as { slug: string; sequence: number }[];
    };

    beforeAll(async () => {
      await importBatch(show('race-show'));
    });

    it('eight upsertPlotEvent at the same place: exactly one is stored, the others are refused', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const episode = 3 + round;
        await run('upsertEpisode', input('UpsertEpisodeInput'), {
          input: { series: 'race-show', number: episode, source: SOURCE },
        });
        const outcomes = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            run('upsertPlotEvent', input('UpsertPlotEventInput'), {
              input: {
                series: 'race-show',
                slug: `same-${round}-${i}`,
                episode,
                sequence: 1,
                kind: 'MOMENT',
                summary: 'Racing.',
                source: SOURCE,
              },
            }),
          ),
        );
        expectClean(outcomes);
        const winners = outcomes.map((o, i) => (succeeded(o) ? `same-${round}-${i}` : null)).filter((s) => s !== null);
        expect(winners).toHaveLength(1);
        expect(await places('race-show', episode)).toEqual([{ slug: winners[0], sequence: 1 }]);
      }
    });

    it('concurrent importBatch with an event at the same place: exactly one is stored', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const series = `race-batch-${round}`;
        await importBatch(show(series));
        const outcomes = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            run('importBatch', BATCH, {
              document: show(series, {
                events: [
                  {
                    slug: `k${i}`,
                    episode: 1,
                    sequence: 1,
                    kind: 'KISS',
                    summary: 'S.',
                    agent: 'a',
                    target: 'b',
                    participants: [
                      { character: 'a', role: 'AGENT' },
                      { character: 'b', role: 'TARGET' },
                    ],
                    source: SOURCE,
                  },
                ],
              }),
            }),
          ),
        );
        expectClean(outcomes);
        const winners = outcomes.map((o, i) => (succeeded(o) ? `k${i}` : null)).filter((s) => s !== null);
        expect(winners).toHaveLength(1);
        expect(await places(series, 1)).toEqual([{ slug: winners[0], sequence: 1 }]);
      }
    });

    it('eight concurrent upsertPerson of one new person all succeed and leave one person', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const slug = `race-person-${round}`;
        const outcomes = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            run('upsertPerson', input('UpsertPersonInput'), { input: { slug, name: `Name ${i}`, source: SOURCE } }),
          ),
        );
        expectClean(outcomes);
        expect(outcomes.every(succeeded), JSON.stringify(outcomes)).toBe(true);
        expect((await read(`{ person(slug: "${slug}") { slug } }`)).person).toEqual({ slug });
      }
    });

    it('deleteCharacter racing upsertRelationship to it: never both, and every success is stored', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const z = `z${round}`;
        await run('upsertCharacter', input('UpsertCharacterInput'), {
          input: { series: 'race-show', slug: z, name: 'Z', source: SOURCE },
        });
        const [deleted, related] = await Promise.all([
          run('deleteCharacter', '($series: String!, $slug: String!)', { series: 'race-show', slug: z }),
          run('upsertRelationship', input('UpsertRelationshipInput'), {
            input: {
              series: 'race-show',
              slug: `r${round}`,
              kind: 'RIVAL',
              from: 'a',
              to: z,
              mutual: false,
              source: SOURCE,
            },
          }),
        ]);
        expectClean([deleted!, related!]);
        expect(succeeded(deleted!) && succeeded(related!), JSON.stringify([deleted, related])).toBe(false);
        const data = await read(
          `{ character(series: "race-show", slug: "${z}") { slug } a: character(series: "race-show", slug: "a") { relationships { slug to { slug } } } }`,
        );
        if (succeeded(deleted!)) expect(data.character).toBeNull();
        if (succeeded(related!)) {
          expect(data.character).toEqual({ slug: z });
          expect(data.a.relationships).toContainEqual({ slug: `r${round}`, to: { slug: z } });
        }
      }
    });

    it('deleteEpisode racing upsertPlotEvent in it: never both, and every success is stored', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const number = 8;
        await run('upsertEpisode', input('UpsertEpisodeInput'), {
          input: { series: 'race-show', number, source: SOURCE },
        });
        const [deleted, added] = await Promise.all([
          run('deleteEpisode', '($series: String!, $number: Int!)', { series: 'race-show', number }),
          run('upsertPlotEvent', input('UpsertPlotEventInput'), {
            input: {
              series: 'race-show',
              slug: `v${round}`,
              episode: number,
              sequence: 1,
              kind: 'MOMENT',
              summary: 'X.',
              source: SOURCE,
            },
          }),
        ]);
        expectClean([deleted!, added!]);
        expect(succeeded(deleted!) && succeeded(added!), JSON.stringify([deleted, added])).toBe(false);
        const data = await read(`{ episode(series: "race-show", number: ${number}) { number events { slug } } }`);
        if (succeeded(deleted!)) expect(data.episode).toBeNull();
        if (succeeded(added!)) expect(data.episode).toEqual({ number, events: [{ slug: `v${round}` }] });
        if (succeeded(added!)) {
          const cleared = await run('deletePlotEvent', '($series: String!, $slug: String!)', {
            series: 'race-show',
            slug: `v${round}`,
          });
          expect(cleared.typename).toBe('DeletePlotEventSuccess');
        }
      }
    });

    it('deletePerson racing upsertCasting of them: never both, and every success is stored', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const person = `race-actor-${round}`;
        expect(
          (
            await run('upsertPerson', input('UpsertPersonInput'), {
              input: { slug: person, name: 'Actor', source: SOURCE },
            })
          ).typename,
        ).toBe('UpsertPersonSuccess');
        const [deleted, cast] = await Promise.all([
          run('deletePerson', '($slug: String!)', { slug: person }),
          run('upsertCasting', input('UpsertCastingInput'), {
            input: { series: 'race-show', character: 'a', person, billing: 'MAIN', source: SOURCE },
          }),
        ]);
        expectClean([deleted!, cast!]);
        expect(succeeded(deleted!) && succeeded(cast!), JSON.stringify([deleted, cast])).toBe(false);
        const data = await read(`{ person(slug: "${person}") { slug castings { character { slug } } } }`);
        if (succeeded(deleted!)) expect(data.person).toBeNull();
        if (succeeded(cast!)) expect(data.person).toEqual({ slug: person, castings: [{ character: { slug: 'a' } }] });
      }
    });

    it('upsertSeries shrinking episodeCount racing upsertEpisode beyond it: never both', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const series = { slug: 'race-count', title: 'Count', episodeCount: 10, source: SOURCE };
        expect((await run('upsertSeries', input('UpsertSeriesInput'), { input: series })).typename).toBe(
          'UpsertSeriesSuccess',
        );
        await run('deleteEpisode', '($series: String!, $number: Int!)', { series: 'race-count', number: 9 });
        const [shrunk, added] = await Promise.all([
          run('upsertSeries', input('UpsertSeriesInput'), { input: { ...series, episodeCount: 3 } }),
          run('upsertEpisode', input('UpsertEpisodeInput'), {
            input: { series: 'race-count', number: 9, source: SOURCE },
          }),
        ]);
        expectClean([shrunk!, added!]);
        expect(succeeded(shrunk!) && succeeded(added!), JSON.stringify([shrunk, added])).toBe(false);
        const data = await read('{ series(slug: "race-count") { episodeCount episodes { number } } }');
        if (succeeded(shrunk!)) expect(data.series).toEqual({ episodeCount: 3, episodes: [] });
        if (succeeded(added!)) expect(data.series).toEqual({ episodeCount: 10, episodes: [{ number: 9 }] });
      }
    });
  },
);
