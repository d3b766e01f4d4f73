import { createRedisCache } from '@envelop/response-cache-redis';
import type { ExecutionResult } from 'graphql';
import { countingLookups, type DramaResponseCache, type ResponseCacheBounds } from '../plugins/response-cache.js';
import type { SharedRedis } from './connection.js';
import type { ReplicaBus } from './invalidation.js';

/**
 * The response cache in Redis, shared by every replica (keys as in memory: the shared write generation,
 * document, operation, variables and X-Watched-Through). A write anywhere moves the generation, so every
 * replica stops reading what was cached before it; old entries expire with their TTL. No entity sets are
 * kept (every write forgets every answer anyway), so each entry is one key with a TTL. An answer longer
 * than `responseChars` is not kept. While Redis is down, or a write may not have moved the generation (see
 * ReplicaBus.unmoved), every lookup misses and nothing is kept.
 */
export function createRedisResponseCache(
  redis: SharedRedis,
  bus: ReplicaBus,
  bounds: Pick<ResponseCacheBounds, 'responseChars'>,
): DramaResponseCache {
  const shared = createRedisCache({ redis: redis.commands });
  const key = (responseId: string) => `response:${responseId}`;
  const bypassed = () => !redis.up() || bus.unmoved();
  const { cache, lookups } = countingLookups({
    set: async (responseId, result, _entities, ttl) => {
      if (bypassed() || JSON.stringify(result).length > bounds.responseChars) return;
      await Promise.resolve(shared.set(key(responseId), result, [], ttl)).catch(redis.reportFailure);
    },
    get: async (responseId) => {
      if (bypassed()) return undefined;
      try {
        return ((await shared.get(key(responseId))) as ExecutionResult | undefined) ?? undefined;
      } catch (error) {
        redis.reportFailure(error);
        return undefined;
      }
    },
    // The write's own notice (see yoga's onChange) names the series; this only moves the generation.
    invalidate: () => bus.announce([]),
  });
  return {
    cache,
    clear: () => bus.announce([]),
    generation: () => bus.generation(),
    size: () => 0,
    lookups,
    bypassed,
  };
}
