import { GraphQLError } from 'graphql';

/** A GraphQL-shaped error body for requests refused before GraphQL runs (413, 429, …). */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

export const codedError = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });
