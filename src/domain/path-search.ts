import {
  type CharacterPath,
  type FetchNeighbourhoods,
  MAX_PATHS,
  type Neighbourhood,
  neighboursOf,
  stepBetween,
} from './paths.js';

interface Search {
  parents: Map<string, string[]>;
  expanded: Map<string, Neighbourhood>;
}

/** Expands one BFS level (one fetch); returns the next frontier, each new node remembering all its parents. */
async function expand(frontier: readonly string[], search: Search, fetch: FetchNeighbourhoods): Promise<string[]> {
  const neighbourhoods = await fetch(frontier);
  const next = new Set<string>();
  frontier.forEach((key, i) => {
    search.expanded.set(key, neighbourhoods[i]!);
    for (const other of neighboursOf(key, neighbourhoods[i]!)) {
      if (search.parents.has(other) && !next.has(other)) continue;
      search.parents.set(other, [...(search.parents.get(other) ?? []), key]);
      next.add(other);
    }
  });
  return [...next].sort();
}

/** Every shortest node chain from the start to `key`, in key order, at most MAX_PATHS. */
function chains(key: string, parents: Map<string, string[]>): string[][] {
  const before = parents.get(key)!;
  if (before.length === 0) return [[key]];
  return before
    .flatMap((p) => chains(p, parents))
    .slice(0, MAX_PATHS)
    .map((chain) => [...chain, key]);
}

function compareChains(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

const toPath = (nodes: string[], expanded: Map<string, Neighbourhood>): CharacterPath => ({
  nodes,
  steps: nodes.slice(1).map((to, i) => stepBetween(nodes[i]!, to, expanded.get(nodes[i]!)!)),
});

/**
 * All shortest chains (at most MAX_PATHS, in order of their node keys) from one character or person to
 * another within maxHops, by breadth-first search: one `fetch` per hop level, so both stores agree.
 */
export async function shortestPaths(
  from: string,
  to: string,
  maxHops: number,
  fetch: FetchNeighbourhoods,
): Promise<CharacterPath[]> {
  if (from === to) return [];
  const search: Search = { parents: new Map([[from, []]]), expanded: new Map() };
  let frontier = [from];
  for (let hop = 1; hop <= maxHops && frontier.length > 0; hop++) {
    frontier = await expand(frontier, search, fetch);
    if (frontier.includes(to))
      return chains(to, search.parents)
        .sort(compareChains)
        .map((nodes) => toPath(nodes, search.expanded));
  }
  return [];
}
