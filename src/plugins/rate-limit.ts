import type { Plugin } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { ClientOf, NodeServerContext } from '../auth/clients.js';
import type { RedisHealth } from '../redis/connection.js';
import { errorResponse } from './refusals.js';

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Probes, and the widget's static script and demo page (kept compressed, so cheap to send): a reader over the
 * limit still gets the widget, which then says why it has no answer instead of staying blank.
 */
const UNMETERED = new Set(['/health', '/ready', '/metrics', '/widget.js', '/widget']);

/** The most clients the limiter tracks at once; past it, the least recently seen client's window is forgotten. */
const DEFAULT_MAX_CLIENTS = 50_000;

export interface RateLimiter extends Plugin<object, NodeServerContext> {
  /** How many clients the table holds now. */
  readonly clients: () => number;
}

interface Limits {
  max: number;
  windowMs: number;
  maxClients?: number;
}

type Verdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/** One request counted against `key` in a fixed window kept in this process (a bounded LRU of clients). */
function memoryCounter({ windowMs, max, maxClients = DEFAULT_MAX_CLIENTS }: Limits) {
  const windows = new LRUCache<string, Window>({ max: Math.max(1, maxClients) });
  return {
    clients: () => windows.size,
    consume: (key: string): Verdict => {
      const now = Date.now();
      const current = windows.get(key);
      const window = current && current.resetAt > now ? current : { count: 0, resetAt: now + windowMs };
      window.count += 1;
      windows.set(key, window);
      return window.count <= max ? { allowed: true } : { allowed: false, retryAfterMs: window.resetAt - now };
    },
  };
}

/** The shared Redis connection, and what is known of its health. */
type SharedCommands = RedisHealth & { commands: Redis };

/**
 * Counted in Redis, so every replica shares one count per client (windows of whole seconds). While Redis
 * is down or slow, each process counts on its own in the bounded table of `memoryCounter` (rather than
 * rate-limiter-flexible's insurance limiter, whose table no size bounds), and Redis counts again once it is back.
 * A count that gets no answer in time is reported, so that later requests do not wait for Redis too. For one
 * window after an outage the count of this process goes on beside Redis's, which did not see the outage's
 * requests: a client that spent its limit meanwhile does not get it again when Redis is back.
 */
function redisCounter(limits: Limits, redis: SharedCommands) {
  const duration = Math.max(1, Math.ceil(limits.windowMs / 1000));
  const limiter = new RateLimiterRedis({
    storeClient: redis.commands,
    keyPrefix: 'rate',
    points: limits.max,
    duration,
    rejectIfRedisNotReady: true,
  });
  const local = memoryCounter(limits);
  /** Until when this process's own counts still hold beside Redis's (one window after it last counted alone). */
  let alsoLocalUntil = 0;
  const alone = (key: string): Verdict => {
    alsoLocalUntil = Date.now() + limits.windowMs;
    return local.consume(key);
  };
  return {
    clients: local.clients,
    consume: (key: string): Verdict | Promise<Verdict> => {
      if (!redis.up()) return alone(key);
      const own = Date.now() < alsoLocalUntil ? local.consume(key) : null;
      return limiter.consume(key).then(
        (): Verdict => own ?? { allowed: true },
        (refusal: unknown): Verdict => {
          if (refusal instanceof RateLimiterRes) return { allowed: false, retryAfterMs: refusal.msBeforeNext };
          redis.reportFailure(refusal);
          return own ?? alone(key);
        },
      );
    },
  };
}

/**
 * A fixed-window request limit per client; over it, 429 RATE_LIMITED with Retry-After. In this process the
 * table of clients is a bounded LRU; with `redis`, the count is shared by every replica.
 */
export function useRateLimit(limits: Limits, clientOf: ClientOf, redis?: SharedCommands): RateLimiter {
  const { max, windowMs } = limits;
  const counter = redis === undefined || max === 0 ? memoryCounter(limits) : redisCounter(limits, redis);
  return {
    clients: counter.clients,
    onRequest: ({ request, serverContext, url, endResponse }) => {
      if (max === 0 || UNMETERED.has(url.pathname)) return;
      const refuse = (verdict: Verdict) => {
        if (verdict.allowed) return;
        const retryAfter = String(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)));
        endResponse(
          errorResponse(429, 'RATE_LIMITED', `Too many requests: at most ${max} per ${windowMs} ms.`, {
            'retry-after': retryAfter,
          }),
        );
      };
      const verdict = counter.consume(clientOf(request, serverContext));
      return verdict instanceof Promise ? verdict.then(refuse) : refuse(verdict);
    },
  };
}
