import type { ExecutionResult } from 'graphql';
import type { DramaYoga } from '../../src/yoga.js';

export interface GraphQLResponse<T = Record<string, any>> extends ExecutionResult<T> {
  status: number;
}

/** Sends one operation through Yoga in-process, exactly as an HTTP client would. */
export async function graphql<T = Record<string, any>>(
  yoga: DramaYoga,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await yoga.fetch('http://drama.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as ExecutionResult<T>) };
}

export function errorCodes(response: ExecutionResult): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}
