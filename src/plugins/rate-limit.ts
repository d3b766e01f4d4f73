import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Authentication, RequestAuthenticator } from '../auth/verify.js';
import { errorResponse } from './refusals.js';

interface Window {
  count: number;
  resetAt: number;
}

interface NodeServerContext {
  req?: { socket?: { remoteAddress?: string } };
}

const UNMETERED = new Set(['/health', '/ready', '/metrics']);

/** The most clients the limiter tracks at once; past it, the least recently seen client's window is forgotten. */
const DEFAULT_MAX_CLIENTS = 50_000;

/**
 * A client is its verified token (`token:<name>`), else its IP address: anonymous requests and requests with
 * a token that does not verify share their IP's bucket, so made-up tokens cannot mint fresh ones.
 */
export function clientKey(serverContext: NodeServerContext, authentication: Authentication): string {
  if (authentication.ok && authentication.viewer.kind === 'token') return `token:${authentication.viewer.tokenName}`;
  return `ip:${serverContext.req?.socket?.remoteAddress ?? 'local'}`;
}

export interface RateLimiter extends Plugin<object, NodeServerContext> {
  /** How many clients the table holds now. */
  readonly clients: () => number;
}

/** A fixed-window request limit per client; over it, 429 RATE_LIMITED with Retry-After. The table of clients is a bounded LRU. */
export function useRateLimit(
  { max, windowMs, maxClients = DEFAULT_MAX_CLIENTS }: { max: number; windowMs: number; maxClients?: number },
  authenticate: RequestAuthenticator,
): RateLimiter {
  const windows = new LRUCache<string, Window>({ max: Math.max(1, maxClients) });
  return {
    clients: () => windows.size,
    onRequest: ({ request, serverContext, url, endResponse }) => {
      if (max === 0 || UNMETERED.has(url.pathname)) return;
      const now = Date.now();
      const key = clientKey(serverContext, authenticate(request));
      const current = windows.get(key);
      const window = current && current.resetAt > now ? current : { count: 0, resetAt: now + windowMs };
      window.count += 1;
      windows.set(key, window);
      if (window.count <= max) return;
      const retryAfter = String(Math.max(1, Math.ceil((window.resetAt - now) / 1000)));
      endResponse(
        errorResponse(429, 'RATE_LIMITED', `Too many requests: at most ${max} per ${windowMs} ms.`, {
          'retry-after': retryAfter,
        }),
      );
    },
  };
}
