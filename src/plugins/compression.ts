import { pipeline, Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Plugin } from 'graphql-yoga';
import { varyOn } from './conditional.js';
import { isStreamed } from './streamed.js';

/** The codings this service sends, best first when a client weighs them alike. */
const CODINGS = ['br', 'gzip'] as const;
type Coding = (typeof CODINGS)[number];
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;
/** More entries than any browser sends; the rest of a longer header is not read. */
const MAX_ENTRIES = 32;
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * The coding to answer in for an Accept-Encoding header (RFC 9110 §12.5.3): the highest q-value among br and
 * gzip, `*` standing for those not named, `q=0` meaning "not this"; none (identity) when the header is absent,
 * refuses both, or cannot be read.
 */
export function negotiateEncoding(header: string | null): Coding | undefined {
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const entry of header.split(',', MAX_ENTRIES)) {
    const [name = '', ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='))?.slice(2) ?? '1';
    if (name && QVALUE.test(q) && !weights.has(name)) weights.set(name, Number(q));
  }
  let best: { coding: Coding; q: number } | undefined;
  for (const coding of CODINGS) {
    const q = weights.get(coding) ?? weights.get('*') ?? 0;
    if (q > 0 && (!best || q > best.q)) best = { coding, q };
  }
  return best?.coding;
}

/** Brotli's default quality (11) takes about a minute of CPU for the 9 MB GraphiQL page; 5 takes about a second. */
const BROTLI_QUALITY = 5;

const compress = (coding: Coding, body: Buffer): Promise<Buffer> =>
  coding === 'br'
    ? brotli(body, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      })
    : gzip(body);

/** A coder that compresses a body as it flows, for streamed answers. */
const compressing = (coding: Coding) =>
  coding === 'br'
    ? zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } })
    : zlib.createGzip();

/** Static bodies kept compressed: the GraphiQL page, the widget's demo page and its script. */
const STATIC_BODY = /^text\/(?:html|javascript)\b/;
const STATIC_ENTRIES = 8;

/**
 * Static bodies compressed once per coding, found by their type and length and then compared byte for byte:
 * the 9 MB GraphiQL page takes about a second of brotli, and the widget's script is asked for by every page
 * that embeds it. At most `entries` are kept, the least recently sent going first; a body that differs is
 * compressed again.
 */
export function staticCompressionCache(
  squeeze: (coding: Coding, body: Buffer) => Promise<Buffer> = compress,
  entries = STATIC_ENTRIES,
) {
  // A compression under way is kept as well, so that requests arriving meanwhile wait for it (red team 71: ten
  // at once compressed the 9 MB page ten times).
  const kept = new Map<string, { source: Buffer; compressed: Promise<Buffer> }>();
  return (coding: Coding, contentType: string, body: Buffer): Promise<Buffer> => {
    const key = `${coding} ${contentType} ${body.length}`;
    const hit = kept.get(key);
    kept.delete(key);
    if (hit?.source.equals(body)) {
      kept.set(key, hit);
      return hit.compressed;
    }
    const entry = { source: body, compressed: squeeze(coding, body) };
    entry.compressed.catch(() => {
      if (kept.get(key) === entry) kept.delete(key);
    });
    kept.set(key, entry);
    for (const oldest of kept.keys()) {
      if (kept.size <= entries) break;
      kept.delete(oldest);
    }
    return entry.compressed;
  };
}

/** Below this many bytes a compressed answer saves less than its headers and the CPU cost (cf. nginx's gzip_min_length). */
const MIN_COMPRESSED_BYTES = 1024;

const isStream = (contentType: string) =>
  contentType.startsWith('text/event-stream') || contentType.startsWith('multipart/');

/** The coding an answer may be compressed in: one the client takes, for a body not coded already nor an event stream or multipart. */
function codingFor(request: Request, response: Response): Coding | undefined {
  const coding = negotiateEncoding(request.headers.get('accept-encoding'));
  const contentType = response.headers.get('content-type') ?? '';
  if (!coding || !response.body || response.headers.has('content-encoding') || isStream(contentType)) return undefined;
  return coding;
}

/**
 * Whether useCompression will send this answer compressed, so under a weak ETag: a 304 made of it names the tag
 * the 200 would have carried (RFC 9110 §15.4.5). An answer of unknown length counts as sent as it is.
 */
export function sentCompressed(request: Request, response: Response): boolean {
  if (codingFor(request, response) === undefined) return false;
  return isStreamed(response) || Number(response.headers.get('content-length') ?? Number.NaN) >= MIN_COMPRESSED_BYTES;
}

/**
 * A compressed body is a different representation, so a strong ETag of the plain body must not name it (RFC 9110
 * §8.8.3); as nginx does, it becomes weak, which still matches If-None-Match (a weak comparison).
 */
export const weakened = (etag: string) => (etag.startsWith('W/') ? etag : `W/${etag}`);

/**
 * Compresses answers (GraphQL results, the GraphiQL page, everything with a body) with brotli or gzip as the
 * client's Accept-Encoding asks, off the event loop (zlib's thread pool), and says `Vary: Accept-Encoding` so
 * caches keep the forms apart. Request bodies are never inflated, so the body limit is what the service reads.
 */
export function useCompression(): Plugin {
  const staticBodies = staticCompressionCache();
  return {
    onResponse: async ({ request, response, setResponse, fetchAPI }) => {
      varyOn(response.headers, 'Accept-Encoding');
      const contentType = response.headers.get('content-type') ?? '';
      // Yoga marks event streams "none", which is no content coding (RFC 9110 §8.4.1): they go out uncoded.
      if (isStream(contentType) && response.headers.get('content-encoding')?.trim().toLowerCase() === 'none')
        response.headers.delete('content-encoding');
      const coding = codingFor(request, response);
      if (!coding) return;
      if (isStreamed(response)) {
        const headers = new fetchAPI.Headers(response.headers);
        headers.set('content-encoding', coding);
        headers.delete('content-length');
        const coder = pipeline(Readable.fromWeb(response.body as never), compressing(coding), () => undefined);
        setResponse(
          new fetchAPI.Response(Readable.toWeb(coder) as ReadableStream<Uint8Array>, {
            status: response.status,
            statusText: response.statusText,
            headers,
          }),
        );
        return;
      }
      const length = Number(response.headers.get('content-length') ?? Number.NaN);
      if (length < MIN_COMPRESSED_BYTES) return;
      const body = Buffer.from(await response.arrayBuffer());
      if (body.length < MIN_COMPRESSED_BYTES) {
        setResponse(new fetchAPI.Response(new Uint8Array(body), response));
        return;
      }
      const compressed = STATIC_BODY.test(contentType)
        ? await staticBodies(coding, contentType, body)
        : await compress(coding, body);
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('content-encoding', coding);
      headers.set('content-length', String(compressed.length));
      const etag = headers.get('etag');
      if (etag) headers.set('etag', weakened(etag));
      setResponse(
        new fetchAPI.Response(new Uint8Array(compressed), {
          status: response.status,
          statusText: response.statusText,
          headers,
        }),
      );
    },
  };
}
