import type { YogaInitialContext } from 'graphql-yoga';
import { NO_PROGRESS, type Progress } from './domain/spoilers.js';
import { createLoaders, type LoaderMode, type Loaders } from './loaders.js';
import type { DramaStore } from './store/port.js';

export interface Context extends YogaInitialContext {
  store: DramaStore;
  /** How far the viewer has watched, per series key; empty when they did not say. */
  progress: Progress;
  loaders: Loaders;
  loaderMode: LoaderMode;
}

/** The parts of the context that depend on the viewer's progress. */
export const withProgress = (store: DramaStore, progress: Progress, mode: LoaderMode): Pick<Context, 'progress' | 'loaders'> => ({
  progress,
  loaders: createLoaders(store, progress, mode),
});

/**
 * Builds the per-request context: the shared store and a fresh set of loaders. Progress is known only
 * once the operation is parsed, so the watched-through plugin replaces both when the viewer gives it.
 */
export function createContextFactory(store: DramaStore, loaderMode: LoaderMode = 'on') {
  return (_initial: YogaInitialContext): Omit<Context, keyof YogaInitialContext> => ({
    store,
    loaderMode,
    ...withProgress(store, NO_PROGRESS, loaderMode),
  });
}
