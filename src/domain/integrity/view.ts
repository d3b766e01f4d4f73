import type { Collection, RecordOf } from '../collections.js';
import type { Placed } from '../rules.js';

/** What other records may point at, and so what a write must check and a delete must not orphan. */
export type Referenced = 'series' | 'episodes' | 'characters' | 'people';

/** What a write reads by key: what others point at, and the records whose revisions a series' length bounds. */
export type Viewed = Referenced | 'relationships' | 'events' | 'castings';

export interface Dependent {
  collection: Collection;
  key: string;
}

export interface EpisodePlace {
  seriesKey: string;
  episodeNumber: number;
}

/**
 * The stored story as a write sees it, read inside the write's own transaction. Every method takes a
 * batch of keys and answers only for the keys that exist.
 */
export interface StoryView {
  existing<C extends Viewed>(collection: C, keys: readonly string[]): Promise<Map<string, RecordOf<C>>>;
  /** Per key, every stored record that refers to it (a series: everything in it). */
  dependents(collection: Referenced, keys: readonly string[]): Promise<Map<string, Dependent[]>>;
  /** Where stored events are: every event of the given episodes, and the events with the given keys. */
  eventPlaces(episodes: readonly EpisodePlace[], keys: readonly string[]): Promise<Placed[]>;
}
