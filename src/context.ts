import type { YogaInitialContext } from 'graphql-yoga';
import { createLoaders, type Loaders } from './loaders.js';
import type { DramaStore } from './store/port.js';

export interface Context {
  store: DramaStore;
  loaders: Loaders;
}

/** Builds the per-request context: the shared store and a fresh set of loaders. */
export function createContextFactory(store: DramaStore) {
  return (_initial: YogaInitialContext): Context => ({ store, loaders: createLoaders(store) });
}
