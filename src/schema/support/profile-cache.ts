import type { Recommendation, SeriesProfile } from '../../domain/recommendations.js';
import type { SeriesRecord } from '../../domain/records.js';
import type { DramaStore } from '../../store/port.js';

interface StoreState {
  tag: string;
  catalogue: Promise<SeriesRecord[]> | null;
  profiles: Map<string, Promise<SeriesProfile>>;
  rankings: Map<string, Promise<Recommendation[]>>;
}

/**
 * Series profiles derived from a store, kept while the store's state tag stays the same. Only
 * profiles a viewer's progress does not cut are kept, so every viewer may share them.
 */
export class ProfileCache {
  private readonly states = new WeakMap<DramaStore, StoreState>();

  catalogue(store: DramaStore, load: () => Promise<SeriesRecord[]>): Promise<SeriesRecord[]> {
    const state = this.stateOf(store);
    state.catalogue ??= this.forgetOnFailure(load(), () => (state.catalogue = null));
    return state.catalogue;
  }

  profile(store: DramaStore, seriesKey: string, derive: () => Promise<SeriesProfile>): Promise<SeriesProfile> {
    return this.memo(this.stateOf(store).profiles, seriesKey, derive);
  }

  /** The best recommendations for a series as a viewer with no progress sees them. */
  ranking(store: DramaStore, seriesKey: string, rank: () => Promise<Recommendation[]>): Promise<Recommendation[]> {
    return this.memo(this.stateOf(store).rankings, seriesKey, rank);
  }

  private memo<T>(entries: Map<string, Promise<T>>, key: string, derive: () => Promise<T>): Promise<T> {
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = this.forgetOnFailure(derive(), () => entries.delete(key));
      entries.set(key, entry);
    }
    return entry;
  }

  /** The state for the store as it is now; the tag is read before any loading, so a write during it discards the result. */
  private stateOf(store: DramaStore): StoreState {
    const tag = store.stateTag;
    let state = this.states.get(store);
    if (state === undefined || state.tag !== tag) {
      state = { tag, catalogue: null, profiles: new Map(), rankings: new Map() };
      this.states.set(store, state);
    }
    return state;
  }

  private forgetOnFailure<T>(work: Promise<T>, forget: () => void): Promise<T> {
    work.catch(forget);
    return work;
  }
}

export const profileCache = new ProfileCache();
