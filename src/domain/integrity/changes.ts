import { COLLECTIONS, type Collection, emptyDocument, perCollection } from '../collections.js';
import { seriesOfKey } from '../keys.js';
import type { GraphDocument } from '../records.js';

export type Deletions = { [C in Collection]: string[] };

/** Records to add or replace and keys to remove, applied together in one transaction or not at all. */
export interface ChangeSet {
  upserts: GraphDocument;
  deletes: Deletions;
  /** Deleting a series also deletes everything in it, instead of refusing while it has contents. */
  cascade: boolean;
}

export function changeSet(parts: {
  upserts?: Partial<GraphDocument>;
  deletes?: Partial<Deletions>;
  cascade?: boolean;
}): ChangeSet {
  return {
    upserts: { ...emptyDocument(), ...parts.upserts },
    deletes: { ...perCollection((): string[] => []), ...parts.deletes },
    cascade: parts.cascade ?? false,
  };
}

/**
 * Every series a change set writes in or deletes from: an upserted record names its series (a series is
 * its own), a deleted one starts its key with it (seriesOfKey). People belong to no series.
 */
export function touchedSeries({ upserts, deletes }: ChangeSet): Set<string> {
  const touched = new Set<string>();
  for (const collection of COLLECTIONS.filter((c) => c !== 'people')) {
    for (const record of upserts[collection] as { key: string; seriesKey?: string }[])
      touched.add(record.seriesKey ?? record.key);
    for (const key of deletes[collection]) touched.add(collection === 'series' ? key : seriesOfKey(key));
  }
  return touched;
}
