import { readFileSync } from 'node:fs';
import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APOLLO_MANIFEST_FILE, type ApolloManifest } from '../../scripts/persisted-lists.js';
import { operationId } from '../../src/config/persisted-operations.js';
import { PERSISTED_OPERATIONS_FILE } from '../../src/config/settings.js';
import { loadExamples } from '../../src/examples.js';
import type { DramaYoga } from '../../src/yoga.js';
import { errorCodes } from '../support/graphql.js';
import { type OpsService, opsService, post, URL_BASE } from '../support/ops.js';
import { issueTokens } from '../support/tokens.js';

interface Answer extends ExecutionResult<any> {
  status: number;
  headers: Headers;
}

const GRAPHQL = `${URL_BASE}/graphql`;
const extension = (sha256Hash: unknown, version: unknown = 1) => ({ persistedQuery: { version, sha256Hash } });

async function answer(response: Response): Promise<Answer> {
  return { status: response.status, headers: response.headers, ...((await response.json()) as ExecutionResult<any>) };
}
/** Apollo's first try: the hash alone, over GET. */
const byHash = async (yoga: DramaYoga, hash: unknown, headers: Record<string, string> = {}) =>
  answer(
    await yoga.fetch(`${GRAPHQL}?extensions=${encodeURIComponent(JSON.stringify(extension(hash)))}`, {
      headers: { accept: 'application/graphql-response+json', ...headers },
    }),
  );
/** Apollo's retry: the text with its hash, over POST. */
const register = async (yoga: DramaYoga, query: string, hash: unknown = operationId(query), headers = {}) =>
  answer(await yoga.fetch(GRAPHQL, post({ query, extensions: extension(hash) }, headers)));

const TITLE = '{ series(slug: "soundtrack-1") { title } }';
const unique = (label: string) => `query Q_${label.replace(/\W/g, '_')} { series(slug: "soundtrack-1") { title } }`;

describe('automatic persisted queries (allowed mode)', () => {
  let service: OpsService;
  let yoga: DramaYoga;
  beforeAll(async () => {
    service = await opsService();
    yoga = service.yoga();
  });
  afterAll(() => service.dispose());

  it('misses with PersistedQueryNotFound, registers the checked text, then answers the hash alone over a cacheable GET', async () => {
    const query = unique('round-trip');
    const miss = await byHash(yoga, operationId(query));
    expect(errorCodes(miss)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(miss.errors?.[0]?.message).toBe('PersistedQueryNotFound');
    expect(miss.status).toBe(400);
    const registered = await register(yoga, query);
    expect(registered.status).toBe(200);
    expect(registered.data).toEqual({ series: { title: 'Soundtrack #1' } });
    const before = service.store.roundTrips;
    const hit = await byHash(yoga, operationId(query));
    expect(hit.status).toBe(200);
    expect(hit.data).toEqual(registered.data);
    expect(hit.headers.get('cache-control')).toBe('public, max-age=60');
    expect(service.store.roundTrips).toBeGreaterThan(before);
  });

  it('registers a text whose answer the response cache already holds, and answers its hash from then on', async () => {
    const cachedYoga = service.yoga({ ops: { responseCacheTtlMs: 60_000 } });
    const query = unique('answered-from-cache');
    expect((await cachedYoga.fetch(GRAPHQL, post({ query }))).status).toBe(200);
    const before = service.store.roundTrips;
    const registered = await register(cachedYoga, query);
    expect(service.store.roundTrips).toBe(before);
    expect(registered.data).toEqual({ series: { title: 'Soundtrack #1' } });
    const hit = await byHash(cachedYoga, operationId(query));
    expect(hit.status).toBe(200);
    expect(hit.data).toEqual(registered.data);
  });

  it('answers a miss with 200 under application/json, as GraphQL over HTTP says', async () => {
    const miss = await byHash(yoga, operationId(unique('json-miss')), { accept: 'application/json' });
    expect(miss.status).toBe(200);
    expect(errorCodes(miss)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('refuses the hash of a different text with a coded 400 under any Accept, and keeps nothing', async () => {
    const query = unique('mismatch');
    const other = operationId(unique('something-else'));
    for (const accept of ['application/graphql-response+json', 'application/json']) {
      const refused = await register(yoga, query, other, { accept });
      expect(refused.status).toBe(400);
      expect(errorCodes(refused)).toEqual(['PERSISTED_QUERY_HASH_MISMATCH']);
      expect(refused.data).toBeUndefined();
    }
    expect(errorCodes(await byHash(yoga, other))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(errorCodes(await byHash(yoga, operationId(query)))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('takes the hash as 64 lowercase hex digits only: upper case, a prefix, __proto__ and a huge hash do not match', async () => {
    const query = unique('hash-forms');
    const hash = operationId(query);
    for (const wrong of [
      hash.toUpperCase(),
      hash.slice(0, 32),
      `${hash} `,
      '__proto__',
      'constructor',
      'f'.repeat(50_000),
    ]) {
      expect(errorCodes(await register(yoga, query, wrong))).toEqual(['PERSISTED_QUERY_HASH_MISMATCH']);
      expect(errorCodes(await byHash(yoga, wrong))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    }
    expect(errorCodes(await byHash(yoga, hash))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('refuses a persistedQuery of the wrong shape with 400 BAD_REQUEST, with or without the text', async () => {
    const query = unique('shapes');
    const hash = operationId(query);
    const shapes = [
      extension(hash, 2),
      extension(hash, '1'),
      extension(7),
      extension(null),
      extension({ hash }),
      extension([hash]),
      { persistedQuery: hash },
      { persistedQuery: [] },
    ];
    for (const extensions of shapes) {
      for (const body of [{ query, extensions }, { extensions }]) {
        const refused = await answer(await yoga.fetch(GRAPHQL, post(body)));
        expect(refused.status).toBe(400);
        expect(errorCodes(refused)).toEqual(['BAD_REQUEST']);
      }
    }
    expect(errorCodes(await byHash(yoga, hash))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('keeps only documents that pass every check: a parse error, an unknown field or a huge document is refused and not kept', async () => {
    const aliases = Array.from({ length: 3_000 }, (_, i) => `a${i}: __typename`).join(' ');
    const cases = [
      ['{ series(slug: "soundtrack-1") { title }', 'GRAPHQL_PARSE_FAILED'],
      ['{ nosuchfield }', 'GRAPHQL_VALIDATION_FAILED'],
      [`{ ${aliases} }`, 'TOKEN_LIMIT_EXCEEDED'],
    ] as const;
    for (const [query, code] of cases) {
      expect(errorCodes(await register(yoga, query))).toContain(code);
      expect(errorCodes(await byHash(yoga, operationId(query)))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    }
    const overBody = `{ ${'__typename '.repeat(20_000)}}`;
    expect((await register(yoga, overBody)).status).toBe(413);
    expect(errorCodes(await byHash(yoga, operationId(overBody)))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('hashes the UTF-8 of the text: Korean and an emoji register and hit; the same text in another Unicode form does not match', async () => {
    const text = (name: string) => `query Hangul { search(query: "${name}", first: 1) { score } } # 은수 🎵`;
    const composed = text('은수').normalize('NFC');
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const registered = await register(yoga, composed);
    expect(registered.status).toBe(200);
    expect(errorCodes(await register(yoga, decomposed, operationId(composed)))).toEqual([
      'PERSISTED_QUERY_HASH_MISMATCH',
    ]);
    const hit = await byHash(yoga, operationId(composed));
    expect(hit.data).toEqual(registered.data);
    const lone = '{ search(query: "\uD800", first: 1) { score } }';
    expect(errorCodes(await register(yoga, lone, 'deadbeef'))).toEqual(['PERSISTED_QUERY_HASH_MISMATCH']);
  });

  it('answers the committed list by hash: the examples as written and as Apollo Client prints them', async () => {
    const manifest = JSON.parse(readFileSync(APOLLO_MANIFEST_FILE, 'utf8')) as ApolloManifest;
    const ids = [
      ...loadExamples().map((example) => operationId(example.document)),
      ...manifest.operations.map((o) => o.id),
    ];
    for (const id of ids) {
      const hit = await byHash(yoga, id);
      expect(hit.status, id).toBe(200);
      expect(hit.errors).toBeUndefined();
    }
  });

  it('never runs a mutation over GET, even a registered one', async () => {
    const issued = issueTokens({ 'wiki-bot': ['write:catalog'] });
    const writer = service.yoga({ tokens: issued.tokens });
    const mutation = 'mutation DeleteNobody { deletePerson(slug: "nobody-at-all") { __typename } }';
    const registered = await register(writer, mutation, operationId(mutation), issued.bearer('wiki-bot'));
    expect(registered.errors).toBeUndefined();
    const overGet = await byHash(writer, operationId(mutation), issued.bearer('wiki-bot'));
    expect(overGet.status).toBe(405);
    expect(overGet.data).toBeUndefined();
    expect(overGet.headers.get('cache-control')).toBeNull();
  });
});

describe('the registered documents are bounded (APQ_MAX_ENTRIES, APQ_MAX_CHARS)', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());

  it('forgets the least recently used past APQ_MAX_ENTRIES, and shows the count in cache_entries', async () => {
    const yoga = service.yoga({ ops: { apq: { entries: 2, chars: 1_000_000 } } });
    const queries = ['one', 'two', 'three'].map(unique);
    for (const query of queries) expect((await register(yoga, query)).status).toBe(200);
    expect(errorCodes(await byHash(yoga, operationId(queries[0]!)))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    for (const query of queries.slice(1)) expect((await byHash(yoga, operationId(query))).status).toBe(200);
    const metrics = await (await yoga.fetch(`${URL_BASE}/metrics`)).text();
    expect(metrics).toMatch(/^cache_entries\{cache="apq"\} 2$/m);
  });

  it('does not keep a document longer than APQ_MAX_CHARS, but still answers it', async () => {
    const yoga = service.yoga({ ops: { apq: { entries: 100, chars: 40 } } });
    const query = unique('too-long-to-keep');
    expect(query.length).toBeGreaterThan(40);
    expect((await register(yoga, query)).data).toEqual({ series: { title: 'Soundtrack #1' } });
    expect(errorCodes(await byHash(yoga, operationId(query)))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });
});

describe('only-for-anonymous mode: anonymous clients get the committed list only', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());
  const issued = issueTokens({ 'wiki-bot': ['write:story'] });
  const strict = () =>
    service.yoga({
      tokens: issued.tokens,
      ops: { persisted: { mode: 'only-for-anonymous', file: PERSISTED_OPERATIONS_FILE, maxAgeSeconds: 60 } },
    });

  it('refuses an anonymous registration, saying what to do, and keeps nothing', async () => {
    const yoga = strict();
    const refused = await register(yoga, TITLE);
    expect(errorCodes(refused)).toEqual(['PERSISTED_QUERY_ONLY']);
    expect(refused.errors?.[0]?.message).toContain('persisted-query-manifest.json');
    expect(refused.errors?.[0]?.message).toContain('bearer token');
    const miss = await byHash(yoga, operationId(TITLE));
    expect(errorCodes(miss)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    expect(miss.errors?.[0]?.message).toContain('persisted-operations.json');
    expect((await byHash(yoga, operationId(TITLE), issued.bearer('wiki-bot'))).errors?.[0]?.message).toBe(
      'PersistedQueryNotFound',
    );
  });

  it('lets a token register, but what a token registered stays out of reach of anonymous clients', async () => {
    const yoga = strict();
    const query = unique('token-only');
    expect((await register(yoga, query, operationId(query), issued.bearer('wiki-bot'))).status).toBe(200);
    expect((await byHash(yoga, operationId(query), issued.bearer('wiki-bot'))).status).toBe(200);
    expect(errorCodes(await byHash(yoga, operationId(query)))).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
  });

  it('answers anonymous clients every example by hash, as written and as Apollo Client prints it', async () => {
    const yoga = strict();
    const manifest = JSON.parse(readFileSync(APOLLO_MANIFEST_FILE, 'utf8')) as ApolloManifest;
    for (const { id } of manifest.operations) expect((await byHash(yoga, id)).status).toBe(200);
    const example = loadExamples()[0]!;
    expect((await byHash(yoga, operationId(example.document))).status).toBe(200);
    expect((await register(yoga, example.document)).status).toBe(400);
  });
});
