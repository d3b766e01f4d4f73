import type { Plugin } from 'graphql-yoga';

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
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        new fetchAPI.Response(JSON.stringify(body), {
          status,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
        });
      if (!METHODS.has(request.method.toUpperCase())) {
        const message = `${url.pathname} answers GET and HEAD only.`;
        endResponse(
          json(405, { errors: [{ message, extensions: { code: 'METHOD_NOT_ALLOWED' } }] }, { allow: 'GET, HEAD' }),
        );
        return;
      }
      if (url.pathname === '/health') {
        endResponse(json(200, { status: 'alive' }));
        return;
      }
      return ready(fetchAPI).then(endResponse);
    },
  };
}
