import type { GraphCounts, GraphDocument } from './records.js';

/** The kinds of record the graph holds, in the order a document is written (referenced before referring). */
export type Collection = keyof GraphDocument;
export type RecordOf<C extends Collection> = GraphDocument[C][number];

export const COLLECTIONS: readonly Collection[] = [
  'people', 'series', 'episodes', 'characters', 'castings', 'credits', 'relationships', 'events',
];

type Sized = { readonly length: number } | { readonly size: number };

/** How many records each collection holds, whether kept as arrays, maps or sets. */
export function countsOf(d: { [C in Collection]: Sized }): GraphCounts {
  const n = (c: Collection): number => {
    const x = d[c];
    return 'length' in x ? x.length : x.size;
  };
  return {
    people: n('people'), series: n('series'), episodes: n('episodes'), characters: n('characters'),
    castings: n('castings'), credits: n('credits'), relationships: n('relationships'), events: n('events'),
  };
}
