import { GraphQLError } from 'graphql';

const REFUSAL_CODES = new WeakMap<Response, string>();

/** The code of a refusal errorResponse built, for the request log and metrics; undefined for other responses. */
export const refusalCodeOf = (response: Response): string | undefined => REFUSAL_CODES.get(response);

/** A GraphQL-shaped error body for requests refused before GraphQL runs (413, 429, …). */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const response = new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
  REFUSAL_CODES.set(response, code);
  return response;
}

const UNAVAILABLE = new Set(['STORE_UNAVAILABLE', 'STORE_TIMEOUT']);

/** 503 with `Retry-After: 1` for a store that is away or too slow (its coded error), else null. */
export function storeUnavailableResponse(error: unknown, headers: Record<string, string> = {}): Response | null {
  if (!(error instanceof GraphQLError)) return null;
  const code = String(error.extensions.code ?? '');
  return UNAVAILABLE.has(code) ? errorResponse(503, code, error.message, { ...headers, 'retry-after': '1' }) : null;
}

export const codedError = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });
