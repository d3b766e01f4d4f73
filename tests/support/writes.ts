import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { type GraphQLResponse, graphql } from './graphql.js';
import { issueTokens } from './tokens.js';

export const SOURCE = { document: 'Contract fixture', paragraph: 1 };

export const WRITERS = issueTokens({ admin: ['admin'], catalog: ['write:catalog'], story: ['write:story'] });

/** A service over `store` that knows the admin, catalog and story tokens. */
export const writableYoga = (store: DramaStore): DramaYoga => createDramaYoga({ store, tokens: WRITERS.tokens });

const RESULT = `__typename
  ... on ValidationError { message path issues { path message } }`;

/** Calls one mutation field with `$input` (or other variables) as the named token, selecting the result's typename and errors. */
export async function mutate(
  yoga: DramaYoga,
  field: string,
  signature: string,
  variables: Record<string, unknown>,
  select = '',
  token: string | null = 'admin',
): Promise<GraphQLResponse> {
  const args = signature.replace(/\$(\w+):[^,)]+/g, '$1: $$$1').replace(/^\(|\)$/g, '');
  const query = `mutation${signature} { ${field}(${args}) { ${RESULT} ${select} } }`;
  return graphql(yoga, query, variables, token === null ? {} : WRITERS.bearer(token));
}
