import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { FIELD_RULES, slugProblem } from '../domain/rules.js';
import { createLoaders, type LoaderMode, type LoaderStore } from '../reads/loaders.js';
import { seriesJsonLd } from '../reads/structured-data.js';
import {
  isPassingParameter,
  MAX_EPISODE,
  progressFromHeader,
  queryParameters,
  toProgress,
  WATCHED_THROUGH_HEADER,
} from '../spoilers/progress.js';
import { errorResponse, storeUnavailableResponse } from './refusals.js';

const ROUTE = /^\/series\/([^/]*)\.jsonld$/;
const WATCHED_THROUGH_PARAM = 'watched-through';

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The slug in the path, or a 404: a value no series slug can be is no series. */
function slugOf(encoded: string): string {
  let slug: string;
  try {
    slug = decodeURIComponent(encoded);
  } catch {
    slug = encoded;
  }
  if (slugProblem(slug, FIELD_RULES.series.slug) !== null)
    throw new Refusal(404, 'SERIES_NOT_FOUND', 'No series has this slug: a series slug is kebab-case ASCII.');
  return slug;
}

/** `?watched-through=N`: at most once, an integer from 1 to the largest episode the header and @watchedThrough take. */
function watchedThrough(url: URL): number | null {
  const parameters = queryParameters(url);
  for (const [name, value] of parameters) {
    if (name === WATCHED_THROUGH_PARAM || isPassingParameter(name, value)) continue;
    const shown = name.length <= 40 ? ` ${JSON.stringify(name)}` : '';
    throw new Refusal(
      400,
      'BAD_USER_INPUT',
      `Unknown query parameter${shown}: progress is given as ${WATCHED_THROUGH_PARAM}=N (spelt exactly so, lower case, with a hyphen); other parameters are refused, but for tracking ones such as utm_source.`,
    );
  }
  const values = parameters.getAll(WATCHED_THROUGH_PARAM);
  if (values.length === 0) return null;
  const value = values[0]!;
  // Any number of leading zeros, as the header takes them (red team 41 found 65 digits refused here, taken there).
  const episode = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (values.length > 1 || !(episode >= 1 && episode <= MAX_EPISODE)) {
    throw new Refusal(
      400,
      'BAD_USER_INPUT',
      `${WATCHED_THROUGH_PARAM} must be given once, as the last episode watched: an integer from 1 to ${MAX_EPISODE} in ASCII digits 0-9.`,
    );
  }
  return episode;
}

export interface StructuredDataOptions {
  /** Cache-Control max-age of an answer, as for persisted GraphQL GETs. */
  maxAgeSeconds: number;
  loaderMode: LoaderMode;
}

/**
 * GET /series/{slug}.jsonld: the series as schema.org JSON-LD (reads/structured-data.ts), through the request's
 * own loaders, so through the same read path as GraphQL. `?watched-through=N` (and the X-Watched-Through header,
 * as for GraphQL; the earliest wins) leaves out later episodes and characters. CORS and the rate limit apply as
 * to every request; an answer is cacheable as a persisted GraphQL GET is, an error is not.
 */
export function useStructuredData(store: LoaderStore, { maxAgeSeconds, loaderMode }: StructuredDataOptions): Plugin {
  return {
    onRequest: async ({ request, url, endResponse }) => {
      const match = ROUTE.exec(url.pathname);
      if (match === null) return;
      try {
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          throw new Refusal(405, 'METHOD_NOT_ALLOWED', 'Only GET (or HEAD) reads /series/{slug}.jsonld.', {
            allow: 'GET, HEAD',
          });
        }
        const slug = slugOf(match[1]!);
        const through = watchedThrough(url);
        const progress = toProgress([
          ...progressFromHeader(request.headers.get(WATCHED_THROUGH_HEADER)),
          ...(through === null ? [] : [[slug, through] as const]),
        ]);
        const document = await seriesJsonLd(createLoaders(store, progress, loaderMode), progress, slug);
        if (document === null) throw new Refusal(404, 'SERIES_NOT_FOUND', `No series has the slug "${slug}".`);
        endResponse(
          new Response(request.method === 'HEAD' ? null : scriptSafeJson(document), {
            status: 200,
            headers: {
              'content-type': 'application/ld+json; charset=utf-8',
              'cache-control': `public, max-age=${maxAgeSeconds}`,
              vary: 'X-Watched-Through',
            },
          }),
        );
      } catch (error) {
        endResponse(refusalResponse(error));
      }
    },
  };
}

function refusalResponse(error: unknown): Response {
  const noStore = { 'cache-control': 'no-store' };
  if (error instanceof Refusal)
    return errorResponse(error.status, error.code, error.message, { ...noStore, ...error.headers });
  const unavailable = storeUnavailableResponse(error, noStore);
  if (unavailable !== null) return unavailable;
  if (error instanceof GraphQLError && error.extensions.code === 'BAD_USER_INPUT')
    return errorResponse(400, 'BAD_USER_INPUT', error.message, noStore);
  throw error;
}

/**
 * JSON that stays inert inside an HTML `<script type="application/ld+json">`, where wikis paste it: `<`, `>`
 * and `&` are escaped as \u003c, \u003e and \u0026, which JSON readers decode back to the same text.
 */
const scriptSafeJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
