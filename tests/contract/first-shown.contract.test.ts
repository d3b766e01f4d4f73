import { expect, it } from 'vitest';
import type { DramaStore, PlannedAnswer, PlannedRead } from '../../src/store/port.js';
import { createDramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';

const earliest = (episodes: readonly (number | null)[]): number | null => {
  const known = episodes.filter((n): n is number => n !== null);
  return known.length === 0 ? null : Math.min(...known);
};

/** The store, counting the calls of each of its methods. */
function counting(store: DramaStore, calls: Map<string, number>): DramaStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(property, (calls.get(property) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describeEachStore('the facts that decide when a character first appears (FirstShown)', (current) => {
  it('are the earliest episodes of its events and of the relationships it starts in, as reading them all gives', async () => {
    const { store } = current();
    const series = (await store.listSeries({ first: 100, afterSlug: null })).items.map((s) => s.key);
    const keys = (await store.charactersBySeries(series)).flat().map((c) => c.key);
    expect(keys.length).toBeGreaterThan(10);
    const asked = [...keys, 'soundtrack-1/no-such-character', '__proto__/constructor'];
    const [shown, events, histories] = await Promise.all([
      store.firstShown(asked),
      store.eventsOfCharacters(asked.map((characterKey) => ({ characterKey, role: null, kinds: null }))),
      store.relationshipHistories(asked),
    ]);
    expect(shown).toEqual(
      asked.map((characterKey, i) => ({
        characterKey,
        earliestEvent: earliest(events[i]!.map((e) => e.episodeNumber)),
        earliestSince: earliest(histories[i]!.map((r) => r.sinceEpisode)),
      })),
    );
    expect(shown.filter((s) => s.earliestEvent !== null).length).toBeGreaterThan(5);
    expect(shown.filter((s) => s.earliestSince !== null).length).toBeGreaterThan(0);
    expect(await store.firstShown([])).toEqual([]);
  });

  it('count each character’s events after an episode as reading them all does', async () => {
    const { store } = current();
    const series = (await store.listSeries({ first: 100, afterSlug: null })).items.map((s) => s.key);
    const keys = [...(await store.charactersBySeries(series)).flat().map((c) => c.key), 'soundtrack-1/nobody'];
    const events = await store.eventsOfCharacters(
      keys.map((characterKey) => ({ characterKey, role: null, kinds: null })),
    );
    const queries = keys.flatMap((characterKey) =>
      [0, 1, 2, 3, 4, 9].map((afterEpisode) => ({ characterKey, afterEpisode })),
    );
    const counts = await store.laterEventCounts(queries);
    expect(counts).toEqual(
      queries.map(
        ({ characterKey, afterEpisode }) =>
          events[keys.indexOf(characterKey)]!.filter((e) => e.episodeNumber > afterEpisode).length,
      ),
    );
    expect(counts.some((n) => n > 0)).toBe(true);
    expect(await store.laterEventCounts([])).toEqual([]);
  });

  it('count what a viewer is not shown without reading any character’s or episode’s events', async () => {
    const calls = new Map<string, number>();
    const yoga = createDramaYoga({ store: counting(current().store, calls), graphiql: false, ops: { planner: 'off' } });
    const query =
      '{ series(slug: "soundtrack-1") { characters { slug spoilersHidden } episodes { number spoilersHidden } } }';
    const at3 = await graphql(yoga, query, undefined, { 'x-watched-through': 'soundtrack-1@3' });
    expect(at3.errors).toBeUndefined();
    const hidden = (answer: typeof at3) =>
      (answer.data!.series.characters as { spoilersHidden: number }[]).reduce((sum, c) => sum + c.spoilersHidden, 0);
    expect(hidden(at3)).toBeGreaterThan(0);
    expect((at3.data!.series.episodes as { spoilersHidden: number }[]).map((e) => e.spoilersHidden)).toEqual([0, 0, 0]);
    const whole = await graphql(yoga, query);
    expect(hidden(whole)).toBe(0);
    for (const method of ['eventsOfCharacters', 'eventsOfEpisodes']) expect(calls.get(method) ?? 0, method).toBe(0);
    expect(calls.get('laterEventCounts')).toBe(1);
  });

  it('leave episodes’ events unread by the planner when only their hidden counts are asked for', async () => {
    const answers: PlannedAnswer[] = [];
    const store = current().store;
    const watching = new Proxy(store, {
      get: (target, property, receiver) =>
        property === 'readPlanned'
          ? async (read: PlannedRead, signal?: AbortSignal) => {
              const answer = await target.readPlanned(read, signal);
              answers.push(answer);
              return answer;
            }
          : Reflect.get(target, property, receiver),
    });
    const yoga = createDramaYoga({ store: watching, graphiql: false, ops: { planner: 'on' } });
    for (const headers of [{}, { 'x-watched-through': 'soundtrack-1@2' }] as Record<string, string>[]) {
      const answer = await graphql(
        yoga,
        '{ series(slug: "soundtrack-1") { episodes { number spoilersHidden } } }',
        undefined,
        headers,
      );
      expect(answer.errors).toBeUndefined();
      const episodes = answer.data!.series.episodes as { spoilersHidden: number }[];
      expect(episodes.map((e) => e.spoilersHidden)).toEqual(episodes.map(() => 0));
    }
    expect(answers).toHaveLength(2);
    // Red team 39: the planner read every event of every episode to count the hidden ones, which are always none.
    for (const answer of answers) expect(answer.episodeEvents).toEqual([]);
  });

  it('decide who a viewer has met without reading any character’s events or relationships', async () => {
    const calls = new Map<string, number>();
    const yoga = createDramaYoga({
      store: counting(current().store, calls),
      graphiql: false,
      ops: { planner: 'off' },
    });
    const answer = await graphql(yoga, '{ series(slug: "soundtrack-1") { characters { slug } } }', undefined, {
      'x-watched-through': 'soundtrack-1@3',
    });
    expect(answer.errors).toBeUndefined();
    const met = (answer.data!.series.characters as { slug: string }[]).map((c) => c.slug);
    expect(met).toContain('eun-soo');
    expect(met).not.toContain('seo-yeon');
    expect(calls.get('firstShown')).toBe(1);
    expect(calls.get('eventsOfCharacters') ?? 0).toBe(0);
    expect(calls.get('relationshipHistories') ?? 0).toBe(0);
  });
});
