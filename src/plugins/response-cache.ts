import { createInMemoryCache, hashSHA256, useResponseCache, type Cache } from '@graphql-yoga/plugin-response-cache';
import type { Plugin } from 'graphql-yoga';
import { WATCHED_THROUGH_HEADER } from '../spoilers/progress.js';

export interface CachedEntity {
  typename: string;
  id?: string;
}

/** The public-read response cache; writes call `invalidate` with what they changed. */
export interface DramaResponseCache {
  cache: Cache;
  invalidate(entities: readonly CachedEntity[]): Promise<void>;
}

export function createDramaResponseCache(): DramaResponseCache {
  const cache = createInMemoryCache();
  return { cache, invalidate: async (entities) => void (await cache.invalidate(entities)) };
}

/**
 * Caches results for everyone alike (there are no private reads yet). The key holds the document, the
 * variables (so @watchedThrough) and the X-Watched-Through header: spoiler progress never crosses viewers.
 * Off until `ready` (the store bootstrapped), and a result with any error (a store outage) is never kept.
 */
export function useDramaResponseCache(handle: DramaResponseCache, ttl: number, ready: () => boolean = () => true): Plugin {
  return useResponseCache({
    cache: handle.cache,
    ttl,
    session: () => null,
    enabled: () => ready(),
    shouldCacheResult: ({ result }) => !result.errors && ready(),
    buildResponseCacheKey: ({ documentString, variableValues, operationName, request }) =>
      hashSHA256(
        JSON.stringify([documentString, operationName ?? null, variableValues ?? {}, request.headers.get(WATCHED_THROUGH_HEADER)]),
      ),
  });
}
