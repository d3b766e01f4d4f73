import { expect, it } from 'vitest';
import { NO_EVENT_FILTER, type StoreReader } from '../../src/store/port.js';
import { createDramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';

/* The loaders' reads end once their operation is answered, as planned reads do (planner-equivalence). */

const SERIES_PAGE = `{ series(slug: "soundtrack-1") {
  episodes { number spoilersHidden events { kind participants { character { name firstEpisode spoilersHidden portrayedBy { name } } } } }
} }`;

/** What the series page reaches through the loaders, with the planner off and a viewer's progress. */
const SERIES_PAGE_READS = [
  'episodesBySeries',
  'eventsOfEpisodes',
  'charactersByKeys',
  'castingsByCharacter',
  'peopleByKeys',
  'firstShown',
  'laterEventCounts',
  'relationshipHistories',
];

/** One call of each read of the port, with arguments the seeded store answers. */
const EVERY_READ: [keyof StoreReader, unknown][] = [
  ['seriesByKeys', ['soundtrack-1']],
  ['episodesByKeys', ['soundtrack-1/1']],
  ['charactersByKeys', ['soundtrack-1/eun-soo']],
  ['peopleByKeys', ['two-series-actor']],
  ['relationshipsByKeys', ['soundtrack-1/no-such']],
  ['eventsByKeys', ['soundtrack-1/no-such']],
  ['episodesBySeries', ['soundtrack-1']],
  ['charactersBySeries', ['soundtrack-1']],
  ['castingsBySeries', ['soundtrack-1']],
  ['castingsByPerson', ['two-series-actor']],
  ['castingsByCharacter', ['soundtrack-1/eun-soo']],
  ['creditsBySeries', ['soundtrack-1']],
  ['creditsByPerson', ['two-series-actor']],
  ['relationshipsOf', [{ characterKey: 'soundtrack-1/eun-soo', asOfEpisode: 2 }]],
  ['eventsOfEpisodes', [{ episodeKey: 'soundtrack-1/1', kinds: null }]],
  ['eventsOfCharacters', [{ characterKey: 'soundtrack-1/eun-soo', role: null, kinds: null }]],
  ['relationshipHistories', ['soundtrack-1/eun-soo']],
  ['firstShown', ['soundtrack-1/eun-soo']],
  ['laterEventCounts', [{ characterKey: 'soundtrack-1/eun-soo', afterEpisode: 1 }]],
  ['relationshipsOfSeries', ['soundtrack-1']],
  ['eventsOfSeries', ['soundtrack-1']],
  ['eventsOfSeriesAfter', { seriesKey: 'soundtrack-1', after: null, first: 5 }],
  ['eventsOfSeriesByKind', [{ seriesKey: 'soundtrack-1', kinds: ['CONFESSION'] }]],
  ['seriesSummaries', ['soundtrack-1']],
  ['searchCandidates', { query: 'eun', limit: 5 }],
  ['neighbourhoods', ['soundtrack-1/eun-soo']],
  ['listSeries', { first: 2, afterSlug: null }],
  ['listPeople', { first: 2, afterKey: null }],
  ['findEvents', { filter: { ...NO_EVENT_FILTER, series: 'soundtrack-1' }, first: 5, after: null }],
];

const call = (store: StoreReader, name: keyof StoreReader, argument: unknown, signal?: AbortSignal) =>
  (store[name] as (argument: unknown, signal?: AbortSignal) => Promise<unknown>).call(store, argument, signal);

describeEachStore('the loaders’ store reads, once their operation is answered', (service) => {
  it('answers the time budget while a loader read is still pending, and ends that read', async () => {
    const pending: { signal: AbortSignal | undefined; finish: () => void }[] = [];
    const stuck = new Proxy(service().store, {
      get: (target, property, receiver) =>
        property === 'charactersBySeries'
          ? (keys: readonly string[], signal?: AbortSignal) =>
              new Promise((resolve) => {
                pending.push({ signal, finish: () => resolve(target.charactersBySeries(keys)) });
              })
          : Reflect.get(target, property, receiver),
    });
    const yoga = createDramaYoga({
      store: stuck,
      graphiql: false,
      ops: { planner: 'off', budget: { objects: 1_000_000, bytes: 100_000_000, timeMs: 300 } },
    });
    const response = await graphql(yoga, '{ series(slug: "soundtrack-1") { characters { name } } }');
    expect(errorCodes(response)).toEqual(['EXECUTION_BUDGET_EXCEEDED']);
    expect(response.errors![0]!.extensions).toMatchObject({ budget: 'time', limit: 300 });
    expect(pending).toHaveLength(1);
    expect(pending[0]!.signal?.aborted).toBe(true);
    pending[0]!.finish();
  }, 120_000);

  it('gives every loader read its operation’s signal, ended once the operation is answered, with or without progress', async () => {
    const reads: { name: string; signal: unknown }[] = [];
    const watching = new Proxy(service().store, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (typeof property !== 'string' || !SERIES_PAGE_READS.includes(property)) return value;
        return (argument: unknown, signal?: AbortSignal) => {
          reads.push({ name: property, signal });
          return (value as (argument: unknown, signal?: AbortSignal) => Promise<unknown>).call(
            target,
            argument,
            signal,
          );
        };
      },
    });
    const yoga = createDramaYoga({ store: watching, graphiql: false, ops: { planner: 'off' } });
    for (const headers of [{}, { 'x-watched-through': 'soundtrack-1@4' }] as Record<string, string>[]) {
      reads.length = 0;
      const answer = await graphql(yoga, SERIES_PAGE, {}, headers);
      expect(errorCodes(answer)).toEqual([]);
      expect(JSON.stringify(answer.data)).toContain('"kind"');
      const named = new Set(reads.map((read) => read.name));
      for (const name of SERIES_PAGE_READS.filter(
        (n) => 'x-watched-through' in headers || !n.match(/^(laterEvent|relationshipHistories)/),
      ))
        expect(named, name).toContain(name);
      for (const read of reads) {
        expect(read.signal, read.name).toBeInstanceOf(AbortSignal);
        expect((read.signal as AbortSignal).aborted, read.name).toBe(true);
      }
    }
  }, 120_000);

  it('each read of the port takes a signal: aborted before it starts, Neo4j does not run it; the embedded store answers', async () => {
    const store = service().store;
    const reason = new Error('answered already');
    for (const [name, argument] of EVERY_READ) {
      const answered = call(store, name, argument, AbortSignal.abort(reason));
      if (store.kind === 'neo4j') await expect(answered, name).rejects.toBe(reason);
      else await expect(answered, name).resolves.toEqual(await call(store, name, argument));
    }
  }, 120_000);
});
