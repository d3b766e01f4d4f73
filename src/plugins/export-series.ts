import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Plugin } from 'graphql-yoga';
import type { RequestAuthenticator } from '../auth/verify.js';
import { SLUG_PATTERN } from '../domain/keys.js';
import { seriesExportParts } from '../seed/export.js';
import { looksLikeWatchedThrough, WATCHED_THROUGH_HEADER } from '../spoilers/progress.js';
import type { ChangeLogReader, StoreReader } from '../store/port.js';
import { OpenStreams } from './open-streams.js';
import { clientKey, type NodeServerContext } from './rate-limit.js';
import { errorResponse, storeUnavailableResponse } from './refusals.js';
import { streamedResponse } from './streamed.js';

/** Exports streamed at once by this process, in all and per client (a token, else an IP address). */
export interface ExportLimits {
  max: number;
  perClient: number;
  /** An export whose client takes no new piece for this long is cut off, freeing its place; 0: no limit. */
  idleMs: number;
}

/** Node's request, whose socket an export that fails part-way closes. */
type ExportServerContext = { req?: { socket?: { destroy?: () => void } } };

/** Ended the export of a client that took no new piece for the idle timeout. */
class ExportStalledError extends Error {
  override readonly name = 'ExportStalledError';
}

/**
 * The body of one export: each piece is read when the client has taken the one before (so memory holds one
 * page of events), with a turn of the event loop between pieces so other requests go on. A failure after the
 * first byte (the store went away, a write changed the series meanwhile) errors the stream: the client sees the
 * transfer cut off (`cutOff` closes the connection, if there is one), never a whole document that mixes two states.
 * So does a client that takes no new piece within `idleMs` (0: no limit), so that one that stops reading frees
 * its place. `done` runs once it ends, whichever way.
 */
function exportBody(
  pieces: AsyncGenerator<string>,
  done: () => void,
  cutOff: () => boolean,
  idleMs: number,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let idle: NodeJS.Timeout | undefined;
  let ended = false;
  const end = () => {
    ended = true;
    clearTimeout(idle);
    done();
  };
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
    end();
    // Over HTTP the closed connection tells the client; erroring the stream too would reject a promise of
    // @whatwg-node/server's that nothing awaits (its cancel on the request's error) and stop the process.
    if (cutOff()) controller.close();
    else controller.error(error);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        clearTimeout(idle);
        if (ended) return;
        try {
          const next = await pieces.next();
          if (next.done) {
            end();
            controller.close();
            return;
          }
          controller.enqueue(encoder.encode(next.value));
          await nextTurn();
          if (idleMs > 0 && !ended) {
            idle = setTimeout(() => {
              if (ended) return;
              void pieces.return(undefined);
              fail(controller, new ExportStalledError(`the client took nothing for ${idleMs} ms`));
            }, idleMs);
            idle.unref();
          }
        } catch (error) {
          fail(controller, error);
        }
      },
      async cancel() {
        end();
        await pieces.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

const PATH = /^\/export\/series\/([^/]*)$/;
const WWW_AUTHENTICATE = 'Bearer realm="drama-graph"';

/**
 * GET /export/series/{slug}: the series as one seed file (the series and the people it names, in the
 * canonical format of `npm run export`), so it imports as it is. Open to anyone, or with `access: 'token'`
 * only to bearer tokens with the `export` or `admin` scope (401 without one, 403 without the scope).
 */
export function useSeriesExport(
  store: StoreReader & Pick<ChangeLogReader, 'changeLogBounds' | 'changesAfter'>,
  access: 'anyone' | 'token',
  authenticate: RequestAuthenticator,
  limits: ExportLimits = { max: 4, perClient: 2, idleMs: 60_000 },
): Plugin<object, NodeServerContext> {
  const open = new OpenStreams(limits);
  return {
    onRequest: async ({ request, url, endResponse, serverContext }) => {
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
      const slug = decoded(match[1]!);
      if (!SLUG_PATTERN.test(slug)) {
        endResponse(notFound(slug));
        return;
      }
      const opened =
        request.method === 'HEAD' ? { release: () => undefined } : open.open(clientKey(serverContext, auth));
      if (opened === 'all' || opened === 'client') {
        endResponse(
          opened === 'all'
            ? errorResponse(
                503,
                'EXPORTS_EXHAUSTED',
                `This replica streams its most exports at once (${limits.max}); try again later or another replica.`,
                { 'retry-after': '5' },
              )
            : errorResponse(
                429,
                'EXPORT_LIMIT_REACHED',
                `At most ${limits.perClient} exports per client at once; wait for one to finish.`,
                { 'retry-after': '5' },
              ),
        );
        return;
      }
      const pieces = await seriesExportParts(store, slug).catch((error: unknown) => {
        opened.release();
        const unavailable = storeUnavailableResponse(error);
        if (unavailable === null) throw error;
        return unavailable;
      });
      if (pieces instanceof Response) {
        endResponse(pieces);
        return;
      }
      if (pieces === null || request.method === 'HEAD') {
        opened.release();
        await pieces?.return(undefined);
        endResponse(pieces === null ? notFound(slug) : new Response(null, { headers: HEADERS(slug) }));
        return;
      }
      request.signal.addEventListener('abort', opened.release, { once: true });
      const cutOff = () => {
        const socket = (serverContext as ExportServerContext).req?.socket;
        socket?.destroy?.();
        return socket?.destroy !== undefined;
      };
      endResponse(
        streamedResponse(exportBody(pieces, opened.release, cutOff, limits.idleMs), { headers: HEADERS(slug) }),
      );
    },
  };
}

const HEADERS = (slug: string) => ({
  'content-type': 'application/json; charset=utf-8',
  'content-disposition': `attachment; filename="series-${slug}.json"`,
});

/** The path segment as a client meant it (`%2D` is `-`); a malformed escape stays as sent, and matches no slug. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const notFound = (slug: string) => errorResponse(404, 'NOT_FOUND', `No series "${slug.slice(0, 120)}".`);
