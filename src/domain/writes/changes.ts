import type { Collection } from '../collections.js';
import type { GraphDocument } from '../records.js';

export { COLLECTIONS, type Collection, type RecordOf } from '../collections.js';
export type Deletions = { [C in Collection]: string[] };

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
