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

/**
 * The records whose keys hold every trigram of the query (a superset of the matches): the rows of its
 * rarest trigram, each checked for the others by a point lookup. Counting stops at the rarest so far.
 */
function trigramCandidates(db: EmbeddedDatabase, query: string): { t: number; key: string }[] {
  const grams = [...gramsOf([query])];
  let rarest = grams[0]!;
  let fewest = Number.POSITIVE_INFINITY;
  for (const gram of grams) {
    const n = db.count('searchGrams', [gram], fewest);
    if (n < fewest) {
      fewest = n;
      rarest = gram;
    }
    if (n === 0) return [];
  }
  const others = grams.filter((gram) => gram !== rarest);
  const found: { t: number; key: string }[] = [];
  for (const key of db.scanKeys('searchGrams', [rarest])) {
    const t = key[1] as number;
    const recordKey = key[2] as string;
    if (others.every((gram) => db.row('searchGrams', [gram, t, recordKey]) !== undefined))
      found.push({ t, key: recordKey });
  }
  return found;
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
