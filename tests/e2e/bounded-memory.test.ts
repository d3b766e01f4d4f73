import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpsSettings, parseOpsSettings } from '../../src/config/settings.js';
import { documentTokens } from '../../src/plugins/document-cache.js';
import type { DramaYoga } from '../../src/yoga.js';
import { type OpsService, opsService, post, URL_BASE } from '../support/ops.js';

const REQUESTS = 20_000;
/** Small bounds, so that 20,000 requests overflow each of them many times. */
const BOUNDS = {
  RATE_LIMIT_MAX_CLIENTS: 1_000,
  DOCUMENT_CACHE_MAX: 500,
  RESPONSE_CACHE_MAX_ENTRIES: 300,
  APQ_MAX_ENTRIES: 200,
};
/** Generous: 11 persisted operation names, anonymous and other, a few statuses, about 30 error codes. */
const METRICS_MAX_BYTES = 64_000;
/** Heap growth over the 20,000 requests, after full collections; unbounded label sets alone grew it by hundreds of MB. */
const HEAP_GROWTH_MAX_BYTES = 64 * 1024 * 1024;
/** Resident memory growth over the same requests: the 60,000 unbounded ones had reached 1.6 GB. */
const RSS_GROWTH_MAX_BYTES = 256 * 1024 * 1024;

function production(bounds: Record<string, number> = BOUNDS): OpsSettings {
  const env = Object.fromEntries(Object.entries(bounds).map(([name, value]) => [name, String(value)]));
  const parsed = parseOpsSettings({ NODE_ENV: 'production', RATE_LIMIT_MAX: '1000000', ...env });
  if (!parsed.success) throw parsed.error;
  return { ...parsed.data, warmRecommendations: false };
}

/** A full collection when V8 lets us ask for one; the bound on the heap is generous enough either way. */
function collectGarbage() {
  setFlagsFromString('--expose-gc');
  const gc = (globalThis.gc ?? runInNewContext('gc')) as (() => void) | undefined;
  for (let i = 0; i < 3; i += 1) gc?.();
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const cacheEntries = (metrics: string) =>
  Object.fromEntries(
    [...metrics.matchAll(/^cache_entries\{cache="(\w+)"\} (\d+)$/gm)].map((match) => [match[1], Number(match[2])]),
  );

/** One request of many kinds, each unique: a new client, a new operation name, a new document. */
async function request(yoga: DramaYoga, i: number): Promise<string> {
  const from = { req: { socket: { remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` } } };
  const name = `Op_${i}_${(i * 7919).toString(36)}`;
  const bodies = [
    { query: `query ${name} { series(slug: "soundtrack-1") { title } a${i}: __typename }` },
    { query: `query ${name} { nosuchfield${i} }` },
    { query: '{ __typename }', operationName: name },
    { query: `query ${name} { __typename }`, operationName: i },
    { extensions: { persistedQuery: { version: 1, sha256Hash: `${i}`.padStart(64, 'f') } }, operationName: name },
    { query: `query ${name}($s: String!) { series(slug: $s) { title } }`, variables: { s: `slug-${i}` } },
    { query: `query ${name} { __typename`.repeat(1 + (i % 3)) },
    {
      query: `query ${name} { __typename }`,
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(`query ${name} { __typename }`) } },
    },
  ];
  const response = await yoga.fetch(`${URL_BASE}/graphql`, post(bodies[i % bodies.length]), from);
  return response.text();
}

describe('memory stays bounded whatever clients send', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());

  it(`after ${REQUESTS} requests with unique clients, operation names and documents, /metrics and every cache stay within their bounds`, async () => {
    const yoga = service.yoga({ ops: production() });
    const run = async (from: number, to: number) => {
      const inFlight = 8;
      for (let start = from; start < to; start += inFlight) {
        await Promise.all(Array.from({ length: Math.min(inFlight, to - start) }, (_, k) => request(yoga, start + k)));
      }
    };
    await run(0, 2_000);
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    await run(2_000, REQUESTS);
    collectGarbage();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    console.log(
      `bounded memory: heap +${(heapGrowth / 2 ** 20).toFixed(1)} MB, rss +${(rssGrowth / 2 ** 20).toFixed(1)} MB`,
    );

    const metrics = await (await yoga.fetch(`${URL_BASE}/metrics`)).text();
    expect(metrics.length).toBeLessThan(METRICS_MAX_BYTES);
    expect(new Set([...metrics.matchAll(/operation="([^"]*)"/g)].map((match) => match[1]))).toEqual(
      new Set(['anonymous', 'other']),
    );
    const total = [...metrics.matchAll(/^graphql_requests_total\{[^}]*\} (\d+)$/gm)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
    expect(total).toBe(REQUESTS);

    const entries = cacheEntries(metrics);
    expect(Object.keys(entries).sort()).toEqual([
      'apq',
      'documents',
      'parse_errors',
      'rate_limit_clients',
      'responses',
    ]);
    expect(entries.apq).toBe(BOUNDS.APQ_MAX_ENTRIES);
    expect(entries.rate_limit_clients).toBe(BOUNDS.RATE_LIMIT_MAX_CLIENTS);
    expect(entries.documents).toBeGreaterThan(0);
    expect(entries.documents).toBeLessThanOrEqual(BOUNDS.DOCUMENT_CACHE_MAX);
    expect(entries.parse_errors).toBeGreaterThan(0);
    expect(entries.parse_errors).toBeLessThanOrEqual(BOUNDS.DOCUMENT_CACHE_MAX);
    expect(entries.responses).toBeGreaterThan(0);
    expect(entries.responses).toBeLessThanOrEqual(BOUNDS.RESPONSE_CACHE_MAX_ENTRIES);

    expect(heapGrowth).toBeLessThan(HEAP_GROWTH_MAX_BYTES);
    expect(rssGrowth).toBeLessThan(RSS_GROWTH_MAX_BYTES);
  }, 900_000);
});

/** A series page under 9 aliases (about 560 tokens); each one parsed took 240 KB of heap and, compiled, 1.3 MB. */
function heavyDocument(i: number): string {
  const page = `series(slug: "soundtrack-1") { id title cast { person { name } character { name } } crew { person { name } role } episodes { number events { sequence kind summary agent { name } target { name } participants { character { name portrayedBy { name } } role } } } }`;
  return `query Heavy_${i} { ${Array.from({ length: 9 }, (_, k) => `h${i}_${k}: ${page}`).join(' ')} }`;
}

describe('memory stays bounded when every document is distinct and heavy', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());

  // Red team: 1,000 such documents, each sent twice, killed the built service (512 MB of heap); the parse
  // cache bounded them by count and characters, graphql-jit by count, and cached answers were kept as objects.
  it('keeps the parse cache, compiled code and cached answers within their bounds in tokens and characters', async () => {
    const bounds = { DOCUMENT_CACHE_MAX_TOKENS: 40_000, JIT_MAX_TOKENS: 10_000, RESPONSE_CACHE_MAX_CHARS: 4_000_000 };
    const yoga = service.yoga({ ops: production(bounds) });
    const send = async (i: number) => {
      const from = { req: { socket: { remoteAddress: `10.9.${(i >> 8) & 255}.${i & 255}` } } };
      const response = await yoga.fetch(`${URL_BASE}/graphql`, post({ query: heavyDocument(i) }), from);
      const body = (await response.json()) as { data?: Record<string, { title: string }>; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data?.[`h${i}_8`]?.title).toBe('Soundtrack #1');
    };
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const documents = 400;
    for (const _round of [1, 2])
      for (let start = 0; start < documents; start += 8)
        await Promise.all(Array.from({ length: 8 }, (_, k) => send(start + k)));
    collectGarbage();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    console.log(`heavy documents: heap +${(heapGrowth / 2 ** 20).toFixed(1)} MB`);

    const entries = cacheEntries(await (await yoga.fetch(`${URL_BASE}/metrics`)).text());
    expect(entries.documents).toBeGreaterThan(0);
    const tokens = documentTokens(parse(heavyDocument(documents)));
    expect(entries.documents).toBeLessThanOrEqual(Math.floor(bounds.DOCUMENT_CACHE_MAX_TOKENS / tokens));
    expect(entries.responses).toBeGreaterThan(0);
    // 400 parsed documents alone held about 96 MB, and 100 compiled ones 130 MB.
    expect(heapGrowth).toBeLessThan(64 * 1024 * 1024);
  }, 900_000);
});
