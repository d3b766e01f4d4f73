import { addSeries, personRecord } from '../domain/build.js';
import { COLLECTIONS, type Collection, emptyDocument } from '../domain/collections.js';
import type { SeedFile } from './format.js';

/** Where a field sits in a seed document: field names and list indexes (as strings), outermost first. */
export type SeedPath = string[];

const REVEALED = new Set(['description', 'note', 'basis']);

/**
 * Finds records of a seed document by key, as the document gives them: `["series", "0", "events", "3"]`. A
 * record given twice is found at its last place. `pathOf` adds a record's field, as the domain's rules name it
 * (`participants.0.character`); a revision is counted in the order the document lists them, not by episode.
 */
export function seedLocator(seed: SeedFile) {
  const places = new Map<string, SeedPath>();
  const put = (collection: Collection, key: string, path: SeedPath): void => {
    places.set(`${collection} ${key}`, path);
  };
  for (const [i, p] of seed.people.entries()) put('people', personRecord(p).key, ['people', String(i)]);
  for (const [i, s] of seed.series.entries()) {
    const doc = emptyDocument();
    addSeries(doc, s);
    put('series', s.slug, ['series', String(i)]);
    for (const collection of COLLECTIONS) {
      if (collection === 'people' || collection === 'series') continue;
      for (const [j, record] of doc[collection].entries())
        put(collection, record.key, ['series', String(i), collection, String(j)]);
    }
  }
  const recordAt = (path: SeedPath): Record<string, unknown> | undefined => {
    let node: unknown = seed;
    for (const part of path) node = (node as Record<string, unknown> | undefined)?.[part];
    return node as Record<string, unknown> | undefined;
  };
  return {
    place: (collection: Collection, key: string): SeedPath | null => places.get(`${collection} ${key}`) ?? null,
    /** The path of `field` of a record; null when the document does not give that record. */
    pathOf(collection: Collection, key: string, field: readonly string[]): SeedPath | null {
      const place = places.get(`${collection} ${key}`);
      if (place === undefined) return null;
      const [name, index, ...rest] = field;
      if (name === undefined || index === undefined || !REVEALED.has(name) || !/^\d+$/.test(index))
        return [...place, ...field];
      const given = recordAt(place)?.[name];
      if (!Array.isArray(given)) return [...place, name];
      const revisions = given as { fromEpisode: number }[];
      const byEpisode = [...revisions].sort((a, b) => a.fromEpisode - b.fromEpisode);
      const at = revisions.indexOf(byEpisode[Number(index)]!);
      return [...place, name, String(at === -1 ? index : at), ...rest];
    },
  };
}
