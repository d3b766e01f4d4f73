import type { Plugin } from 'graphql-yoga';
import type { Authentication, RequestAuthenticator } from '../auth/verify.js';
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
 * A client is its verified token (`token:<name>`), else its IP address: anonymous requests and requests with
 * a token that does not verify share their IP's bucket, so made-up tokens cannot mint fresh ones.
 */
export function clientKey(serverContext: NodeServerContext, authentication: Authentication): string {
  if (authentication.ok && authentication.viewer.kind === 'token') return `token:${authentication.viewer.tokenName}`;
  return `ip:${serverContext.req?.socket?.remoteAddress ?? 'local'}`;
}

/** A fixed-window request limit per client; over it, 429 RATE_LIMITED with Retry-After. */
export function useRateLimit(
  { max, windowMs }: { max: number; windowMs: number },
  authenticate: RequestAuthenticator,
): Plugin<object, NodeServerContext> {
  const windows = new Map<string, Window>();
  return {
    onRequest: ({ request, serverContext, url, endResponse }) => {
      if (max === 0 || UNMETERED.has(url.pathname)) return;
      const now = Date.now();
      const key = clientKey(serverContext, authenticate(request));
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
