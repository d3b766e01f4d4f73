import type { CharacterRecord, EpisodeRecord, PersonRecord, SeriesRecord } from '../records.js';
import { choseongOf, fold, hasHangul } from './fold.js';

export const SEARCH_TYPES = ['series', 'episode', 'character', 'person'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export type Searchable =
  | { type: 'series'; record: SeriesRecord }
  | { type: 'episode'; record: EpisodeRecord }
  | { type: 'character'; record: CharacterRecord }
  | { type: 'person'; record: PersonRecord };

/** One way a record can be found: the text as the data has it and its folded key. */
export interface SearchKey {
  text: string;
  key: string;
  /** True for the initial-consonant form of a Hangul text. */
  choseong: boolean;
}

/** Episodes have titles only sometimes; they are always found as "<series slug> episode <n>" (or "ep <n>"). */
function textsOf(item: Searchable): (string | null)[] {
  switch (item.type) {
    case 'series':
      return [item.record.title, item.record.originalTitle, item.record.slug];
    case 'episode':
      return [
        item.record.title,
        `${item.record.seriesKey} episode ${item.record.number}`,
        `${item.record.seriesKey} ep ${item.record.number}`,
      ];
    case 'character':
      return [item.record.name, item.record.nativeName, ...item.record.aliases.map((a) => a.name)];
    case 'person':
      return [item.record.name, item.record.nativeName];
  }
}

/** Every key a record is found by, in field order (name or title first); keys repeated by later fields are dropped. */
export function searchKeysOf(item: Searchable): SearchKey[] {
  const keys: SearchKey[] = [];
  const seen = new Set<string>();
  const add = (text: string, key: string, choseong: boolean) => {
    if (key.length === 0 || seen.has(key)) return;
    seen.add(key);
    keys.push({ text, key, choseong });
  };
  for (const text of textsOf(item)) {
    if (text === null) continue;
    const key = fold(text);
    add(text, key, false);
    if (hasHangul(key)) add(text, choseongOf(key), true);
  }
  return keys;
}

/** The folded keys a store indexes for a record (Neo4j keeps them as the `searchKeys` property). */
export const storedSearchKeys = (item: Searchable): string[] => searchKeysOf(item).map((k) => k.key);
