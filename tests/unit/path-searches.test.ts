import { expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import type { Neighbourhood } from '../../src/domain/paths.js';
import type { RelationshipRecord } from '../../src/domain/records.js';
import { pathsBetween, searchPlacesOf } from '../../src/reads/paths.js';

const nobody: Neighbourhood = { relationships: [], events: [], castings: [] };

/** Linked by a relationship to `other`. */
const linkedTo = (key: string, other: string): Neighbourhood => ({
  ...nobody,
  relationships: [{ fromKey: key, toKey: other } as RelationshipRecord],
});

/**
 * Searches, with places of their own, whose neighbourhood reads wait until released (oldest first), recording the
 * keys asked for; `links` gives a key's one neighbour, if any.
 */
function waitingSearches(links: Record<string, string> = {}) {
  const places = searchPlacesOf();
  const asked: string[] = [];
  /** The searches whose wait for a place was made with the request's operation place given back. */
  const asides: string[] = [];
  const releases: (() => void)[] = [];
  const loadMany = (keys: readonly string[]) => {
    asked.push(...keys);
    return new Promise<Neighbourhood[]>((resolve) =>
      releases.push(() => resolve(keys.map((k) => (links[k] ? linkedTo(k, links[k]) : nobody)))),
    );
  };
  const search = (client: string, from: string, signal?: AbortSignal, maxHops = 1, to = 's/z') =>
    pathsBetween(
      {
        client,
        loaders: {
          neighbourhoods: loadMany,
          character: { load: async (key: string) => (key === 's/unknown' ? null : {}) },
          aside: (wait: Promise<unknown>) => {
            asides.push(from);
            return wait;
          },
        },
      } as unknown as Context,
      {
        from: { typename: 'Character', id: from },
        to: { typename: 'Character', id: to },
        maxHops,
        signal,
      },
      places,
    );
  /**
   * Turns the loop until `count` keys have been asked for, then a few more turns (a search may pause for a turn
   * between its steps, so one turn is not always enough); the test then checks which keys they were.
   */
  const askedOnce = async (count: number) => {
    for (let turns = 0; turns < 1000 && asked.length < count; turns += 1) await turn();
    for (let turns = 0; turns < 20; turns += 1) await turn();
    return asked;
  };
  return { askedOnce, asides, release: () => releases.shift()!(), search };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

// Red team 58: sixteen searches at once, each reading thousands of events of fifty characters, ran the heap out.
it('runs two connection searches at once and the rest in turn; one whose request is gone does not run', async () => {
  const { askedOnce, release, search } = waitingSearches();
  const gone = new AbortController();
  const searches = [search('a', 's/a'), search('a', 's/b'), search('a', 's/c', gone.signal), search('a', 's/d')];
  expect(await askedOnce(2)).toEqual(['s/a', 's/b']);
  gone.abort(new Error('answered already'));
  await expect(searches[2]).rejects.toThrow();
  release();
  await expect(searches[0]).resolves.toEqual([]);
  expect(await askedOnce(3)).toEqual(['s/a', 's/b', 's/d']);
  release();
  release();
  await expect(Promise.all([searches[1], searches[3]])).resolves.toEqual([[], []]);
});

it('gives a place let go to the client with the fewest searches, not to the first in line', async () => {
  const { askedOnce, release, search } = waitingSearches();
  const searches = [search('flood', 's/a'), search('flood', 's/b'), search('flood', 's/c'), search('other', 's/d')];
  expect(await askedOnce(2)).toEqual(['s/a', 's/b']);
  release();
  expect(await askedOnce(3)).toEqual(['s/a', 's/b', 's/d']);
  release();
  release();
  expect(await askedOnce(4)).toEqual(['s/a', 's/b', 's/d', 's/c']);
  release();
  await expect(Promise.all(searches)).resolves.toEqual([[], [], [], []]);
});

// Red team 59: one client's long searches held both places for their whole budget, and another's short one waited 10 s.
it('holds a place for one hop at a time: the next hop waits its turn behind another client', async () => {
  const { askedOnce, release, search } = waitingSearches({ 's/a': 's/x' });
  const searches = [search('flood', 's/a', undefined, 2), search('flood', 's/b'), search('other', 's/d')];
  expect(await askedOnce(2)).toEqual(['s/a', 's/b']);
  // s/a's first hop is answered: its second hop waits, and the place goes to the other client.
  release();
  expect(await askedOnce(3)).toEqual(['s/a', 's/b', 's/d']);
  release();
  expect(await askedOnce(4)).toEqual(['s/a', 's/b', 's/d', 's/x']);
  release();
  release();
  await expect(Promise.all(searches)).resolves.toEqual([[], [], []]);
});

// Red team 60: one client's requests waiting for places kept every operation place, and others' cheap queries waited.
it('waits for a place with the operation place of the request given back, one wait per hop', async () => {
  const { askedOnce, asides, release, search } = waitingSearches({ 's/a': 's/x' });
  const searches = [search('a', 's/a', undefined, 2), search('b', 's/b')];
  expect(await askedOnce(2)).toEqual(['s/a', 's/b']);
  release();
  release();
  expect(await askedOnce(3)).toEqual(['s/a', 's/b', 's/x']);
  release();
  await expect(Promise.all(searches)).resolves.toEqual([[], []]);
  expect(asides.sort()).toEqual(['s/a', 's/a', 's/b']);
});

// Red team 60: a search to an unknown end walked every hop, then answered [] (or CONNECTION_TOO_LARGE).
it('answers [] for an unknown or unmet end without reading a neighbourhood', async () => {
  const { askedOnce, search } = waitingSearches();
  await expect(search('a', 's/a', undefined, 6, 's/unknown')).resolves.toEqual([]);
  await expect(search('a', 's/unknown', undefined, 6)).resolves.toEqual([]);
  expect(await askedOnce(0)).toEqual([]);
});
