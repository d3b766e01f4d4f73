import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApolloClient, type ApolloLink, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import {
  createPersistedQueryManifestVerificationLink,
  generatePersistedQueryIdsFromManifest,
} from '@apollo/persisted-query-lists';
import { Client, cacheExchange, type Exchange, fetchExchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APOLLO_MANIFEST_FILE, type ApolloManifest } from '../../scripts/persisted-lists.js';
import { PERSISTED_OPERATIONS_FILE } from '../../src/config/settings.js';
import { loadExamples } from '../../src/examples.js';
import type { DramaYoga } from '../../src/yoga.js';
import { type OpsService, opsService, URL_BASE } from '../support/ops.js';
import { issueTokens } from '../support/tokens.js';

/** Every HTTP request a client makes, as the service saw it. */
interface Seen {
  method: string;
  query: boolean;
  status: number;
  codes: string[];
  cacheControl: string | null;
}

/** The service as the clients' fetch: every request goes through Yoga's HTTP handling, and is counted. */
function countingFetch(yoga: DramaYoga) {
  const seen: Seen[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const sentText =
      request.method === 'GET'
        ? new URL(request.url).searchParams.has('query')
        : 'query' in (JSON.parse(await request.clone().text()) as object);
    const response = await yoga.fetch(request);
    const body = (await response.clone().json()) as { errors?: { extensions?: { code?: string } }[] };
    seen.push({
      method: request.method,
      query: sentText,
      status: response.status,
      codes: (body.errors ?? []).map((error) => String(error.extensions?.code)),
      cacheControl: response.headers.get('cache-control'),
    });
    return response;
  };
  return { seen, fetch: fetch as typeof globalThis.fetch };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const examples = loadExamples();
const manifest = () => JSON.parse(readFileSync(APOLLO_MANIFEST_FILE, 'utf8')) as ApolloManifest;
const issued = issueTokens({ 'wiki-bot': ['write:catalog'] });
const strictMode = {
  persisted: { mode: 'only-for-anonymous' as const, file: PERSISTED_OPERATIONS_FILE, maxAgeSeconds: 60 },
};
const ARBITRARY = 'query ArbitraryTitle($slug: String!) { series(slug: $slug) { title } }';
const MUTATION = 'mutation DeleteNobody { deletePerson(slug: "nobody-at-all") { __typename } }';

function apollo(yoga: DramaYoga, persisted: ApolloLink, headers: Record<string, string> = {}) {
  const { seen, fetch } = countingFetch(yoga);
  const http = new HttpLink({ uri: `${URL_BASE}/graphql`, fetch, headers });
  const client = new ApolloClient({
    cache: new InMemoryCache(),
    link: persisted.concat(http),
    defaultOptions: { query: { fetchPolicy: 'no-cache' } },
  });
  return { client, seen };
}
const apqLink = () => new PersistedQueryLink({ sha256, useGETForHashedQueries: true });

function urql(yoga: DramaYoga, exchanges: Exchange[], headers: Record<string, string> = {}) {
  const { seen, fetch } = countingFetch(yoga);
  const client = new Client({
    url: `${URL_BASE}/graphql`,
    exchanges,
    fetch,
    fetchOptions: { headers },
    requestPolicy: 'network-only',
  });
  return { client, seen };
}
const withCache = () => [cacheExchange, persistedExchange({ preferGetForPersistedQueries: true }), fetchExchange];
const withoutCache = () => [persistedExchange({ preferGetForPersistedQueries: true }), fetchExchange];

describe('Apollo Client (core, with its persisted-queries link)', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());

  it('registers an unknown query once, then answers it in one cacheable GET, for this client and the next', async () => {
    const yoga = service.yoga();
    const first = apollo(yoga, apqLink());
    const cold = await first.client.query({ query: gql(ARBITRARY), variables: { slug: 'soundtrack-1' } });
    expect(cold.data).toEqual({ series: { title: 'Soundtrack #1', __typename: 'Series' } });
    expect(first.seen.map(({ method, query, codes }) => ({ method, query, codes }))).toEqual([
      { method: 'GET', query: false, codes: ['PERSISTED_QUERY_NOT_FOUND'] },
      { method: 'POST', query: true, codes: [] },
    ]);
    await first.client.query({ query: gql(ARBITRARY), variables: { slug: 'soundtrack-1' } });
    const second = apollo(yoga, apqLink());
    const warm = await second.client.query({ query: gql(ARBITRARY), variables: { slug: 'soundtrack-1' } });
    expect(warm.data).toEqual(cold.data);
    for (const seen of [first.seen.slice(2), second.seen])
      expect(seen).toEqual([
        { method: 'GET', query: false, status: 200, codes: [], cacheControl: 'public, max-age=60' },
      ]);
  });

  it('hits the committed list with every example from the first request, anonymous under only-for-anonymous', async () => {
    const yoga = service.yoga({ ops: strictMode });
    const { client, seen } = apollo(yoga, apqLink());
    for (const example of examples) {
      const result = await client.query({ query: gql(example.document) });
      expect(result.data, example.name).toBeTruthy();
    }
    expect(seen).toHaveLength(examples.length);
    for (const request of seen) expect(request).toMatchObject({ method: 'GET', query: false, status: 200, codes: [] });
  });

  it('hits the committed list through the Apollo manifest, which matches what the client sends', async () => {
    const yoga = service.yoga({ ops: strictMode });
    const failures: unknown[] = [];
    // @apollo/persisted-query-lists is typed against Apollo Client's CommonJS build; the classes are the same at run time.
    const verify = createPersistedQueryManifestVerificationLink({
      loadManifest: manifest,
      onVerificationFailed: (failure) => failures.push(failure.reason),
    }) as unknown as ApolloLink;
    const link = verify.concat(
      new PersistedQueryLink({
        ...generatePersistedQueryIdsFromManifest({ loadManifest: manifest }),
        useGETForHashedQueries: true,
      }),
    );
    const { client, seen } = apollo(yoga, link);
    for (const example of examples) await client.query({ query: gql(example.document) });
    expect(failures).toEqual([]);
    expect(seen).toHaveLength(examples.length);
    for (const request of seen) expect(request).toMatchObject({ method: 'GET', query: false, status: 200 });
  });

  it('tells an anonymous client under only-for-anonymous what to do, in one request, for a query off the list', async () => {
    const yoga = service.yoga({ ops: strictMode });
    const { client, seen } = apollo(yoga, apqLink());
    await expect(client.query({ query: gql(ARBITRARY), variables: { slug: 'soundtrack-1' } })).rejects.toThrow(
      /persisted-query-manifest\.json/,
    );
    expect(seen.map(({ method, codes }) => ({ method, codes }))).toEqual([
      { method: 'GET', codes: ['PERSISTED_QUERY_NOT_IN_LIST'] },
    ]);
  });

  it('sends mutations over POST only, cold and warm', async () => {
    const yoga = service.yoga({ tokens: issued.tokens });
    const { client, seen } = apollo(yoga, apqLink(), issued.bearer('wiki-bot'));
    for (let i = 0; i < 2; i += 1) {
      const result = await client.mutate({ mutation: gql(MUTATION) });
      expect(result.data).toBeTruthy();
    }
    expect(seen.map(({ method, query, codes }) => ({ method, query, codes }))).toEqual([
      { method: 'POST', query: false, codes: ['PERSISTED_QUERY_NOT_FOUND'] },
      { method: 'POST', query: true, codes: [] },
      { method: 'POST', query: false, codes: [] },
    ]);
  });
});

describe('urql (core, with its persisted exchange)', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());

  it('registers an unknown query once, then answers it in one cacheable GET', async () => {
    const yoga = service.yoga();
    const { client, seen } = urql(yoga, withCache());
    const cold = await client.query(ARBITRARY, { slug: 'soundtrack-1' }).toPromise();
    expect(cold.error).toBeUndefined();
    expect(cold.data).toEqual({ series: { title: 'Soundtrack #1', __typename: 'Series' } });
    expect(seen.map(({ query, codes }) => ({ query, codes }))).toEqual([
      { query: false, codes: ['PERSISTED_QUERY_NOT_FOUND'] },
      { query: true, codes: [] },
    ]);
    const warm = await client.query(ARBITRARY, { slug: 'soundtrack-1' }).toPromise();
    expect(warm.data).toEqual(cold.data);
    expect(seen.slice(2)).toEqual([
      { method: 'GET', query: false, status: 200, codes: [], cacheControl: 'public, max-age=60' },
    ]);
  });

  for (const [setup, exchanges] of [
    ['with its cacheExchange', withCache],
    ['without a cache exchange', withoutCache],
  ] as const) {
    it(`hits the committed list with every example from the first request, ${setup}, under only-for-anonymous`, async () => {
      const yoga = service.yoga({ ops: strictMode });
      const { client, seen } = urql(yoga, exchanges());
      for (const example of examples) {
        const result = await client.query(example.document, {}).toPromise();
        expect(result.error, example.name).toBeUndefined();
      }
      expect(seen).toHaveLength(examples.length);
      for (const request of seen) expect(request).toMatchObject({ method: 'GET', query: false, status: 200 });
    });
  }

  it('sends mutations over POST only, persisted or not', async () => {
    const yoga = service.yoga({ tokens: issued.tokens });
    const exchanges = [
      persistedExchange({ preferGetForPersistedQueries: true, enableForMutation: true }),
      fetchExchange,
    ];
    const persisted = urql(yoga, exchanges, issued.bearer('wiki-bot'));
    const plain = urql(yoga, [cacheExchange, fetchExchange], issued.bearer('wiki-bot'));
    for (const { client } of [persisted, persisted, plain]) {
      const result = await client.mutation(MUTATION, {}).toPromise();
      expect(result.error).toBeUndefined();
    }
    expect(persisted.seen.map(({ method, query }) => ({ method, query }))).toEqual([
      { method: 'POST', query: false },
      { method: 'POST', query: true },
      { method: 'POST', query: false },
    ]);
    expect(plain.seen.map(({ method }) => method)).toEqual(['POST']);
  });
});
