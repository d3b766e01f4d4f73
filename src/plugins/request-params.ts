import { isUtf8 } from 'node:buffer';
import { GraphQLError } from 'graphql';
import type { FetchAPI, Plugin } from 'graphql-yoga';
import { errorResponse } from './refusals.js';
import { requestAgain } from './request-again.js';

const KNOWN_PARAMS = new Set(['query', 'operationName', 'variables', 'extensions']);

/** A request that is not a well-formed GraphQL-over-HTTP request: 400 whatever the client accepts. */
const requestError = (message: string, code = 'BAD_REQUEST') =>
  new GraphQLError(message, { extensions: { code, http: { status: 400 } } });

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value);
const isMap = (value: unknown): value is Record<string, unknown> => kindOf(value) === 'object';
const aKindOf = (value: unknown) => (kindOf(value) === 'object' ? 'an object' : `a ${kindOf(value)}`);

/** Whether objects and lists nest deeper than `limit`; walks with a stack of its own, so any depth is safe to ask about. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(current))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

const persistedQueryOf = (extensions: unknown) => (isMap(extensions) ? extensions.persistedQuery : undefined);
const isPersistedId = (value: unknown) => isMap(value) && value.version === 1 && typeof value.sha256Hash === 'string';

function checkParams(params: Record<string, unknown>, inputDepth: number): void {
  for (const [name, value] of Object.entries(params)) {
    if (value != null && !KNOWN_PARAMS.has(name))
      throw requestError(
        `Unexpected parameter "${name.slice(0, 64)}": send query, operationName, variables and extensions only.`,
      );
  }
  const { query, operationName, variables, extensions } = params;
  if (query != null && typeof query !== 'string')
    throw requestError(`"query" must be a string (a GraphQL document), not ${aKindOf(query)}.`);
  if (operationName != null && typeof operationName !== 'string')
    throw requestError(`"operationName" must be a string, not ${aKindOf(operationName)}.`);
  for (const [name, value] of [
    ['variables', variables],
    ['extensions', extensions],
  ] as const) {
    if (value != null && !isMap(value))
      throw requestError(`"${name}" must be a map (a JSON object), not ${aKindOf(value)}.`);
    if (nestsDeeperThan(value, inputDepth))
      throw requestError(`"${name}" nests deeper than ${inputDepth} levels.`, 'INPUT_DEPTH_LIMIT_EXCEEDED');
  }
  const persistedQuery = persistedQueryOf(extensions);
  if (persistedQuery != null && !isPersistedId(persistedQuery))
    throw requestError('extensions.persistedQuery must hold "version": 1 and a "sha256Hash" string.');
  if (!query && persistedQuery == null)
    throw requestError(
      'Send "query" (a GraphQL document), or a persisted operation id in extensions.persistedQuery.sha256Hash.',
    );
}

const NOT_UTF8 = 'The request is not valid UTF-8: send its text, and its percent-escapes, as UTF-8.';

/**
 * Whether the request's parameters are UTF-8: a POST body's bytes, or a GET's percent-escapes. The parsers would
 * read a byte that is not UTF-8 as U+FFFD, and a write would store that in place of the text the client meant.
 * Answers the request to parse on (a read body is given again), null, or 'cut short' when the body broke off.
 */
async function inUtf8(request: Request, url: URL, fetchAPI: FetchAPI): Promise<Request | null | 'cut short'> {
  if (request.method === 'GET') {
    try {
      decodeURIComponent(url.search.replaceAll('+', ' '));
      return request;
    } catch {
      return null;
    }
  }
  if (request.body === null) return request;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await request.arrayBuffer());
  } catch {
    return 'cut short';
  }
  if (!isUtf8(bytes)) return null;
  return requestAgain(fetchAPI, request, request.method, bytes);
}

/**
 * Refuses malformed GraphQL-over-HTTP requests with 400 BAD_REQUEST before anything else reads them:
 * parameters that are not JSON (GET, form-encoded and multipart bodies, which Yoga parses with a bare
 * JSON.parse), text that is not UTF-8, unknown parameters, wrong types, no query and no persisted id, and `variables` or
 * `extensions` that nest deeper than `inputDepth` (INPUT_DEPTH_LIMIT_EXCEEDED).
 */
export function useRequestParams(inputDepth: number): Plugin {
  return {
    onRequest: async ({ request, url, setRequest, endResponse, fetchAPI }) => {
      const checked = await inUtf8(request, url, fetchAPI);
      if (checked === null) return endResponse(errorResponse(400, 'BAD_REQUEST', NOT_UTF8));
      if (checked === 'cut short')
        return endResponse(errorResponse(400, 'BAD_REQUEST', 'The request body ended before its Content-Length.'));
      if (checked !== request) setRequest(checked);
    },
    onRequestParse: ({ requestParser, setRequestParser }) => {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (error instanceof SyntaxError)
            throw requestError('A parameter that must be JSON (variables, extensions, operations) is not valid JSON.');
          // Yoga puts the JSON parser's message, an echo of the body, in extensions.originalError.
          if (error instanceof GraphQLError && error.extensions.originalError !== undefined)
            throw requestError(error.message);
          throw error;
        }
      });
    },
    onParams: ({ params }) => checkParams(params as Record<string, unknown>, inputDepth),
  };
}
