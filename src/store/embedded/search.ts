import type { Neighbourhood } from '../../domain/paths.js';
import { mayMatch } from '../../domain/search/fold.js';
import { SEARCH_TYPES, type Searchable, storedSearchKeys } from '../../domain/search/keys.js';
import { compareText } from '../../domain/text.js';
import type { SearchRequest } from '../port.js';
import type { GraphIndex } from './indexes.js';
import { SearchIndex } from './search-index.js';

/** Folded keys per record object; a re-imported record is a new object, so the cache never goes stale. */
const keysCache = new WeakMap<object, string[]>();

function keysOf(item: Searchable): string[] {
  let keys = keysCache.get(item.record);
  if (keys === undefined) {
    keys = storedSearchKeys(item);
    keysCache.set(item.record, keys);
  }
  return keys;
}

/** Every searchable record, or those the trigram index leaves, grouped by type in SEARCH_TYPES order. */
function pool(index: GraphIndex, query: string): Searchable[][] {
  if (!SearchIndex.covers(query)) return index.search.all();
  const candidates = index.search.candidates(query);
  return SEARCH_TYPES.map((type) => candidates.filter((item) => item.type === type));
}

export function searchCandidates(index: GraphIndex, { query, limit }: SearchRequest): Searchable[] {
  const byType = pool(index, query).map((items) =>
    items
      .filter((item) => keysOf(item).some((key) => mayMatch(query, key)))
      .sort((a, b) => compareText(a.record.key, b.record.key)),
  );
  return byType.flat().slice(0, limit);
}

export const neighbourhoodOf = (index: GraphIndex, key: string): Neighbourhood => ({
  relationships: [...index.relationshipsByCharacter.get(key)],
  events: [...index.eventsByCharacter.get(key)],
  castings: [...index.castingsByCharacter.get(key), ...index.castingsByPerson.get(key)],
});
