import { operationId } from '../config/persisted-operations.js';
import type { ApqBounds, ApqStore } from '../plugins/apq-store.js';
import type { SharedRedis } from './connection.js';

/**
 * Registered queries in Redis, shared by every replica: one key per document, kept `ttlSeconds` (APQ_TTL_S)
 * after its last registration, and none longer than `chars` (APQ_MAX_CHARS). A value that is not the text of its
 * hash is not found. While Redis is down a lookup finds nothing (the client registers again, as Apollo's protocol
 * expects) and nothing is kept.
 */
export function createRedisApqStore(redis: SharedRedis, { chars, ttlSeconds = 86_400 }: ApqBounds): ApqStore {
  const key = (hash: string) => `apq:${hash}`;
  return {
    get: async (hash) => {
      if (!redis.up()) return undefined;
      const found = await redis.commands.get(key(hash)).catch((error: unknown) => {
        redis.reportFailure(error);
        return null;
      });
      // A value that is not the text of this hash (written by something else) is not found: the client registers again.
      return found !== null && found.length <= chars && operationId(found) === hash ? found : undefined;
    },
    set: async (hash, document) => {
      if (!redis.up() || document.length > chars) return;
      await redis.commands.set(key(hash), document, 'EX', Math.max(1, ttlSeconds)).catch(redis.reportFailure);
    },
    size: () => 0,
  };
}
