import { isChoseongOnly, mayMatch } from '../../domain/search/fold.js';
import { SEARCH_TYPES, type Searchable } from '../../domain/search/keys.js';
import { compareText } from '../../domain/text.js';
import type { SearchRequest } from '../port.js';
import type { EmbeddedDatabase } from './database.js';
import { gramsOf } from './layout.js';

/** A searchable record as the search indexes name it: its type's place in SEARCH_TYPES, and its key. */
interface Found {
  type: Searchable['type'];
  key: string;
}

/** Initial-consonant queries match as subsequences, which trigrams cannot narrow; nor can short queries. */
const covered = (query: string): boolean => query.length >= 3 && !isChoseongOnly(query);

const byTypeThenKey = (a: { t: number; key: string }, b: { t: number; key: string }): number =>
  a.t - b.t || compareText(a.key, b.key);

/** The records whose keys hold every trigram of the query, read from the trigram index (a superset of the matches). */
function trigramCandidates(db: EmbeddedDatabase, query: string): { t: number; key: string }[] {
  let common: Map<string, { t: number; key: string }> | null = null;
  const grams = [...gramsOf([query])].sort((a, b) => db.count('searchGrams', [a]) - db.count('searchGrams', [b]));
  for (const gram of grams) {
    const next = new Map<string, { t: number; key: string }>();
    for (const { key } of db.scan('searchGrams', [gram])) {
      const id = `${key[1]}\u0000${key[2]}`;
      if (common === null || common.has(id)) next.set(id, { t: key[1] as number, key: key[2] as string });
    }
    common = next;
    if (common.size === 0) return [];
  }
  return [...(common?.values() ?? [])];
}

/**
 * The first `limit` records, by type (SEARCH_TYPES order) then key, with a stored search key that may
 * match the query. Long queries narrow through the trigram index; others walk the stored keys in order.
 */
export function searchCandidates(db: EmbeddedDatabase, { query, limit }: SearchRequest): Found[] {
  const found: Found[] = [];
  const matches = (keys: unknown) => (keys as string[]).some((key) => mayMatch(query, key));
  if (!covered(query)) {
    if (limit <= 0) return [];
    for (const { key, value } of db.scan('searchKeys', [])) {
      if (!matches(value)) continue;
      found.push({ type: SEARCH_TYPES[key[0] as number]!, key: key[1] as string });
      if (found.length >= limit) break;
    }
    return found;
  }
  return trigramCandidates(db, query)
    .filter(({ t, key }) => matches(db.row('searchKeys', [t, key]) ?? []))
    .sort(byTypeThenKey)
    .slice(0, Math.max(0, limit))
    .map(({ t, key }) => ({ type: SEARCH_TYPES[t]!, key }));
}
