import type { Random } from '../../../src/generate/random.js';
import * as documents from './documents.js';
import { hostileString, hostileValue } from './hostile.js';
import { hostileMutation } from './mutations.js';
import { hostileRead, type Operation } from './variables.js';

export interface FuzzRequest {
  family: string;
  url: string;
  init: RequestInit;
}

type Authorization = 'admin' | 'anonymous' | 'reader' | 'forged';

const URL_BASE = 'http://drama.test/graphql';
const ONE_MEGABYTE = 'x'.repeat(1024 * 1024);

const FAMILIES: Record<string, (random: Random) => Operation> = {
  randomTokens: (random) => ({ query: documents.randomTokens(random) }),
  randomBytes: (random) => ({ query: documents.randomBytesDocument(random) }),
  truncated: (random) => ({ query: documents.truncatedExample(random) }),
  deepSelection: (random) => ({ query: documents.deepSelection(random) }),
  deepInputList: (random) => ({ query: documents.deepInputList(random) }),
  aliasBomb: (random) => ({ query: documents.aliasBomb(random) }),
  fragmentCycle: (random) => ({ query: documents.fragmentCycle(random) }),
  directiveSpam: (random) => ({ query: documents.directiveSpam(random) }),
  hostileLiteral: (random) => ({ query: documents.hostileLiteral(random) }),
  hostileRead,
  hostileMutation,
  hugeString: (random) =>
    random.pick([
      { query: `{ search(query: "${ONE_MEGABYTE}") { __typename } }` },
      { query: '{ __typename }', variables: { s: ONE_MEGABYTE } },
    ]),
};

/** Writes and reads with hostile variables reach the resolvers and the stores, so they come up more often. */
const WEIGHTED_FAMILIES = [...Object.keys(FAMILIES), 'hostileMutation', 'hostileMutation', 'hostileRead'];

/** Bodies and envelopes that are not a well-formed GraphQL request at all. */
function mangledBody(random: Random, operation: Operation): string {
  return random.pick<() => string>([
    () => JSON.stringify(operation).slice(0, random.int(0, 40)),
    () => JSON.stringify([operation, operation]),
    () => JSON.stringify({ ...operation, query: hostileValue(random) }),
    () => JSON.stringify({ ...operation, variables: hostileString(random) }),
    () => JSON.stringify({ ...operation, operationName: hostileString(random) }),
    () =>
      JSON.stringify({
        ...operation,
        extensions: { persistedQuery: { version: 1, sha256Hash: hostileString(random) } },
      }),
    () => `{"query": "{ __typename }", "variables": ${'['.repeat(random.int(1000, 20_000))}`,
    () => hostileString(random),
  ])();
}

const HEADERS: Record<Authorization, (bearer: (name: string) => Record<string, string>) => Record<string, string>> = {
  admin: (bearer) => bearer('admin'),
  reader: (bearer) => bearer('reader'),
  anonymous: () => ({}),
  forged: () => ({ authorization: 'Bearer dg_forged-token-that-was-never-issued' }),
};

export function fuzzRequest(random: Random, bearer: (name: string) => Record<string, string>): FuzzRequest {
  const family = random.pick(WEIGHTED_FAMILIES);
  const operation = FAMILIES[family]!(random);
  const authorization =
    family === 'hostileMutation'
      ? random.pick<Authorization>(['admin', 'admin', 'anonymous', 'reader', 'forged'])
      : random.pick<Authorization>(['anonymous', 'anonymous', 'admin']);
  const headers = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json',
    ...HEADERS[authorization](bearer),
  };
  if (random.chance(0.1))
    return {
      family: 'envelope',
      url: URL_BASE,
      init: { method: 'POST', headers, body: mangledBody(random, operation) },
    };
  if (random.chance(0.05))
    return {
      family: 'watchedThrough',
      url: URL_BASE,
      init: {
        method: 'POST',
        headers: {
          ...headers,
          'x-watched-through': hostileString(random)
            .slice(0, 200)
            .replace(/[^\x20-\x7e]/g, '?'),
        },
        body: JSON.stringify(operation),
      },
    };
  if (random.chance(0.08)) return { family: `${family}:GET`, url: getUrl(operation), init: { method: 'GET', headers } };
  return { family, url: URL_BASE, init: { method: 'POST', headers, body: JSON.stringify(operation) } };
}

function getUrl(operation: Operation): string {
  const params = new URLSearchParams({ query: operation.query.slice(0, 4000) });
  if (operation.variables !== undefined) params.set('variables', JSON.stringify(operation.variables).slice(0, 4000));
  return `${URL_BASE}?${params}`;
}
