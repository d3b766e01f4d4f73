import type { Plugin } from 'graphql-yoga';
import { errorResponse } from './refusals.js';

const mediaType = (request: Request) => (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

const CODED: Record<number, [code: string, message: string]> = {
  404: ['NOT_FOUND', 'Nothing is served at this path: GraphQL is at /graphql.'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type: send application/json.'],
  406: [
    'NOT_ACCEPTABLE',
    'None of the media types in Accept can be served: accept application/json or application/graphql-response+json ' +
      '(text/event-stream for a subscription).',
  ],
};

const listsNothing = (header: string): boolean => header.split(',').every((element) => element.trim() === '');

/** UTF-8, and US-ASCII, which is a subset of it. */
const UTF8_CHARSETS = new Set(['utf-8', 'us-ascii']);

/** Whether Content-Type names no charset, or UTF-8 (quoted or not, any case). */
function utf8Body(request: Request): boolean {
  const [, ...parameters] = (request.headers.get('content-type') ?? '').split(';');
  return parametersOf(parameters).every(
    ([name, value]) => name !== 'charset' || UTF8_CHARSETS.has(value.toLowerCase()),
  );
}

/** What /graphql answers in, JSON first (GraphiQL's page is answered before this plugin runs, when it is on: graphiql.ts). */
const SERVED = ['application/json', 'application/graphql-response+json', 'multipart/mixed', 'text/event-stream'];
const JSON_TYPES = new Set(SERVED.slice(0, 2));
const EVENT_STREAM = 'text/event-stream';

const MEDIA_RANGE = /^([a-z0-9!#$&^_.+-]+\/([a-z0-9!#$&^_.+-]+|\*)|\*\/\*)$/;
const Q_VALUE = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/;

interface AcceptEntry {
  range: string;
  q: number;
}

const unquoted = (value: string): string =>
  value.startsWith('"') && value.endsWith('"') && value.length >= 2
    ? value.slice(1, -1).replace(/\\(.)/g, '$1')
    : value;

/** The `name=value` parameters after a media type: names trimmed and lower-cased, values trimmed and unquoted. */
const parametersOf = (parameters: readonly string[]): [name: string, value: string][] =>
  parameters.map((parameter) => {
    const at = parameter.indexOf('=');
    if (at < 0) return [parameter.trim().toLowerCase(), ''];
    return [parameter.slice(0, at).trim().toLowerCase(), unquoted(parameter.slice(at + 1).trim())];
  });

/** One entry of Accept; null when it names nothing served: a malformed range or q, or a charset other than UTF-8. */
function acceptEntry(text: string): AcceptEntry | null {
  const [rangeText = '', ...parameters] = text.split(';');
  const range = rangeText.trim().toLowerCase();
  if (!MEDIA_RANGE.test(range)) return null;
  let q = 1;
  let weighed = false;
  for (const [name, value] of parametersOf(parameters)) {
    if (name === 'q') {
      // The first q is the weight (later ones are extensions); one that cannot be read refuses its range, since
      // the client meant to weigh it (`text/event-stream;q=0.0000, text/*` must not serve the stream).
      if (!weighed) q = Q_VALUE.test(value) ? Number(value) : 0;
      weighed = true;
    } else if (name === 'charset' && value.toLowerCase() !== 'utf-8') return null;
  }
  return { range, q };
}

/** How closely `range` names `type`: 2 exactly, 1 as `kind/*`, 0 as `*\/*`; -1 not at all. */
function specificity(range: string, type: string): number {
  if (range === type) return 2;
  if (range === '*/*') return 0;
  return range.endsWith('/*') && type.startsWith(range.slice(0, -1)) ? 1 : -1;
}

/**
 * The formats Accept takes, most preferred first. Each served type gets the q of the most specific range that
 * names it (RFC 9110 §12.5.1: `text/*, text/event-stream;q=0` refuses the event stream); equal q-values
 * prefer JSON, then the order listed.
 */
function preferred(accept: string, served: readonly string[] = SERVED): string[] {
  const entries = accept
    .split(',')
    .map(acceptEntry)
    .filter((entry): entry is AcceptEntry => entry !== null);
  const ranked = served.flatMap((type, serverOrder) => {
    let best: { q: number; specificity: number; index: number } | null = null;
    for (const [index, entry] of entries.entries()) {
      const level = specificity(entry.range, type);
      if (level < 0 || (best !== null && level < best.specificity)) continue;
      // The same range listed twice with two weights: the lower one, so that a refusal is never overridden.
      if (best === null || level > best.specificity || entry.q < best.q)
        best = { q: entry.q, specificity: level, index };
    }
    return best === null || best.q === 0
      ? []
      : [{ type, q: best.q, json: JSON_TYPES.has(type), index: best.index, serverOrder }];
  });
  return ranked
    .sort((a, b) => b.q - a.q || Number(b.json) - Number(a.json) || a.index - b.index || a.serverOrder - b.serverOrder)
    .map((entry) => entry.type);
}

/**
 * What Yoga is told the client accepts: the most preferred served format, then the event stream when it is
 * accepted too, for a subscription (Yoga streams subscriptions only as events, and otherwise answers in the last
 * of event stream, multipart, JSON that is listed, reading neither q-values nor quoted parameters); null when no
 * format is accepted. Deciding here, before anything runs, keeps a mutation from being written and then refused
 * with 406 (red team 26).
 */
export function servableAccept(accept: string): string | null {
  const formats = preferred(accept);
  const [best] = formats;
  if (best === undefined) return null;
  return best !== EVENT_STREAM && formats.includes(EVENT_STREAM) ? `${best}, ${EVENT_STREAM}` : best;
}

/**
 * Whether Accept asks for a page more than for a GraphQL answer: `text/html` ranks first among it and the formats
 * served (a browser's navigation does; `*\/*` alone, or JSON listed as high, is a GraphQL client).
 */
export function prefersPage(accept: string | null): boolean {
  return accept !== null && preferred(accept, [...SERVED, 'text/html'])[0] === 'text/html';
}

/** Whether the request, as Node read it off the socket, carries the header `name` more than once. */
function headerRepeated(serverContext: unknown, name: string): boolean {
  const raw = (serverContext as { req?: { rawHeaders?: unknown } } | undefined)?.req?.rawHeaders;
  if (!Array.isArray(raw)) return false;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) if (String(raw[i]).toLowerCase() === name && ++seen > 1) return true;
  return false;
}

/**
 * Refuses multipart/form-data with 415 UNSUPPORTED_MEDIA_TYPE (the service takes no uploads, and Yoga's
 * multipart parsing answers uncoded errors), an Accept that rules out every type served with 406, and gives Yoga's empty 404, 415 and 406 answers a coded JSON body.
 */
export function useMediaTypes(): Plugin {
  return {
    onRequest: ({ request, url, endResponse, serverContext }) => {
      // Node keeps the first of several Content-Type headers and drops the rest; a proxy may read the last.
      if (headerRepeated(serverContext, 'content-type')) {
        endResponse(errorResponse(400, 'BAD_REQUEST', 'Send one Content-Type header, not several.'));
        return;
      }
      const accept = request.headers.get('accept');
      // A list of no elements states no preference (RFC 9110 §5.6.1 ignores empty elements): as if absent.
      if (accept !== null && listsNothing(accept)) request.headers.delete('accept');
      else if (url.pathname === '/graphql' && accept !== null) {
        const served = servableAccept(accept);
        if (served === null) {
          endResponse(errorResponse(406, CODED[406]![0], CODED[406]![1]));
          return;
        }
        request.headers.set('accept', served);
      }
      const transfer = (request.headers.get('transfer-encoding') ?? '').split(',').map((c) => c.trim().toLowerCase());
      if (transfer.some((c) => c !== '' && c !== 'chunked')) {
        endResponse(
          errorResponse(
            501,
            'NOT_IMPLEMENTED',
            'Only the chunked transfer coding is understood (RFC 9112 §6.1): send the body without other codings.',
          ),
        );
        return;
      }
      const coding = (request.headers.get('content-encoding') ?? '').trim().toLowerCase();
      if (coding !== '' && coding !== 'identity') {
        endResponse(
          errorResponse(
            415,
            CODED[415]![0],
            'Request bodies are read as sent, never decompressed: send no Content-Encoding (RFC 9110 §8.4).',
          ),
        );
        return;
      }
      if (!utf8Body(request)) {
        endResponse(errorResponse(415, CODED[415]![0], 'Request bodies are UTF-8: send charset=utf-8 or no charset.'));
        return;
      }
      if (mediaType(request) === 'multipart/form-data') {
        endResponse(
          errorResponse(
            415,
            CODED[415]![0],
            'multipart/form-data is not accepted (this service takes no uploads): send application/json.',
          ),
        );
      }
    },
    onResponse: ({ response, setResponse }) => {
      const coded = CODED[response.status];
      if (!coded || response.headers.get('content-type')) return;
      const headers = Object.fromEntries([...response.headers].filter(([name]) => name !== 'content-length'));
      setResponse(errorResponse(response.status, coded[0], coded[1], headers));
    },
  };
}
