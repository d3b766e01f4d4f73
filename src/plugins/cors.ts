import type { Plugin } from 'graphql-yoga';
import { varyOn } from './conditional.js';

type CORSOptions =
  | false
  | { origin: string[]; methods: string[]; allowedHeaders: string[]; exposedHeaders: string[]; maxAge: number };

/** CORS only for the allowlisted origins (CORS_ORIGINS); any other origin, or an empty list, gets no CORS headers. */
export function useCors(allowlist: readonly string[]) {
  return (request: Request): CORSOptions => {
    const origin = request.headers.get('origin');
    if (origin === null || !allowlist.includes(origin)) return false;
    return {
      origin: [origin],
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['content-type', 'authorization', 'x-watched-through', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    };
  };
}

/** With an allowlist, every answer's CORS headers depend on Origin, so shared caches must key answers by it too. */
export function useVaryOrigin(allowlist: readonly string[]): Plugin {
  return {
    onResponse: ({ response }) => {
      if (allowlist.length > 0) varyOn(response.headers, 'Origin');
    },
  };
}
