import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RequestAuthenticator } from '../auth/verify.js';
import { operationId } from '../config/persisted-operations.js';
import type { OpsSettings } from '../config/settings.js';
import type { ApqStore } from './apq-store.js';
import { varyOn } from './conditional.js';
import { selectsNeverCached } from './response-cache.js';

/** Anonymous means no verified token; a token that does not verify is refused with 401 before this. */
const hasVerifiedToken = (authenticate: RequestAuthenticator) => (request: Request) => {
  const authentication = authenticate(request);
  return authentication.ok && authentication.viewer.kind === 'token';
};

const REQUEST_ERROR = { status: 400, spec: true };

const HOW_TO_SEND_LISTED =
  'Anonymous clients may send only the operations in this service’s committed list: send the ' +
  'extensions.persistedQuery.sha256Hash of an operation in persisted-operations.json (Relay, urql, widgets) or ' +
  'build Apollo Client from persisted-query-manifest.json (generatePersistedQueryIdsFromManifest); or send a ' +
  'bearer token.';

const isPersistedGet = (request: Request, url: URL) =>
  request.method === 'GET' && (url.searchParams.get('extensions') ?? '').includes('persistedQuery');

/** extensions.persistedQuery, once useRequestParams has checked its shape. */
const persistedHashOf = (extensions: unknown): string | undefined =>
  (extensions as { persistedQuery?: { sha256Hash?: string } } | undefined)?.persistedQuery?.sha256Hash;

const isSingleResult = (result: object): result is { data?: unknown; errors?: readonly unknown[] } =>
  !Array.isArray(result) && !(Symbol.asyncIterator in result);

/**
 * Operations sent by sha256 hash: the committed list (persisted-operations.json) and, per Apollo's automatic
 * persisted queries, documents that clients register by sending the text with its hash. A registration is
 * checked (the hash must be the sha256 of the text, else 400 PERSISTED_QUERY_HASH_MISMATCH) and kept only
 * once the document has passed every check and run. In `only-for-anonymous` mode anonymous clients may send
 * only the committed list, and nothing they send is registered. Successful GETs by hash are cacheable.
 */
export function usePersisted(
  { mode, maxAgeSeconds }: OpsSettings['persisted'],
  operations: ReadonlyMap<string, string>,
  authenticate: RequestAuthenticator,
  apq: ApqStore,
): Plugin[] {
  const mayUseApq = mode === 'allowed' ? () => true : hasVerifiedToken(authenticate);
  const succeeded = new WeakSet<Request>();
  const uncacheable = new WeakSet<Request>();
  const registrations = new WeakMap<Request, { hash: string; document: string }>();
  const cacheHeaders: Plugin = {
    onExecute: ({ args }) => {
      const request = (args.contextValue as { request?: Request }).request;
      if (request && selectsNeverCached(args.document, args.operationName)) uncacheable.add(request);
    },
    onResultProcess: ({ request, result }) => {
      if (isSingleResult(result) && !result.errors?.length) succeeded.add(request);
    },
    onResponse: ({ request, response }) => {
      if (response.status !== 200 || !succeeded.has(request) || !isPersistedGet(request, new URL(request.url))) return;
      // The change log (and webhook state) must not be kept by browsers or CDNs either.
      if (uncacheable.has(request)) {
        response.headers.set('cache-control', 'no-store');
        return;
      }
      response.headers.set('cache-control', `public, max-age=${maxAgeSeconds}`);
      for (const header of ['X-Watched-Through', 'Authorization', 'Accept']) varyOn(response.headers, header);
    },
  };
  const registration: Plugin = {
    onParams: ({ params, request }) => {
      const hash = persistedHashOf(params.extensions);
      if (!params.query || hash === undefined) return;
      if (operationId(params.query) !== hash)
        throw new GraphQLError(
          'extensions.persistedQuery.sha256Hash is not the sha256 (64 lowercase hex digits) of this query’s text.',
          { extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH', http: { status: 400 } } },
        );
      if (!operations.has(hash) && mayUseApq(request)) registrations.set(request, { hash, document: params.query });
    },
    onResultProcess: async ({ request, result }) => {
      const pending = registrations.get(request);
      // Only a document that executed (so passed parsing, validation and every limit) is kept.
      if (pending && isSingleResult(result) && result.data !== undefined) await apq.set(pending.hash, pending.document);
    },
  };
  return [
    usePersistedOperations({
      getPersistedOperation: async (id, request) =>
        operations.get(id) ?? (mayUseApq(request) ? ((await apq.get(id)) ?? null) : null),
      allowArbitraryOperations: mode === 'allowed' ? true : hasVerifiedToken(authenticate),
      // Request errors: 400 under application/graphql-response+json, 200 under application/json (GraphQL over HTTP).
      customErrors: {
        // Apollo Client and urql retry with the text on this message (urql matches the message only).
        notFound: ({ request }) =>
          mayUseApq(request)
            ? new GraphQLError('PersistedQueryNotFound', {
                extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: REQUEST_ERROR },
              })
            : new GraphQLError(`No operation in the committed list has this sha256Hash. ${HOW_TO_SEND_LISTED}`, {
                extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: REQUEST_ERROR },
              }),
        persistedQueryOnly: {
          message: `This service does not run operation text from anonymous clients. ${HOW_TO_SEND_LISTED}`,
          extensions: { code: 'PERSISTED_QUERY_ONLY', http: REQUEST_ERROR },
        },
        keyNotFound: {
          message: 'Send a persisted operation id: extensions.persistedQuery.sha256Hash.',
          extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: REQUEST_ERROR },
        },
      },
    }),
    registration,
    cacheHeaders,
  ];
}
