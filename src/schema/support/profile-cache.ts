import type { SeriesProfile } from '../../domain/recommendations.js';
import type { SeriesRecord } from '../../domain/records.js';
import type { DramaStore } from '../../store/port.js';

interface StoreState {
  tag: string;
  catalogue: Promise<SeriesRecord[]> | null;
  profiles: Map<string, Promise<SeriesProfile>>;
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
    const { profiles } = this.stateOf(store);
    let profile = profiles.get(seriesKey);
    if (profile === undefined) {
      profile = this.forgetOnFailure(derive(), () => profiles.delete(seriesKey));
      profiles.set(seriesKey, profile);
    }
    return profile;
  }

  /** The state for the store as it is now; the tag is read before any loading, so a write during it discards the result. */
  private stateOf(store: DramaStore): StoreState {
    const tag = store.stateTag;
    let state = this.states.get(store);
    if (state === undefined || state.tag !== tag) {
      state = { tag, catalogue: null, profiles: new Map() };
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
