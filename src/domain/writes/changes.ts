import type { GraphDocument } from '../records.js';

export type Collection = keyof GraphDocument;
export type RecordOf<C extends Collection> = GraphDocument[C][number];
export type Deletions = { [C in Collection]: string[] };

export const COLLECTIONS: readonly Collection[] = [
  'people', 'series', 'episodes', 'characters', 'castings', 'credits', 'relationships', 'events',
];

/** Records to add or replace and keys to remove, applied together in one transaction or not at all. */
export interface ChangeSet {
  upserts: GraphDocument;
  deletes: Deletions;
  /** Deleting a series also deletes everything in it, instead of refusing while it has contents. */
  cascade: boolean;
}

const emptyLists = <T>(): { [C in Collection]: T[] } => ({
  people: [], series: [], episodes: [], characters: [], castings: [], credits: [], relationships: [], events: [],
});

export function changeSet(parts: { upserts?: Partial<GraphDocument>; deletes?: Partial<Deletions>; cascade?: boolean }): ChangeSet {
  return {
    upserts: { ...(emptyLists() as unknown as GraphDocument), ...parts.upserts },
    deletes: { ...(emptyLists<string>() as Deletions), ...parts.deletes },
    cascade: parts.cascade ?? false,
  };
}

export function isEmpty(changes: ChangeSet): boolean {
  return COLLECTIONS.every((c) => changes.upserts[c].length === 0 && changes.deletes[c].length === 0);
}
