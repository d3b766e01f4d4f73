import type { Plugin } from 'graphql-yoga';
import Negotiator from 'negotiator';
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

/** What /graphql answers in: JSON results, subscription streams and GraphiQL's page. */
const SERVED = [
  'application/graphql-response+json',
  'application/json',
  'text/event-stream',
  'multipart/mixed',
  'text/html',
];

/**
 * Each entry of Accept with its media type and q-value only: every answer is UTF-8, so `charset` (which the
 * GraphQL-over-HTTP spec has clients send) and other parameters do not rule a type out.
 */
const withoutParameters = (accept: string): string =>
  accept
    .split(',')
    .map((entry) => {
      const [type = '', ...parameters] = entry.split(';');
      const q = parameters.find((parameter) => /^\s*q\s*=/i.test(parameter));
      return q === undefined ? type.trim() : `${type.trim()};${q.trim()}`;
    })
    .join(', ');

/** False when Accept rules out everything /graphql serves, e.g. `*\/*;q=0` (Yoga reads no q-values). */
const acceptsAnyServed = (accept: string | null): boolean =>
  accept === null || new Negotiator({ headers: { accept: withoutParameters(accept) } }).mediaType(SERVED) !== undefined;

/**
 * Refuses multipart/form-data with 415 UNSUPPORTED_MEDIA_TYPE (the service takes no uploads, and Yoga's
 * multipart parsing answers uncoded errors), an Accept that rules out every type served with 406, and gives Yoga's empty 415 and 406 answers a coded JSON body.
 */
export function useMediaTypes(): Plugin {
  return {
    onRequest: ({ request, url, endResponse }) => {
      if (url.pathname === '/graphql' && !acceptsAnyServed(request.headers.get('accept'))) {
        endResponse(errorResponse(406, CODED[406]![0], CODED[406]![1]));
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
