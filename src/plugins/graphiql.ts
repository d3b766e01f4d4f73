import type { Plugin } from 'graphql-yoga';
import { prefersPage } from './media-types.js';

export interface GraphiQLPage {
  title: string;
  defaultTabs: { query: string }[];
}

/**
 * GraphiQL at exactly GET /graphql, for a client that prefers a page (a browser). Served here rather than by
 * Yoga, whose page answers any URL ending in /graphql before any plugin runs: so it is rate-limited, logged and
 * compressed once like every other answer, and HEAD gets the GET's headers.
 */
export function useGraphiQLPage(endpoint: string, page: GraphiQLPage): Plugin {
  let rendered: Promise<string> | undefined;
  const render = async () => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(page);
  return {
    onRequest: async ({ request, url, endResponse, fetchAPI }) => {
      if (request.method !== 'GET' || url.pathname !== endpoint || !prefersPage(request.headers.get('accept'))) return;
      // The page is 9 MB and the same for every request; built on the first request for it, not at start-up.
      rendered ??= render();
      const body = await rendered.catch((error: unknown) => {
        rendered = undefined;
        throw error;
      });
      endResponse(
        new fetchAPI.Response(body, {
          headers: { 'content-type': 'text/html; charset=utf-8', vary: 'Accept' },
        }),
      );
    },
  };
}
