import type { GraphCounts, GraphDocument } from './records.js';
import type { SearchType } from './search/keys.js';

/** The kinds of record the graph holds, in the order a document is written (referenced before referring). */
export type Collection = keyof GraphDocument;
export type RecordOf<C extends Collection> = GraphDocument[C][number];

/** What each collection's records are called, as a GraphQL node and in search. */
export interface CollectionFacts {
  /** One record, in messages: "1 episode". */
  singular: string;
  /** The GraphQL type its records are, with a global ID; null for castings and credits, which have none. */
  nodeType: string | null;
  /** The type search finds its records as; null when search does not look in it. */
  searchType: SearchType | null;
}

export const COLLECTION_FACTS: { readonly [C in Collection]: CollectionFacts } = {
  people: { singular: 'person', nodeType: 'Person', searchType: 'person' },
  series: { singular: 'series', nodeType: 'Series', searchType: 'series' },
  episodes: { singular: 'episode', nodeType: 'Episode', searchType: 'episode' },
  characters: { singular: 'character', nodeType: 'Character', searchType: 'character' },
  castings: { singular: 'casting', nodeType: null, searchType: null },
  credits: { singular: 'credit', nodeType: null, searchType: null },
  relationships: { singular: 'relationship', nodeType: 'Relationship', searchType: null },
  events: { singular: 'event', nodeType: 'PlotEvent', searchType: null },
};

export const COLLECTIONS = Object.keys(COLLECTION_FACTS) as readonly Collection[];

/** The GraphQL type of the records search finds as `type`. */
export const nodeTypeOfSearchType = (type: SearchType): string =>
  COLLECTIONS.map((c) => COLLECTION_FACTS[c]).find((facts) => facts.searchType === type)!.nodeType!;

/** One value per collection, made by `make`. */
export function perCollection<T>(make: (collection: Collection) => T): { [C in Collection]: T } {
  return Object.fromEntries(COLLECTIONS.map((c) => [c, make(c)])) as { [C in Collection]: T };
}

export const emptyDocument = (): GraphDocument => perCollection(() => []) as unknown as GraphDocument;

type Sized = { readonly length: number } | { readonly size: number };

/** How many records each collection holds, whether kept as arrays, maps or sets. */
export function countsOf(d: { [C in Collection]: Sized }): GraphCounts {
  return perCollection((c) => {
    const x = d[c];
    return 'length' in x ? x.length : x.size;
  });
}
