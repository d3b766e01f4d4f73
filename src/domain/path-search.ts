import {
  type CharacterPath,
  eventWeight,
  type FetchNeighbourhoods,
  MAX_PATHS,
  type Neighbourhood,
  neighboursOf,
  type PathStep,
  partsOf,
  SEARCH_MAX_WEIGHT,
  SearchTooLarge,
  stepBetween,
} from './paths.js';

interface Search {
  parents: Map<string, string[]>;
  expanded: Map<string, Neighbourhood>;
  /** Weight of the events read so far (see SEARCH_MAX_WEIGHT). */
  weight: number;
}

/**
 * Lets the caller's process do other work between steps of a long search (a hop over a long series' characters
 * walks thousands of events each); null when no pause is due.
 */
export type Pause = () => Promise<void> | null;

async function paused(pause: Pause): Promise<void> {
  const turn = pause();
  if (turn !== null) await turn;
}

/** Expands one BFS level (one fetch); returns the next frontier, each new node remembering all its parents. */
async function expand(
  frontier: readonly string[],
  search: Search,
  fetch: FetchNeighbourhoods,
  pause: Pause,
): Promise<string[]> {
  const neighbourhoods = await fetch(frontier);
  for (const n of neighbourhoods) for (const event of n.events) search.weight += eventWeight(event);
  if (search.weight > SEARCH_MAX_WEIGHT) throw new SearchTooLarge();
  const next = new Set<string>();
  for (const [i, key] of frontier.entries()) {
    search.expanded.set(key, neighbourhoods[i]!);
    const linked = new Set<string>();
    for (const part of partsOf(neighbourhoods[i]!)) {
      await paused(pause);
      for (const other of neighboursOf(key, part)) linked.add(other);
    }
    for (const other of linked) {
      const parents = search.parents.get(other);
      if (parents === undefined) {
        search.parents.set(other, [key]);
        next.add(other);
      } else if (next.has(other)) parents.push(key);
    }
  }
  return [...next].sort();
}

/**
 * The first MAX_PATHS shortest node chains from the start to `key`, in order of their keys from the start (the first
 * of a node's are among the first of its parents'), each node's worked out once: chains through layers of nodes with
 * many parents each would otherwise be walked once per chain, which grows as a power of the hops.
 */
function chains(key: string, parents: Map<string, string[]>, known = new Map<string, string[][]>()): string[][] {
  const done = known.get(key);
  if (done !== undefined) return done;
  const before = parents.get(key)!;
  const found =
    before.length === 0
      ? [[key]]
      : before
          .flatMap((p) => chains(p, parents, known))
          .sort(compareChains)
          .slice(0, MAX_PATHS)
          .map((chain) => [...chain, key]);
  known.set(key, found);
  return found;
}

function compareChains(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/** The chains with their steps; paths share steps, and each is worked out once, a pause allowed between them. */
async function pathsOf(
  chainsFound: readonly string[][],
  expanded: Map<string, Neighbourhood>,
  pause: Pause,
): Promise<CharacterPath[]> {
  const steps = new Map<string, PathStep>();
  const paths: CharacterPath[] = [];
  for (const nodes of chainsFound) {
    const path: CharacterPath = { nodes, steps: [] };
    for (const [i, to] of nodes.slice(1).entries()) {
      const from = nodes[i]!;
      const id = `${from}\u0000${to}`;
      let step = steps.get(id);
      if (step === undefined) {
        const parts: PathStep[] = [];
        for (const part of partsOf(expanded.get(from)!)) {
          await paused(pause);
          parts.push(stepBetween(from, to, part));
        }
        step = { ...parts[0]!, sharedEvents: parts.flatMap((p) => p.sharedEvents) };
        steps.set(id, step);
      }
      path.steps.push(step);
    }
    paths.push(path);
  }
  return paths;
}

/**
 * All shortest chains (at most MAX_PATHS, in order of their node keys) from one character or person to
 * another within maxHops, by breadth-first search: one `fetch` per hop level, so both stores agree.
 */
export async function shortestPaths(
  from: string,
  to: string,
  maxHops: number,
  fetch: FetchNeighbourhoods,
  pause: Pause = () => null,
): Promise<CharacterPath[]> {
  if (from === to) return [];
  const search: Search = { parents: new Map([[from, []]]), expanded: new Map(), weight: 0 };
  let frontier = [from];
  for (let hop = 1; hop <= maxHops && frontier.length > 0; hop++) {
    frontier = await expand(frontier, search, fetch, pause);
    if (frontier.includes(to)) return pathsOf(chains(to, search.parents).sort(compareChains), search.expanded, pause);
  }
  return [];
}
