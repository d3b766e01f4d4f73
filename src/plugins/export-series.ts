import type { Plugin } from 'graphql-yoga';
import type { RequestAuthenticator } from '../auth/verify.js';
import { SLUG_PATTERN } from '../domain/keys.js';
import { seriesExportText } from '../seed/export.js';
import { looksLikeWatchedThrough, WATCHED_THROUGH_HEADER } from '../spoilers/progress.js';
import type { StoreReader } from '../store/port.js';
import { errorResponse } from './refusals.js';

const PATH = /^\/export\/series\/([^/]*)$/;
const WWW_AUTHENTICATE = 'Bearer realm="drama-graph"';

/**
 * GET /export/series/{slug}: the series as one seed file (the series and the people it names, in the
 * canonical format of `npm run export`), so it imports as it is. Open to anyone, or with `access: 'token'`
 * only to bearer tokens with the `export` or `admin` scope (401 without one, 403 without the scope).
 */
export function useSeriesExport(
  store: StoreReader,
  access: 'anyone' | 'token',
  authenticate: RequestAuthenticator,
): Plugin {
  return {
    onRequest: async ({ request, url, endResponse }) => {
      const match = PATH.exec(url.pathname);
      if (match === null) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(errorResponse(405, 'METHOD_NOT_ALLOWED', 'Use GET.', { allow: 'GET, HEAD' }));
        return;
      }
      const auth = authenticate(request);
      if (!auth.ok) {
        endResponse(errorResponse(401, 'UNAUTHENTICATED', auth.reason, { 'www-authenticate': WWW_AUTHENTICATE }));
        return;
      }
      if (
        request.headers.has(WATCHED_THROUGH_HEADER) ||
        [...url.searchParams.keys()].some((name) => name === 'watched-through' || looksLikeWatchedThrough(name))
      ) {
        const message =
          'An export holds the whole story, so it takes no viewing progress: ask GraphQL for a spoiler-safe view.';
        endResponse(errorResponse(400, 'BAD_REQUEST', message));
        return;
      }
      if (access === 'token') {
        if (auth.viewer.kind === 'anonymous') {
          const reason = 'Exports need a bearer token with the export scope.';
          endResponse(errorResponse(401, 'UNAUTHENTICATED', reason, { 'www-authenticate': WWW_AUTHENTICATE }));
          return;
        }
        const { scopes, tokenName } = auth.viewer;
        if (!scopes.includes('export') && !scopes.includes('admin')) {
          const message = `The token "${tokenName}" lacks the scope this needs: export.`;
          endResponse(errorResponse(403, 'FORBIDDEN', message));
          return;
        }
      }
      const slug = match[1]!;
      const text = SLUG_PATTERN.test(slug) ? await seriesExportText(store, slug) : null;
      if (text === null) {
        endResponse(errorResponse(404, 'NOT_FOUND', `No series "${slug.slice(0, 120)}".`));
        return;
      }
      endResponse(
        new Response(request.method === 'HEAD' ? null : text, {
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'content-disposition': `attachment; filename="series-${slug}.json"`,
          },
        }),
      );
    },
  };
}
