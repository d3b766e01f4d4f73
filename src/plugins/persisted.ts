import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import type { RequestAuthenticator } from '../auth/verify.js';
import type { OpsSettings } from '../config/settings.js';

/** Anonymous means no verified token; a token that does not verify is refused with 401 before this. */
const hasVerifiedToken = (authenticate: RequestAuthenticator) => (request: Request) => {
  const authentication = authenticate(request);
  return authentication.ok && authentication.viewer.kind === 'token';
};

const REQUEST_ERROR = { status: 400, spec: true };

const isPersistedGet = (request: Request, url: URL) =>
  request.method === 'GET' && (url.searchParams.get('extensions') ?? '').includes('persistedQuery');

/**
 * Trusted operations from persisted-operations.json, sent by hash. In `only-for-anonymous` mode anonymous
 * clients may send nothing else. Successful GETs of them are cacheable by browsers and CDNs.
 */
export function usePersisted(
  { mode, maxAgeSeconds }: OpsSettings['persisted'],
  operations: ReadonlyMap<string, string>,
  authenticate: RequestAuthenticator,
): Plugin[] {
  const succeeded = new WeakSet<Request>();
  const cacheHeaders: Plugin = {
    onResultProcess: ({ request, result }) => {
      if (!Array.isArray(result) && !(Symbol.asyncIterator in result) && !result.errors?.length) succeeded.add(request);
    },
    onResponse: ({ request, response }) => {
      if (!succeeded.has(request) || !isPersistedGet(request, new URL(request.url))) return;
      response.headers.set('cache-control', `public, max-age=${maxAgeSeconds}`);
      response.headers.append('vary', 'X-Watched-Through, Authorization');
    },
  };
  return [
    usePersistedOperations({
      getPersistedOperation: (id) => operations.get(id) ?? null,
      allowArbitraryOperations: mode === 'allowed' ? true : hasVerifiedToken(authenticate),
      // Request errors: 400 under application/graphql-response+json, 200 under application/json (GraphQL over HTTP).
      customErrors: {
        notFound: {
          message: 'No persisted operation has this sha256Hash.',
          extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: REQUEST_ERROR },
        },
        persistedQueryOnly: {
          message: 'Anonymous clients may only send persisted operations (extensions.persistedQuery.sha256Hash).',
          extensions: { code: 'PERSISTED_QUERY_ONLY', http: REQUEST_ERROR },
        },
        keyNotFound: {
          message: 'Send a persisted operation id: extensions.persistedQuery.sha256Hash.',
          extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: REQUEST_ERROR },
        },
      },
    }),
    cacheHeaders,
  ];
}
