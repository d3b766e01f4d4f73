import type { CachedAnswer } from '../plugins/response-cache.js';
import { countingLookups, type DramaResponseCache, type ResponseCacheBounds } from '../plugins/response-cache.js';
import type { SharedRedis } from './connection.js';
import type { ReplicaBus } from './invalidation.js';

/**
 * The response cache in Redis, shared by every replica (keys as in memory: the shared write generation,
 * document, operation, variables and X-Watched-Through). A write anywhere moves the generation, so every
 * replica stops reading what was cached before it; old entries expire with their TTL. Each answer is one
 * key with a TTL, holding the answer's text and headers as JSON; an answer longer than `responseChars` is
 * not kept, and a value that is not such an answer (written by something else) is a miss. While Redis is
 * down, or a write may not have moved the generation (see ReplicaBus.unmoved), every lookup misses and
 * nothing is kept.
 */
export function createRedisResponseCache(
  redis: SharedRedis,
  bus: ReplicaBus,
  bounds: Pick<ResponseCacheBounds, 'responseChars'>,
): DramaResponseCache {
  const key = (responseId: string) => `response:${responseId}`;
  const bypassed = () => !redis.up() || bus.unmoved();
  const { cache, lookups } = countingLookups({
    set: async (responseId, answer, ttl) => {
      if (bypassed() || answer.body.length > bounds.responseChars) return;
      await redis.commands
        .set(key(responseId), JSON.stringify(answer), 'PX', Math.max(1, Math.round(ttl)))
        .catch(redis.reportFailure);
    },
    get: async (responseId) => {
      if (bypassed()) return undefined;
      try {
        const text = await redis.commands.get(key(responseId));
        return text === null ? undefined : cachedAnswerIn(text);
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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A header name as HTTP defines it (a token, RFC 9110 §5.1). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The answer a Redis value holds, or undefined when it holds none (not JSON, or another shape). */
function cachedAnswerIn(text: string): CachedAnswer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value.body !== 'string' || !isRecord(value.headers)) return undefined;
  const headers = value.headers;
  const sendable = ([name, header]: [string, unknown]) =>
    HEADER_NAME.test(name) && typeof header === 'string' && !/[\r\n\0]/.test(header);
  if (!Object.entries(headers).every(sendable)) return undefined;
  if (value.extensions !== undefined && !isRecord(value.extensions)) return undefined;
  return {
    body: value.body,
    headers: headers as Record<string, string>,
    ...(value.extensions === undefined ? {} : { extensions: value.extensions }),
  };
}
