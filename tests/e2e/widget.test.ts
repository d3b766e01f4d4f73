import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPersistedOperations, operationId } from '../../src/config/persisted-operations.js';
import { PERSISTED_OPERATIONS_FILE } from '../../src/config/settings.js';
import { loadExamples } from '../../src/examples.js';
import { type OpsService, opsService, URL_BASE } from '../support/ops.js';

const WIDGET_OPERATION = loadExamples().find((example) => example.name === 'widget-recommendations')!.document;
const ALLOWED = 'https://wiki.example';
const widgetQuery = (series: string, watchedThrough: number) =>
  `/graphql?operationName=WidgetRecommendations&variables=${encodeURIComponent(
    JSON.stringify({ series, watchedThrough }),
  )}&extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: operationId(WIDGET_OPERATION) } }))}`;

describe('the recommendation widget over HTTP', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(async () => {
    await service?.dispose();
  });
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    service
      .yoga({ ops: { corsOrigins: [ALLOWED], responseCacheTtlMs: 60_000 } })
      .fetch(`${URL_BASE}${path}`, { method, headers });

  it('serves /widget.js as one cacheable JavaScript module of at most 20 KB gzipped, loadable from any page', async () => {
    const response = await get('/widget.js', { origin: 'https://anyone.example' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    // With an allowlist an allowed origin gets its own CORS headers, so the script varies on Origin; without one
    // it is the same for every page, and a CDN keeps one copy (red team 71).
    expect(response.headers.get('vary')).toContain('Origin');
    const open = await service.yoga().fetch(`${URL_BASE}/widget.js`, { headers: { origin: 'https://anyone.example' } });
    expect(open.headers.get('access-control-allow-origin')).toBe('*');
    expect(open.headers.get('vary') ?? '').not.toContain('Origin');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const code = await response.text();
    expect(code).toContain('customElements.define("drama-recommendations"');
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(gzipSync(code).length).toBeLessThanOrEqual(20 * 1024);
    expect(code).toContain(operationId(WIDGET_OPERATION));
    expect(code).not.toContain('unsafeHTML');
  });

  it('names the operation that the committed persisted list holds', () => {
    const committed = loadPersistedOperations(PERSISTED_OPERATIONS_FILE);
    expect(committed.get(operationId(WIDGET_OPERATION))).toBe(WIDGET_OPERATION);
    expect(readFileSync(PERSISTED_OPERATIONS_FILE, 'utf8')).toContain('query WidgetRecommendations');
  });

  it('is answered for anonymous clients when only persisted operations are allowed', async () => {
    const yoga = service.yoga({
      ops: { persisted: { mode: 'only-for-anonymous', file: PERSISTED_OPERATIONS_FILE, maxAgeSeconds: 60 } },
    });
    const response = await yoga.fetch(`${URL_BASE}${widgetQuery('soundtrack-1', 3)}`, {
      headers: { accept: 'application/graphql-response+json' },
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.series.recommendations.length).toBeGreaterThan(0);
  });

  it('answers 304 to a matching If-None-Match, HEAD without a body, and 405 to other methods', async () => {
    const first = await get('/widget.js');
    const etag = first.headers.get('etag')!;
    // Weak in every form: plain, compressed and in a 304 (red team 70 saw a 304 to a brotli request carry a
    // strong tag that the compressed 200 did not).
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    const again = await get('/widget.js', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const stale = await get('/widget.js', { 'if-none-match': '"something-else"' });
    expect(stale.status).toBe(200);
    // Its bytes depend on the coding alone (and Origin, with an allowlist): no other header splits a CDN's copies.
    expect(first.headers.get('vary')).not.toMatch(/X-Watched-Through|\bAccept(?!-)/);
    const gzipped = await get('/widget.js', { 'accept-encoding': 'gzip' });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(gzipped.headers.get('etag')).toBe(etag);
    for (const ifNoneMatch of [etag, etag.slice(2), `"x", ${etag}`, '*']) {
      const revalidated = await get('/widget.js', { 'if-none-match': ifNoneMatch, 'accept-encoding': 'br' });
      expect(revalidated.status, ifNoneMatch).toBe(304);
      expect(revalidated.headers.get('etag')).toBe(etag);
    }
    // HEAD answers the GET's headers, its coding and length included (red team 70).
    for (const path of ['/widget.js', '/widget']) {
      const got = await get(path, { 'accept-encoding': 'br' });
      const head = await get(path, { 'accept-encoding': 'br' }, 'HEAD');
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      for (const name of ['content-type', 'content-encoding', 'content-length', 'etag', 'cache-control', 'vary'])
        expect(head.headers.get(name), `${path} ${name}`).toBe(got.headers.get(name));
    }
    for (const path of ['/widget.js', '/widget']) {
      const posted = await get(path, {}, 'POST');
      expect(posted.status).toBe(405);
      expect(posted.headers.get('allow')).toBe('GET, HEAD');
      expect((await posted.json()).errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
    }
  });

  it('serves a demo page at /widget that loads the script from its own origin under a strict CSP', async () => {
    const response = await get('/widget');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/widget.js"></script>');
    expect(html).toContain('<drama-recommendations series="soundtrack-1" watched-through="3">');
  });

  it('gives allowlisted origins CORS on the persisted GET, marks it as varying by Origin, and others nothing', async () => {
    const url = widgetQuery('soundtrack-1', 3);
    const allowed = await get(url, { origin: ALLOWED, accept: 'application/graphql-response+json' });
    expect(allowed.status).toBe(200);
    expect((await allowed.json()).data.series.title).toBe('Soundtrack #1');
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(allowed.headers.get('vary')).toMatch(/\bOrigin\b/);
    const refused = await get(url, { origin: 'https://elsewhere.example' });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('vary')).toMatch(/\bOrigin\b/);
  });
});
