import type { Plugin } from 'graphql-yoga';
import { errorResponse } from './refusals.js';

type Readiness = (fetchAPI: { Response: typeof Response }) => Promise<Response>;

const METHODS = new Set(['GET', 'HEAD']);

/**
 * /health (200 `{"status":"alive"}` while the process answers) and /ready (what `ready` answers), on their exact paths
 * whatever the query string, GET and HEAD only (405 otherwise), never cached. Yoga's own checks matched any URL
 * that ends in their path (`/graphql?x=/ready` answered readiness and dropped its mutation) and none with a query.
 */
export function useHealthEndpoints(ready: Readiness): Plugin {
  return {
    onRequest: ({ request, url, endResponse, fetchAPI }) => {
      if (url.pathname !== '/health' && url.pathname !== '/ready') return;
      if (!METHODS.has(request.method.toUpperCase())) {
        const message = `${url.pathname} answers GET and HEAD only.`;
        endResponse(
          errorResponse(405, 'METHOD_NOT_ALLOWED', message, { allow: 'GET, HEAD', 'cache-control': 'no-store' }),
        );
        return;
      }
      if (url.pathname === '/health') {
        endResponse(
          new fetchAPI.Response(JSON.stringify({ status: 'alive' }), {
            status: 200,
            headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
          }),
        );
        return;
      }
      return ready(fetchAPI).then(endResponse);
    },
  };
}
