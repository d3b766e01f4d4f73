import type { Plugin } from 'graphql-yoga';
import { errorResponse } from './refusals.js';

const mediaType = (request: Request) => (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

const CODED: Record<number, [code: string, message: string]> = {
  415: [
    'UNSUPPORTED_MEDIA_TYPE',
    'Unsupported Content-Type: send application/json (or application/graphql-response+json).',
  ],
  406: [
    'NOT_ACCEPTABLE',
    'None of the media types in Accept can be served: accept application/json or application/graphql-response+json ' +
      '(text/event-stream for a subscription).',
  ],
};

/** What /graphql answers in (GraphiQL's page is answered before this plugin runs, when it is on). */
const SERVED = ['application/graphql-response+json', 'application/json', 'text/event-stream', 'multipart/mixed'];

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

/** One entry of Accept, or null when it cannot be served: a malformed range or q, q=0, or a charset other than UTF-8. */
function acceptEntry(text: string): AcceptEntry | null {
  const [rangeText = '', ...parameters] = text.split(';');
  const range = rangeText.trim().toLowerCase();
  if (!MEDIA_RANGE.test(range)) return null;
  let q = 1;
  for (const parameter of parameters) {
    const at = parameter.indexOf('=');
    const name = parameter
      .slice(0, at < 0 ? undefined : at)
      .trim()
      .toLowerCase();
    const value = at < 0 ? '' : unquoted(parameter.slice(at + 1).trim());
    if (name === 'q') {
      if (!Q_VALUE.test(value)) return null;
      q = Number(value);
    } else if (name === 'charset' && value.toLowerCase() !== 'utf-8') return null;
  }
  return q > 0 ? { range, q } : null;
}

const servable = (range: string): boolean =>
  SERVED.some((type) => {
    const [kind, sub] = range.split('/');
    const [servedKind, servedSub] = type.split('/');
    return (kind === '*' || kind === servedKind) && (sub === '*' || sub === servedSub);
  });

/**
 * The ranges of Accept that can be served, most preferred first (by q, then as listed), without parameters;
 * null when there are none. Yoga reads neither q nor quoted values and takes any charset but a bare `utf-8` as
 * refusing UTF-8, so it is given this list instead of what the client sent, and refuses nothing after
 * executing that was accepted here (a mutation refused with 406 after it was written, red team 26).
 */
export function servableAccept(accept: string): string | null {
  const entries = accept
    .split(',')
    .map(acceptEntry)
    .filter((entry): entry is AcceptEntry => entry !== null && servable(entry.range));
  if (entries.length === 0) return null;
  return entries
    .map((entry, index) => ({ ...entry, index }))
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.range)
    .join(', ');
}

/**
 * Refuses multipart/form-data with 415 UNSUPPORTED_MEDIA_TYPE (the service takes no uploads, and Yoga's
 * multipart parsing answers uncoded errors), an Accept that rules out every type served with 406, and gives Yoga's empty 415 and 406 answers a coded JSON body.
 */
export function useMediaTypes(): Plugin {
  return {
    onRequest: ({ request, url, endResponse }) => {
      const accept = request.headers.get('accept');
      if (url.pathname === '/graphql' && accept !== null) {
        const served = servableAccept(accept);
        if (served === null) {
          endResponse(errorResponse(406, CODED[406]![0], CODED[406]![1]));
          return;
        }
        request.headers.set('accept', served);
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
