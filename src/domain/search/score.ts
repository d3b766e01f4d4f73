import { compareText } from '../text.js';
import { fold, isChoseongOnly, isSubsequence } from './fold.js';
import { SEARCH_TYPES, type Searchable, type SearchKey, searchKeysOf } from './keys.js';

export interface RankedHit {
  item: Searchable;
  score: number;
  matchedOn: string;
}

/** Base scores of the match tiers; a closer fit (query length / key length) adds up to 0.1. */
const TIERS = { exact: 1, prefix: 0.8, wordPrefix: 0.7, substring: 0.5, initials: 0.3 } as const;

function tierOf(query: string, key: SearchKey, wordStarts: readonly string[]): number | null {
  if (key.key === query) return TIERS.exact;
  if (key.key.startsWith(query)) return TIERS.prefix;
  if (wordStarts.some((rest) => rest.startsWith(query))) return TIERS.wordPrefix;
  if (key.key.includes(query)) return TIERS.substring;
  if (key.choseong && isChoseongOnly(query) && isSubsequence(query, key.key)) return TIERS.initials;
  return null;
}

/** Folded suffixes of a text that begin at a later word ("Park Hyung-sik" → "hyungsik", "sik"). */
function wordStarts(text: string): string[] {
  const words = text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return words.slice(1).map((_w, i) => fold(words.slice(i + 1).join('')));
}

/** How well a folded query matches one key, or null; rounded so that both stores compare equal floats. */
function scoreKey(query: string, key: SearchKey): number | null {
  const tier = tierOf(query, key, key.choseong ? [] : wordStarts(key.text));
  if (tier === null) return null;
  return Math.round((tier + (0.1 * query.length) / key.key.length) * 10_000) / 10_000;
}

function scoreItem(query: string, item: Searchable): RankedHit | null {
  let best: RankedHit | null = null;
  for (const key of searchKeysOf(item)) {
    const score = scoreKey(query, key);
    if (score !== null && (best === null || score > best.score)) best = { item, score, matchedOn: key.text };
  }
  return best;
}

const typeRank = (hit: RankedHit): number => SEARCH_TYPES.indexOf(hit.item.type);

/** Best first; ties by type (series, episode, character, person), then record key. */
const compareHits = (a: RankedHit, b: RankedHit): number =>
  b.score - a.score || typeRank(a) - typeRank(b) || compareText(a.item.record.key, b.item.record.key);

/** Scores candidates with one shared rule, so every store ranks the same way; drops non-matches. */
export function rankHits(query: string, candidates: readonly Searchable[], first: number): RankedHit[] {
  const hits = candidates.map((item) => scoreItem(query, item)).filter((hit): hit is RankedHit => hit !== null);
  return hits.sort(compareHits).slice(0, first);
}
