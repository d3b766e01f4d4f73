import { describe, expect, it } from 'vitest';
import { shortestPaths } from '../../src/domain/path-search.js';
import {
  EVENTS_PER_PART,
  eventWeight,
  gateNeighbourhood,
  joinParts,
  type Neighbourhood,
  partsOf,
  SEARCH_MAX_WEIGHT,
  SearchTooLarge,
} from '../../src/domain/paths.js';
import type { CastingRecord, PlotEventRecord, RelationshipRecord } from '../../src/domain/records.js';
import type { ParticipantRole } from '../../src/domain/vocabulary.js';

const rel = (from: string, to: string, since: number | null = null): RelationshipRecord => ({
  key: `s/${from}-${to}`,
  seriesKey: 's',
  slug: `${from}-${to}`,
  kind: 'FRIEND',
  fromKey: `s/${from}`,
  toKey: `s/${to}`,
  mutual: true,
  sinceEpisode: since,
  untilEpisode: null,
  revealedIn: null,
  note: [],
  sources: [],
  certainty: 'STATED',
  basis: [],
});
const ev = (sequence: number, episode: number, ...who: [string, ParticipantRole][]): PlotEventRecord => ({
  key: `s/e${sequence}`,
  seriesKey: 's',
  slug: `e${sequence}`,
  episodeNumber: episode,
  sequence,
  kind: 'MOMENT',
  summary: '',
  agentKey: null,
  targetKey: null,
  participants: who.map(([c, role]) => ({ characterKey: `s/${c}`, role })),
  outcome: null,
  flashback: false,
  sources: [],
  certainty: 'STATED',
  basis: [],
});
const cast = (person: string, character: string): CastingRecord => ({
  key: `s/${character}@${person}`,
  seriesKey: 's',
  personKey: person,
  characterKey: `s/${character}`,
  billing: 'MAIN',
  sources: [],
  certainty: 'STATED',
  basis: [],
});

/** A graph as a store would serve it: each key's relationships, events and castings. */
function graph(relationships: RelationshipRecord[], events: PlotEventRecord[], castings: CastingRecord[] = []) {
  const calls: string[][] = [];
  const fetch = async (keys: readonly string[]): Promise<Neighbourhood[]> => {
    calls.push([...keys]);
    return keys.map((k) => ({
      relationships: relationships.filter((r) => r.fromKey === k || r.toKey === k),
      events: events.filter((e) => e.participants.some((p) => p.characterKey === k)),
      castings: castings.filter((c) => c.personKey === k || c.characterKey === k),
    }));
  };
  return { fetch, calls };
}

const chain = (paths: Awaited<ReturnType<typeof shortestPaths>>) => paths.map((p) => p.nodes.join(' > '));

describe('shortestPaths', () => {
  it('returns every shortest chain in key order, one fetch per hop level, with what explains each step', async () => {
    const { fetch, calls } = graph([rel('a', 'b'), rel('a', 'c'), rel('b', 'd'), rel('c', 'd'), rel('d', 'e')], []);
    const paths = await shortestPaths('s/a', 's/e', 4, fetch);
    expect(chain(paths)).toEqual(['s/a > s/b > s/d > s/e', 's/a > s/c > s/d > s/e']);
    expect(calls).toEqual([['s/a'], ['s/b', 's/c'], ['s/d']]);
    expect(paths[0]!.steps.map((s) => s.relationships.map((r) => r.slug))).toEqual([['a-b'], ['b-d'], ['d-e']]);
  });

  it('links characters through shared events, but not through a mere mention', async () => {
    const { fetch } = graph([], [ev(1, 1, ['a', 'AGENT'], ['b', 'WITNESS'], ['c', 'MENTIONED'])]);
    const [path] = await shortestPaths('s/a', 's/b', 2, fetch);
    expect(path!.steps[0]!.sharedEvents.map((e) => e.sequence)).toEqual([1]);
    expect(await shortestPaths('s/a', 's/c', 2, fetch)).toEqual([]);
  });

  it('walks from person to person through the characters they play', async () => {
    const { fetch } = graph([rel('a', 'b')], [], [cast('ann', 'a'), cast('bob', 'b')]);
    const [path] = await shortestPaths('ann', 'bob', 3, fetch);
    expect(path!.nodes).toEqual(['ann', 's/a', 's/b', 'bob']);
    expect(path!.steps[0]!.castings.map((c) => c.key)).toEqual(['s/a@ann']);
  });

  it('gives up beyond maxHops, and for the same end twice', async () => {
    const { fetch } = graph([rel('a', 'b'), rel('b', 'c')], []);
    expect(await shortestPaths('s/a', 's/c', 1, fetch)).toEqual([]);
    expect(chain(await shortestPaths('s/a', 's/c', 2, fetch))).toEqual(['s/a > s/b > s/c']);
    expect(await shortestPaths('s/a', 's/a', 2, fetch)).toEqual([]);
  });

  it('does not traverse what the viewer has not watched', async () => {
    const { fetch } = graph([rel('a', 'b', 3)], [ev(1, 4, ['a', 'AGENT'], ['b', 'TARGET'])]);
    const progress = new Map([['s', 2]]);
    const everyone = () => true;
    const gated = async (keys: readonly string[]) =>
      (await fetch(keys)).map((n) => gateNeighbourhood(progress, n, everyone));
    expect(await shortestPaths('s/a', 's/b', 3, gated)).toEqual([]);
    expect(await shortestPaths('s/a', 's/b', 3, fetch)).toHaveLength(1);
  });

  it('does not traverse to characters the viewer has not met, through relationships or castings', async () => {
    const { fetch } = graph([rel('a', 'b', null)], []);
    const notB = (key: string) => key !== 's/b';
    const gated = async (keys: readonly string[]) =>
      (await fetch(keys)).map((n) => gateNeighbourhood(new Map(), n, notB));
    expect(await shortestPaths('s/a', 's/b', 3, gated)).toEqual([]);
    expect(await shortestPaths('s/a', 's/b', 3, fetch)).toHaveLength(1);
  });

  // Red team 57: two characters sharing 20,000 events each held the event loop for 0.1 to 0.7 s per hop and per step.
  it('lets the caller pause between parts of a long neighbourhood, and answers exactly as without pauses', async () => {
    const shared = Array.from({ length: 2 * EVENTS_PER_PART + 500 }, (_, i) =>
      ev(i + 1, 1, ['a', 'AGENT'], ['b', 'TARGET'], ['z', 'MENTIONED']),
    );
    const { fetch } = graph([rel('b', 'c')], shared);
    let pauses = 0;
    const pause = () => {
      pauses += 1;
      return new Promise<void>((resolve) => setImmediate(resolve));
    };
    const paused = await shortestPaths('s/a', 's/c', 3, fetch, pause);
    expect(paused).toEqual(await shortestPaths('s/a', 's/c', 3, fetch));
    expect(chain(paused)).toEqual(['s/a > s/b > s/c']);
    expect(paused[0]!.steps[0]!.sharedEvents).toHaveLength(shared.length);
    // Three parts of a's neighbourhood, three of b's, and the two steps' parts (three and three).
    expect(pauses).toBe(12);
  });

  it('shares a step between the paths that take it', async () => {
    const { fetch } = graph([rel('a', 'b'), rel('b', 'c'), rel('b', 'd'), rel('c', 'e'), rel('d', 'e')], []);
    const paths = await shortestPaths('s/a', 's/e', 4, fetch);
    expect(chain(paths)).toEqual(['s/a > s/b > s/c > s/e', 's/a > s/b > s/d > s/e']);
    expect(paths[0]!.steps[0]).toEqual(paths[1]!.steps[0]);
  });

  // Each node's chains are worked out once: walked once per chain, eight layers of ten made 10^7 walks.
  it('finds the first chains through many layers of many parents each', async () => {
    const layers = Array.from({ length: 7 }, (_, l) => Array.from({ length: 10 }, (_, i) => `n${l}${i}`));
    const links = [
      ...layers[0]!.map((n) => rel('a', n)),
      ...layers.slice(1).flatMap((layer, l) => layer.flatMap((n) => layers[l]!.map((before) => rel(before, n)))),
      ...layers[6]!.map((n) => rel(n, 'z')),
    ];
    const { fetch } = graph(links, []);
    const paths = await shortestPaths('s/a', 's/z', 8, fetch);
    expect(paths).toHaveLength(10);
    for (const path of paths) {
      expect(path.nodes).toHaveLength(9);
      expect(path.steps.every((step) => step.relationships.length === 1)).toBe(true);
    }
    expect(chain(paths)).toEqual([...chain(paths)].sort());
  });
});

describe('the bounds of a search', () => {
  // Red team 58: the first ten were the first ten by parent order, so the node next to `from` varied fastest.
  it('answers the first chains in key order from the start, not the first ones found', async () => {
    const xs = ['x0', 'x1', 'x2', 'x3'];
    const ys = ['y0', 'y1', 'y2', 'y3'];
    const links = [
      ...xs.map((x) => rel('a', x)),
      ...xs.flatMap((x) => ys.map((y) => rel(x, y))),
      ...ys.map((y) => rel(y, 'z')),
    ];
    const paths = await shortestPaths('s/a', 's/z', 3, graph(links, []).fetch);
    expect(paths.map((p) => p.nodes.slice(1, 3).join(' ').replaceAll('s/', ''))).toEqual([
      'x0 y0',
      'x0 y1',
      'x0 y2',
      'x0 y3',
      'x1 y0',
      'x1 y1',
      'x1 y2',
      'x1 y3',
      'x2 y0',
      'x2 y1',
    ]);
  });

  // Red team 58: a hop over fifty characters sharing 10,000 events read half a million event links.
  it('stops with SearchTooLarge once the weight of the events read passes the bound, and not before', async () => {
    const shared = ev(1, 1, ['a', 'AGENT'], ['b', 'TARGET']);
    const fetched: string[][] = [];
    const sized =
      (events: number) =>
      async (keys: readonly string[]): Promise<Neighbourhood[]> => {
        fetched.push([...keys]);
        return keys.map(() => ({ relationships: [], events: Array(events).fill(shared), castings: [] }));
      };
    // An event of two weighs three: a's events, then b's, come to exactly the bound.
    const half = SEARCH_MAX_WEIGHT / 2 / 3;
    expect(await shortestPaths('s/a', 's/c', 2, sized(half))).toEqual([]);
    await expect(shortestPaths('s/a', 's/c', 2, sized(half + 1))).rejects.toBeInstanceOf(SearchTooLarge);
    expect(fetched).toEqual([['s/a'], ['s/b'], ['s/a'], ['s/b']]);
  });

  // Red team 59: 48,000 events of fifty participants each were within a bound of events alone, and took 300 MB.
  it('weighs an event by its participants: a few thousand events of fifty are over the bound', async () => {
    const crowd = ev(1, 1, ...Array.from({ length: 50 }, (_, i): [string, ParticipantRole] => [`c${i}`, 'PRESENT']));
    expect(eventWeight(crowd)).toBe(51);
    const within = Math.floor(SEARCH_MAX_WEIGHT / 51);
    const of = (events: number) => async (keys: readonly string[]) =>
      keys.map(() => ({ relationships: [], events: Array(events).fill(crowd), castings: [] }));
    expect(await shortestPaths('s/c0', 's/nobody', 1, of(within))).toEqual([]);
    await expect(shortestPaths('s/c0', 's/nobody', 1, of(within + 1))).rejects.toBeInstanceOf(SearchTooLarge);
  });
});

describe('a neighbourhood in parts', () => {
  it('keeps its relationships and castings in the first part, its events in order, and joins back whole', () => {
    const events = Array.from({ length: EVENTS_PER_PART * 2 + 1 }, (_, i) => ev(i + 1, 1, ['a', 'AGENT']));
    const whole: Neighbourhood = { relationships: [rel('a', 'b')], events, castings: [cast('ann', 'a')] };
    const parts = partsOf(whole);
    expect(parts.map((p) => [p.relationships.length, p.events.length, p.castings.length])).toEqual([
      [1, EVENTS_PER_PART, 1],
      [0, EVENTS_PER_PART, 0],
      [0, 1, 0],
    ]);
    expect(joinParts(parts)).toEqual(whole);
    expect(partsOf({ relationships: [], events: [], castings: [] })).toHaveLength(1);
    expect(joinParts([])).toEqual({ relationships: [], events: [], castings: [] });
  });
});
