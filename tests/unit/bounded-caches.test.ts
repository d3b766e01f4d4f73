import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadPersistedOperations, persistedOperationNames } from '../../src/config/persisted-operations.js';
import { PERSISTED_OPERATIONS_FILE, parseOpsSettings } from '../../src/config/settings.js';
import { createMetrics, MAX_ERROR_CODE_LABELS } from '../../src/metrics.js';
import { createDocumentCaches, documentTokens } from '../../src/plugins/document-cache.js';
import { nestsDeeperThan } from '../../src/plugins/request-params.js';
import { type CachedAnswer, createDramaResponseCache } from '../../src/plugins/response-cache.js';
import type { DramaStore } from '../../src/store/port.js';

const answer = (chars: number): CachedAnswer => ({
  body: JSON.stringify({ data: { text: 'x'.repeat(chars) } }),
  headers: { ETag: 'e', 'Last-Modified': 'Fri, 04 Dec 2026 12:00:00 GMT' },
});

describe('the response cache', () => {
  it('holds at most its entries, drops the least recently used, and skips a response over its size', async () => {
    const handle = createDramaResponseCache({ responses: 3, responseChars: 1_000, responsesTotalChars: 10_000 });
    for (const id of ['a', 'b', 'c', 'd']) await handle.cache.set(id, answer(10), 60_000);
    expect(handle.size()).toBe(3);
    expect(await handle.cache.get('a')).toBeNull();
    expect(await handle.cache.get('d')).toEqual(answer(10));
    await handle.cache.set('huge', answer(2_000), 60_000);
    expect(await handle.cache.get('huge')).toBeNull();
    expect(handle.size()).toBe(3);
  });

  it('bounds the sum of the responses, not only their number', async () => {
    const handle = createDramaResponseCache({ responses: 1_000, responseChars: 1_000, responsesTotalChars: 2_500 });
    for (let i = 0; i < 10; i += 1) await handle.cache.set(`r${i}`, answer(900), 60_000);
    expect(handle.size()).toBeLessThanOrEqual(2);
  });

  it('forgets every response when invalidated, also after evictions and for ids like __proto__', async () => {
    const handle = createDramaResponseCache({ responses: 2, responseChars: 1_000, responsesTotalChars: 10_000 });
    await handle.cache.set('old', answer(1), 60_000);
    await handle.cache.set('__proto__', answer(1), 60_000);
    await handle.cache.set('constructor', answer(1), 60_000);
    expect(await handle.cache.get('old')).toBeNull();
    expect(await handle.cache.get('constructor')).not.toBeNull();
    expect(await handle.cache.get('__proto__')).not.toBeNull();
    const before = handle.generation();
    await handle.cache.invalidate();
    expect(await handle.cache.get('__proto__')).toBeNull();
    expect(await handle.cache.get('constructor')).toBeNull();
    expect(handle.size()).toBe(0);
    expect(handle.generation()).toBe(before + 1);
  });
});

describe('the parse cache', () => {
  it('holds at most its documents, and at most its characters', () => {
    const byCount = createDocumentCaches({ documents: 5, documentChars: 1_000_000, documentTokens: 1_000_000 });
    for (let i = 0; i < 50; i += 1) byCount.errorCache.set(`{ f${i} `, new Error('x'));
    expect(byCount.errorCache.size).toBe(5);
    const byChars = createDocumentCaches({ documents: 1_000, documentChars: 10_000, documentTokens: 1_000_000 });
    for (let i = 0; i < 50; i += 1) byChars.errorCache.set(`${i}`.padEnd(3_000, ' '), new Error('x'));
    expect(byChars.errorCache.size).toBeLessThanOrEqual(3);
    const text = (i: number) => `{ a${i}: series(slug: "x") { title } }`.padEnd(3_000, ' ');
    for (let i = 0; i < 50; i += 1) byChars.documentCache.set(text(i), parse(text(i)));
    expect(byChars.documentCache.size).toBeLessThanOrEqual(3);
  });

  it('holds at most its tokens, however few characters they take', () => {
    // 2 characters a token: a document's heap grows with its tokens (and their AST nodes), not its text.
    const dense = (i: number) => `{${' a'.repeat(99)} b${i} }`;
    expect(documentTokens(parse(dense(0)))).toBe(104);
    const caches = createDocumentCaches({ documents: 1_000, documentChars: 1_000_000, documentTokens: 1_000 });
    for (let i = 0; i < 50; i += 1) caches.documentCache.set(dense(i), parse(dense(i)));
    expect(caches.documentCache.size).toBe(9);
    expect(caches.documentCache.has(dense(49))).toBe(true);
    // A bound of 0 tokens keeps nothing, and does not throw.
    const none = createDocumentCaches({ documents: 1_000, documentChars: 1_000_000, documentTokens: 0 });
    none.documentCache.set(dense(1), parse(dense(1)));
    expect(none.documentCache.size).toBe(0);
  });
});

describe('metric labels', () => {
  const store = { roundTrips: 0 } as DramaStore;

  it('name the persisted operations and nothing else', async () => {
    const names = persistedOperationNames(loadPersistedOperations(PERSISTED_OPERATIONS_FILE));
    expect(names.length).toBeGreaterThan(5);
    const metrics = createMetrics(store, { operationNames: names });
    for (const operation of [names[0]!, 'Unknown', '__proto__', 'constructor', null])
      metrics.observe({ operation, status: 200, durationMs: 1, errorCodes: [] });
    const text = await metrics.registry.metrics();
    expect(new Set([...text.matchAll(/operation="([^"]*)"/g)].map((match) => match[1]))).toEqual(
      new Set([names[0], 'other', 'anonymous']),
    );
  });

  it(`hold at most ${MAX_ERROR_CODE_LABELS} error codes, and only well-formed ones`, async () => {
    const metrics = createMetrics(store);
    const codes = [...Array.from({ length: 200 }, (_, i) => `CODE_${i}`), 'lower', 'x'.repeat(500), '"}\n'];
    metrics.observe({ operation: null, status: 400, durationMs: 1, errorCodes: codes });
    const labels = new Set(
      [...(await metrics.registry.metrics()).matchAll(/code="([^"]*)"/g)].map((match) => match[1]),
    );
    expect(labels.size).toBe(MAX_ERROR_CODE_LABELS + 1);
    expect(labels).toContain('OTHER');
  });
});

describe('input depth', () => {
  it('is measured without recursion, at any depth', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i += 1) deep = [deep];
    expect(nestsDeeperThan(deep, 32)).toBe(true);
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: {} }] }, 3)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });
});

describe('the bounds in the environment', () => {
  it('have stated defaults and can be set', () => {
    const defaults = parseOpsSettings({}).data!;
    expect(defaults.rateLimit.maxClients).toBe(50_000);
    expect(defaults.inputDepth).toBe(32);
    expect(defaults.caches).toEqual({
      documents: 1_000,
      documentChars: 10_000_000,
      documentTokens: 100_000,
      responses: 1_000,
      responseChars: 1_000_000,
      responsesTotalChars: 32_000_000,
    });
    const set = parseOpsSettings({
      RATE_LIMIT_MAX_CLIENTS: '10',
      MAX_INPUT_DEPTH: '8',
      DOCUMENT_CACHE_MAX: '7',
      DOCUMENT_CACHE_MAX_TOKENS: '500',
      RESPONSE_CACHE_MAX_CHARS: '99',
      JIT_MAX_TOKENS: '0',
    }).data!;
    expect(set).toMatchObject({
      rateLimit: { maxClients: 10 },
      inputDepth: 8,
      caches: { documents: 7, documentTokens: 500, responsesTotalChars: 99 },
      jitMaxTokens: 0,
    });
    expect(defaults.jitMaxTokens).toBe(10_000);
    for (const bad of ['-1', '1e6', ' 5', 'Infinity', '0x10'])
      expect(parseOpsSettings({ DOCUMENT_CACHE_MAX_TOKENS: bad }).success).toBe(false);
    expect(parseOpsSettings({ MAX_INPUT_DEPTH: '-1' }).success).toBe(false);
  });
});
