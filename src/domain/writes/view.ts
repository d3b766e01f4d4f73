import type { Collection, RecordOf } from './changes.js';

/** What other records may point at, and so what a write must check and a delete must not orphan. */
export type Referenced = 'series' | 'episodes' | 'characters' | 'people';

export interface Dependent {
  collection: Collection;
  key: string;
}

/** A place in the story that only one event may take: `<series>/<episode>#<sequence>`. */
export const slotOf = (seriesKey: string, episodeNumber: number, sequence: number): string =>
  `${seriesKey}/${episodeNumber}#${sequence}`;

/**
 * The stored story as a write sees it, read inside the write's own transaction. Every method takes a
 * batch of keys and answers only for the keys that exist.
 */
export interface StoryView {
  existing<C extends Referenced>(collection: C, keys: readonly string[]): Promise<Map<string, RecordOf<C>>>;
  /** Per key, every stored record that refers to it (a series: everything in it). */
  dependents(collection: Referenced, keys: readonly string[]): Promise<Map<string, Dependent[]>>;
  /** Per slot (see slotOf), the key of the stored event that takes it. */
  eventsAt(slots: readonly { seriesKey: string; episodeNumber: number; sequence: number }[]): Promise<Map<string, string>>;
}
