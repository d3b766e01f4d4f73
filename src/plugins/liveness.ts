import type { Plugin } from 'graphql-yoga';

/**
 * Liveness at /health, whatever its query string: 200 `{"status":"alive"}` while the process answers at all.
 * Yoga's own check (healthCheckEndpoint) matched any URL ending in its path (`/x/health`) and none with a query.
 */
export function useLiveness(): Plugin {
  return {
    onRequest: ({ url, endResponse, fetchAPI }) => {
      if (url.pathname !== '/health') return;
      endResponse(
        new fetchAPI.Response(JSON.stringify({ status: 'alive' }), {
          status: 200,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
        }),
      );
    },
  };
}
