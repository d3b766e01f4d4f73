import {
  type CachedAnswer,
  countingLookups,
  type DramaResponseCache,
  type ResponseCacheBounds,
  textTag,
} from '../plugins/response-cache.js';
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
  const bypassed = () => !redis.up() || bus.unmoved() || bus.deaf();
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
        return text === null ? undefined : cachedAnswerIn(text, bounds.responseChars);
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

const onlyKeys = (value: Record<string, unknown>, keys: readonly string[]): boolean =>
  Object.keys(value).length === keys.length && keys.every((key) => Object.hasOwn(value, key));

/** An entity tag as this service makes them: SHA-256 in hex. */
const TAG = /^[0-9a-f]{64}$/;

/**
 * The answer a Redis value holds, or undefined when it holds none: not JSON, another shape, headers other than a
 * tag (the text's SHA-256) and a date of this service's forms, or a text no answer this service keeps could be (over `maxChars`, not
 * an object of `data`, or with a line break, which JSON.stringify never writes and an event stream would split on).
 */
function cachedAnswerIn(text: string, maxChars: number): CachedAnswer | undefined {
  // Kept as JSON, a text's quotes and backslashes take two characters each.
  if (text.length > 2 * maxChars + 1_000) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || !onlyKeys(value, ['body', 'headers'])) return undefined;
  const { body, headers } = value;
  if (typeof body !== 'string' || body.length > maxChars || !body.startsWith('{"data":') || !body.endsWith('}'))
    return undefined;
  if (/[\r\n]/.test(body) || !isRecord(headers) || !onlyKeys(headers, ['ETag', 'Last-Modified'])) return undefined;
  const { ETag, 'Last-Modified': modified } = headers;
  if (typeof ETag !== 'string' || !TAG.test(ETag) || typeof modified !== 'string') return undefined;
  // A date not as Date#toUTCString writes it (IMF-fixdate) or not a real one (31 Feb, a wrong weekday), or a tag
  // that is not the text's: not an answer kept here.
  if (new Date(modified).toUTCString() !== modified || textTag(body) !== ETag) return undefined;
  return { body, headers: { ETag, 'Last-Modified': modified } };
}
