import type { Plugin } from 'graphql-yoga';
import { errorResponse } from '../ops/errors.js';

interface Window {
  count: number;
  resetAt: number;
}

interface NodeServerContext {
  req?: { socket?: { remoteAddress?: string } };
}

const UNMETERED = new Set(['/health', '/ready', '/metrics']);

/**
 * A client is its IP address. Tokens are not verified yet, so keying by the Authorization header would let
 * anyone mint fresh buckets; once the writes issue verifies tokens, a verified token can be the key.
 */
export const clientKey = (serverContext: NodeServerContext): string => `ip:${serverContext.req?.socket?.remoteAddress ?? 'local'}`;

/** A fixed-window request limit per client; over it, 429 RATE_LIMITED with Retry-After. */
export function useRateLimit({ max, windowMs }: { max: number; windowMs: number }): Plugin<object, NodeServerContext> {
  const windows = new Map<string, Window>();
  return {
    onRequest: ({ serverContext, url, endResponse }) => {
      if (max === 0 || UNMETERED.has(url.pathname)) return;
      const now = Date.now();
      const key = clientKey(serverContext);
      if (windows.size > 10_000) for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
      const current = windows.get(key);
      const window = current && current.resetAt > now ? current : { count: 0, resetAt: now + windowMs };
      window.count += 1;
      windows.set(key, window);
      if (window.count <= max) return;
      const retryAfter = String(Math.max(1, Math.ceil((window.resetAt - now) / 1000)));
      endResponse(errorResponse(429, 'RATE_LIMITED', `Too many requests: at most ${max} per ${windowMs} ms.`, { 'retry-after': retryAfter }));
    },
  };
}
