import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Plugin } from 'graphql-yoga';
import type { ClientOf, NodeServerContext } from '../auth/clients.js';
import type { RequestAuthenticator } from '../auth/verify.js';
import { SLUG_PATTERN } from '../domain/keys.js';
import { seriesExportParts } from '../seed/export.js';
import { isPassingParameter, queryParameters, WATCHED_THROUGH_HEADER } from '../spoilers/progress.js';
import type { ChangeLogReader, StoreReader } from '../store/port.js';
import { OpenStreams } from './open-streams.js';
import { errorResponse, storeUnavailableResponse } from './refusals.js';
import { streamedResponse } from './streamed.js';

/** Exports streamed at once by this process, in all and per client (a token, else an IP address). */
export interface ExportLimits {
  max: number;
  perClient: number;
  /** An export whose client takes no new piece for this long is cut off, freeing its place; 0: no limit. */
  idleMs: number;
  /** Which export gives its place when all are taken (default SLOW_EXPORTS). */
  slow?: SlowExports;
}

/**
 * When every place is taken and another client asks, a slow export of another client is cut off and the newcomer
 * takes its place: one that has run for at least `windowMs` and was handed less than `bytesPerSecond` in the last
 * `windowMs`. Measured over a recent window, not since the start, the socket buffers' first fill (4 MB on loopback,
 * 12 MB with a client's large receive buffer) stops counting once the window has passed it (red team 40: readers
 * of nothing held their places for 34 s while it was averaged in). The kernel takes more of an export in steps of
 * about 1.3 MB as its send queue drains, so what is handed comes in those steps whatever the client's pace: over a
 * 5 s window a reader at 300 to 500 KiB/s could show one step, under 256 KiB/s, and be cut (red team 41). Over 10 s
 * with a bar of 128 KiB/s, one step less than its pace still leaves such a reader above the bar. Clients that read
 * a trickle, or nothing, cannot hold every place (red team 37 held all four at 30 KB/s each).
 */
export interface SlowExports {
  windowMs: number;
  bytesPerSecond: number;
}

export const SLOW_EXPORTS: SlowExports = { windowMs: 10_000, bytesPerSecond: 128 * 1024 };

/** Bytes handed to a client per second over the last `windowMs` (at least 1 ms), from the pieces handed so far. */
export class RecentRate {
  /** [time, bytes handed so far] after each piece, pruned to the last one before the window. */
  private readonly handed: [at: number, bytes: number][] = [];
  private readonly windowMs: number;

  constructor(windowMs: number) {
    this.windowMs = Math.max(windowMs, 1);
  }

  add(bytes: number, now: number): void {
    this.handed.push([now, (this.handed.at(-1)?.[1] ?? 0) + bytes]);
    const since = now - this.windowMs;
    while (this.handed.length > 1 && this.handed[1]![0] <= since) this.handed.shift();
  }

  perSecond(now: number): number {
    const since = now - this.windowMs;
    let before = 0;
    for (const [at, bytes] of this.handed) if (at <= since) before = bytes;
    return ((this.total() - before) * 1000) / this.windowMs;
  }

  /** Bytes handed since the start. */
  total(): number {
    return this.handed.at(-1)?.[1] ?? 0;
  }
}

/** An export being streamed: whose it is, since when, what its client was handed and when, and how to cut it off. */
export interface Streaming {
  client: string;
  started: number;
  handed: RecentRate;
  stop: () => void;
}

/**
 * The export that gives its place to `client` (SlowExports): of the slow ones of other clients, one of the client
 * holding the most places if it holds more than `client` would with one more (red team 38 held all four from two
 * addresses), else the slowest, and of equally slow ones the one handed least so far (its client loses least). An
 * export read faster is never cut (red team 39 cut a fast one at will).
 */
export function givingWay(
  streaming: Iterable<Streaming>,
  client: string,
  slow: SlowExports,
  now: number,
): Streaming | null {
  const held = new Map<string, number>();
  for (const s of streaming) held.set(s.client, (held.get(s.client) ?? 0) + 1);
  const fairShare = (held.get(client) ?? 0) + 1;
  const excess = (s: Streaming) => Math.max(0, held.get(s.client)! - fairShare);
  const rateOf = (s: Streaming) => s.handed.perSecond(now);
  const before = (s: Streaming, t: Streaming) =>
    excess(s) - excess(t) || rateOf(t) - rateOf(s) || t.handed.total() - s.handed.total();
  let found: Streaming | null = null;
  for (const s of streaming) {
    if (s.client === client || now - s.started < slow.windowMs || rateOf(s) >= slow.bytesPerSecond) continue;
    if (found === null || before(s, found) > 0) found = s;
  }
  return found;
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
  taken: (bytes: number) => void,
): { body: ReadableStream<Uint8Array>; stop: (reason: string) => void } {
  const encoder = new TextEncoder();
  let idle: NodeJS.Timeout | undefined;
  let ended = false;
  let control: ReadableStreamDefaultController<Uint8Array> | undefined;
  const end = () => {
    ended = true;
    clearTimeout(idle);
    done();
  };
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
    if (ended) return;
    end();
    // Over HTTP the closed connection tells the client; erroring the stream too would reject a promise of
    // @whatwg-node/server's that nothing awaits (its cancel on the request's error) and stop the process.
    if (cutOff()) controller.close();
    else controller.error(error);
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        control = controller;
      },
      async pull(controller) {
        clearTimeout(idle);
        if (ended) return;
        try {
          const next = await pieces.next();
          if (ended) return;
          if (next.done) {
            end();
            controller.close();
            return;
          }
          const piece = encoder.encode(next.value);
          controller.enqueue(piece);
          taken(piece.byteLength);
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
  const stop = (reason: string) => {
    if (ended || control === undefined) return;
    void pieces.return(undefined);
    fail(control, new ExportStalledError(reason));
  };
  return { body, stop };
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
  clientOf: ClientOf,
  limits: ExportLimits = { max: 4, perClient: 2, idleMs: 60_000 },
): Plugin<object, NodeServerContext> {
  const open = new OpenStreams(limits);
  const slow = limits.slow ?? SLOW_EXPORTS;
  const streaming = new Set<Streaming>();
  const place = (client: string) => {
    const opened = open.open(client);
    if (opened !== 'all') return opened;
    const given = givingWay(streaming, client, slow, performance.now());
    if (given === null) return opened;
    given.stop();
    return open.open(client);
  };
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
        [...queryParameters(url)].some(([name, value]) => !isPassingParameter(name, value))
      ) {
        const message =
          'An export holds the whole story, so it takes no viewing progress and no query parameters (tracking ones such as utm_source aside): ask GraphQL for a spoiler-safe view.';
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
      const client = clientOf(request, serverContext);
      const opened = request.method === 'HEAD' ? { release: () => undefined } : place(client);
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
      const cutOff = () => {
        const socket = (serverContext as ExportServerContext).req?.socket;
        socket?.destroy?.();
        return socket?.destroy !== undefined;
      };
      const entry: Streaming = {
        client,
        started: performance.now(),
        handed: new RecentRate(slow.windowMs),
        stop: () => undefined,
      };
      const finish = () => {
        streaming.delete(entry);
        opened.release();
      };
      request.signal.addEventListener('abort', finish, { once: true });
      const { body, stop } = exportBody(pieces, finish, cutOff, limits.idleMs, (bytes) =>
        entry.handed.add(bytes, performance.now()),
      );
      entry.stop = () => stop('another client took the place of this slow export');
      streaming.add(entry);
      endResponse(streamedResponse(body, { headers: HEADERS(slug) }));
    },
  };
}

const HEADERS = (slug: string) => ({
  'content-type': 'application/json; charset=utf-8',
  'content-disposition': `attachment; filename="series-${slug}.json"`,
  // The whole story: no shared cache may keep it and hand it to a client that sent progress (refused here).
  'cache-control': 'no-store',
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
