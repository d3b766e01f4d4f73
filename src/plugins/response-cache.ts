import { hashSHA256, useResponseCache, type Cache } from '@graphql-yoga/plugin-response-cache';
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { inProcessSettings, type CacheBounds } from '../ops/settings.js';
import { WATCHED_THROUGH_HEADER } from '../spoilers/progress.js';

export interface CachedEntity {
  typename: string;
  id?: string | number;
}

export type ResponseCacheBounds = Pick<CacheBounds, 'responses' | 'responseChars' | 'responsesTotalChars'>;

/** The public-read response cache; every successful write calls `clear`. */
export interface DramaResponseCache {
  cache: Cache;
  invalidate(entities: readonly CachedEntity[]): Promise<void>;
  /** Forgets every response, and keys later reads apart from any read still running (so it cannot store a stale answer). */
  clear(): void;
  /** How many times it was cleared: part of every key. */
  generation(): number;
  /** How many responses it holds now. */
  size(): number;
}

const entityId = ({ typename, id }: CachedEntity) => (id === undefined ? typename : `${typename}:${id}`);

/**
 * In memory like @envelop/response-cache's own, but bounded in entries and in characters of JSON: an LRU of
 * responses, and for invalidation the entities each one holds (forgotten with the response).
 */
export function createDramaResponseCache(bounds: ResponseCacheBounds = inProcessSettings().caches): DramaResponseCache {
  const byEntity = new Map<string, Set<string>>();
  const entitiesOf = new Map<string, string[]>();
  const forget = (responseId: string) => {
    for (const entity of entitiesOf.get(responseId) ?? []) {
      const ids = byEntity.get(entity);
      ids?.delete(responseId);
      if (ids?.size === 0) byEntity.delete(entity);
    }
    entitiesOf.delete(responseId);
  };
  const responses = new LRUCache<string, ExecutionResult>({
    max: Math.max(1, bounds.responses),
    maxSize: Math.max(1, bounds.responsesTotalChars),
    maxEntrySize: Math.max(1, Math.min(bounds.responseChars, bounds.responsesTotalChars)),
    sizeCalculation: (result) => Math.max(1, JSON.stringify(result).length),
    dispose: (_result, responseId) => forget(responseId),
  });
  const cache: Cache = {
    set(responseId, result, entities, ttl) {
      responses.set(responseId, result, { ttl });
      if (!responses.has(responseId)) return;
      const ids = [...new Set([...entities].flatMap((entity) => [entity.typename, entityId(entity)]))];
      entitiesOf.set(responseId, ids);
      for (const id of ids) {
        let responseIds = byEntity.get(id);
        if (responseIds === undefined) byEntity.set(id, (responseIds = new Set()));
        responseIds.add(responseId);
      }
    },
    get: (responseId) => responses.get(responseId) ?? null,
    invalidate(entities) {
      for (const entity of entities) for (const responseId of [...(byEntity.get(entityId(entity)) ?? [])]) responses.delete(responseId);
    },
  };
  let generation = 0;
  return {
    cache,
    size: () => responses.size,
    invalidate: async (entities) => void (await cache.invalidate(entities)),
    clear: () => {
      generation += 1;
      responses.clear();
    },
    generation: () => generation,
  };
}

/**
 * Caches results for everyone alike (no read depends on the token). The key holds the document, the
 * operation name, the variables (so @watchedThrough), the X-Watched-Through header (spoiler progress never
 * crosses viewers) and the cache's generation (a read begun before a write never answers one begun after).
 * Off until `ready` (the store bootstrapped), and a result with any error (a store outage) is never kept.
 */
export function useDramaResponseCache(handle: DramaResponseCache, ttl: number, ready: () => boolean = () => true): Plugin {
  return useResponseCache({
    cache: handle.cache,
    ttl,
    session: () => null,
    enabled: () => ready(),
    shouldCacheResult: ({ result }) => !result.errors?.length && ready(),
    buildResponseCacheKey: ({ documentString, variableValues, operationName, request }) =>
      hashSHA256(
        JSON.stringify([
          handle.generation(), documentString, operationName ?? null, variableValues ?? {}, request.headers.get(WATCHED_THROUGH_HEADER),
        ]),
      ),
  });
}
