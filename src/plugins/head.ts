import type { Plugin } from 'graphql-yoga';
import { requestAgain } from './request-again.js';

/**
 * HEAD on the GraphQL endpoint (which Yoga answers 405) and the other `paths`: the request runs as the GET it
 * names (a GET refuses mutations, so a HEAD writes nothing), and its answer goes out with the GET's status and
 * headers and no body. The first plugin goes before every other, the second after compression, so the headers
 * are the GET's own (its coding and length included).
 */
export function useHead(paths: readonly string[]): [Plugin, Plugin] {
  const asked = new WeakSet<Request>();
  return [
    {
      onRequest: ({ request, url, setRequest, fetchAPI }) => {
        if (request.method !== 'HEAD' || !paths.includes(url.pathname)) return;
        const get = requestAgain(fetchAPI, request, 'GET');
        asked.add(get);
        setRequest(get);
      },
    },
    {
      onResponse: ({ request, response, setResponse, fetchAPI }) => {
        if (!asked.has(request)) return;
        void response.body?.cancel().catch(() => undefined);
        setResponse(new fetchAPI.Response(null, { status: response.status, headers: response.headers }));
      },
    },
  ];
}
