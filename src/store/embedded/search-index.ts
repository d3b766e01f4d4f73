import { isChoseongOnly } from '../../domain/search/fold.js';
import { SEARCH_TYPES, type Searchable, storedSearchKeys } from '../../domain/search/keys.js';

const GRAM = 3;

/** Every distinct run of GRAM code units in the keys: a key holding a query holds each of the query's runs. */
function gramsOf(keys: readonly string[]): Set<string> {
  const grams = new Set<string>();
  for (const key of keys) for (let i = 0; i + GRAM <= key.length; i++) grams.add(key.slice(i, i + GRAM));
  return grams;
}

/**
 * An inverted index from trigrams of the folded search keys to the searchable records. It narrows
 * candidates for queries of GRAM or more characters; callers still check each candidate.
 */
export class SearchIndex {
  private readonly byGram = new Map<string, Set<Searchable>>();
  /** By type, then key: a person and a series may share a key (both are bare slugs). */
  private readonly byKey = new Map<Searchable['type'], Map<string, Searchable>>(
    SEARCH_TYPES.map((type) => [type, new Map()]),
  );

  /** Initial-consonant queries match as subsequences, which trigrams cannot narrow. */
  static covers(query: string): boolean {
    return query.length >= GRAM && !isChoseongOnly(query);
  }

  add(item: Searchable): void {
    this.remove(item.type, item.record.key);
    this.byKey.get(item.type)!.set(item.record.key, item);
    for (const gram of gramsOf(storedSearchKeys(item))) {
      const items = this.byGram.get(gram);
      if (items === undefined) this.byGram.set(gram, new Set([item]));
      else items.add(item);
    }
  }

  remove(type: Searchable['type'], key: string): void {
    const item = this.byKey.get(type)!.get(key);
    if (item === undefined) return;
    this.byKey.get(type)!.delete(key);
    for (const gram of gramsOf(storedSearchKeys(item))) {
      const items = this.byGram.get(gram);
      items?.delete(item);
      if (items?.size === 0) this.byGram.delete(gram);
    }
  }

  clear(): void {
    this.byGram.clear();
    for (const items of this.byKey.values()) items.clear();
  }

  /** Every record held, grouped by type in SEARCH_TYPES order. */
  all(): Searchable[][] {
    return SEARCH_TYPES.map((type) => [...this.byKey.get(type)!.values()]);
  }

  /** The records whose keys hold every trigram of the query (a superset of those that contain it). */
  candidates(query: string): Searchable[] {
    const sets = [...gramsOf([query])].map((gram) => this.byGram.get(gram));
    if (sets.some((set) => set === undefined)) return [];
    const [smallest, ...rest] = (sets as Set<Searchable>[]).sort((a, b) => a.size - b.size);
    return [...smallest!].filter((item) => rest.every((set) => set.has(item)));
  }
}
