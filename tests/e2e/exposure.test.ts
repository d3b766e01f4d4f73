import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOpsSettings } from '../../src/config/settings.js';
import { errorCodes, graphql } from '../support/graphql.js';
import { type OpsService, opsService, post, URL_BASE } from '../support/ops.js';

const TITLE = '{ series(slug: "soundtrack-1") { title } }';

describe('a service that is safe to expose', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());

  it('limits requests per client and says when to come back: 429 RATE_LIMITED with Retry-After', async () => {
    const yoga = service.yoga({ ops: { rateLimit: { max: 2, windowMs: 30_000 } } });
    const from = (remoteAddress: string) => ({ req: { socket: { remoteAddress } } });
    const send = (headers: Record<string, string> = {}, ip = '10.0.0.1') =>
      yoga.fetch(`${URL_BASE}/graphql`, post({ query: TITLE }, headers), from(ip));
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(29);
    expect(await refused.json()).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: 'RATE_LIMITED' } }],
    });
    expect((await send({ authorization: 'Bearer made-up' })).status).toBe(429);
    expect((await send({}, '10.0.0.2')).status).toBe(200);
    expect((await yoga.fetch(`${URL_BASE}/health`)).status).toBe(200);
    // The widget's script and demo page: a reader over the limit still gets a widget that says why it is empty.
    for (const path of ['/widget.js', '/widget']) {
      const page = await yoga.fetch(`${URL_BASE}${path}`, {}, from('10.0.0.1'));
      expect(page.status, path).toBe(200);
      expect((await page.arrayBuffer()).byteLength, path).toBeGreaterThan(0);
    }
    expect((await send()).status).toBe(429);
  });

  it('behind TRUST_PROXY_HOPS proxies, counts each address they forward for; without, one bucket for what comes from the proxy', async () => {
    const proxy = { req: { socket: { remoteAddress: '10.0.0.254' } } };
    const send = (yoga: ReturnType<OpsService['yoga']>, forwardedFor: string) =>
      yoga.fetch(`${URL_BASE}/graphql`, post({ query: TITLE }, { 'x-forwarded-for': forwardedFor }), proxy);
    const behind = service.yoga({ ops: { rateLimit: { max: 1, windowMs: 30_000 }, proxyHops: 1 } });
    expect((await send(behind, '203.0.113.1')).status).toBe(200);
    expect((await send(behind, '203.0.113.1')).status).toBe(429);
    expect((await send(behind, '203.0.113.2')).status).toBe(200);
    // What a client writes before the proxy's own entry does not make it another client.
    expect((await send(behind, '198.51.100.9, 203.0.113.1')).status).toBe(429);
    const direct = service.yoga({ ops: { rateLimit: { max: 1, windowMs: 30_000 } } });
    expect((await send(direct, '203.0.113.1')).status).toBe(200);
    expect((await send(direct, '203.0.113.2')).status).toBe(429);
  });

  it('answers CORS only for allowlisted origins', async () => {
    const yoga = service.yoga({ ops: { corsOrigins: ['https://wiki.example'] } });
    const preflight = (origin: string) =>
      yoga.fetch(`${URL_BASE}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    expect((await preflight('https://wiki.example')).headers.get('access-control-allow-origin')).toBe(
      'https://wiki.example',
    );
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const simple = await yoga.fetch(`${URL_BASE}/graphql`, post({ query: TITLE }, { origin: 'https://evil.example' }));
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows no cross-origin callers by default', async () => {
    const response = await service
      .yoga()
      .fetch(`${URL_BASE}/graphql`, post({ query: TITLE }, { origin: 'https://wiki.example' }));
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('can turn introspection off: __schema and __type get INTROSPECTION_DISABLED, __typename still works', async () => {
    const yoga = service.yoga({ ops: { introspection: false } });
    expect(errorCodes(await graphql(yoga, '{ __schema { queryType { name } } }'))).toEqual(['INTROSPECTION_DISABLED']);
    expect(errorCodes(await graphql(yoga, '{ __type(name: "Series") { name } }'))).toEqual(['INTROSPECTION_DISABLED']);
    expect((await graphql(yoga, '{ __typename }')).data).toEqual({ __typename: 'Query' });
    expect((await graphql(service.yoga(), '{ __type(name: "Series") { name } }')).data).toEqual({
      __type: { name: 'Series' },
    });
  });

  it('refuses introspection however it is asked: one coded 400 error per __schema or __type, aliased, in fragments, by GET', async () => {
    const yoga = service.yoga({ ops: { introspection: false } });
    const refusal = (field: string) => ({
      message: `Introspection is disabled: ${field} is not available.`,
      extensions: { code: 'INTROSPECTION_DISABLED' },
    });
    const schemaAnswer = await graphql(yoga, '{ __schema { queryType { name fields { name type { name } } } } }');
    expect(schemaAnswer).toEqual({ status: 400, errors: [refusal('__schema')] });
    const aliased = await graphql(
      yoga,
      'query Q { ...F t: __typename } fragment F on Query { a: __schema { types { name } } b: __type(name: "Series") { name } }',
    );
    expect(aliased).toEqual({ status: 400, errors: [refusal('__schema'), refusal('__type')] });
    const viaGet = await yoga.fetch(
      `${URL_BASE}/graphql?query=${encodeURIComponent('{ __type(name: "Query") { name } }')}`,
      { headers: { accept: 'application/graphql-response+json' } },
    );
    expect({ status: viaGet.status, body: await viaGet.json() }).toEqual({
      status: 400,
      body: { errors: [refusal('__type')] },
    });
    const full = await graphql(yoga, getIntrospectionQuery());
    expect(full.status).toBe(400);
    expect(errorCodes(full)).toEqual(['INTROSPECTION_DISABLED']);
  });

  it("lets GraphiQL's full introspection query through the default limits", async () => {
    const options = {
      descriptions: true,
      inputValueDeprecation: true,
      specifiedByUrl: true,
      schemaDescription: true,
      directiveIsRepeatable: true,
    };
    expect((await graphql(service.yoga(), getIntrospectionQuery(options))).errors).toBeUndefined();
  });

  it('can turn GraphiQL off', async () => {
    const html = { headers: { accept: 'text/html' } };
    const on = await service.yoga({ graphiql: undefined, ops: { graphiql: true } }).fetch(`${URL_BASE}/graphql`, html);
    const off = await service
      .yoga({ graphiql: undefined, ops: { graphiql: false } })
      .fetch(`${URL_BASE}/graphql`, html);
    expect(await on.text()).toContain('Drama knowledge graph');
    expect(off.headers.get('content-type') ?? '').not.toContain('text/html');
  });

  it('serves GraphiQL only at /graphql, to a client preferring a page, within the rate limit (red team 70)', async () => {
    const yoga = service.yoga({ graphiql: true, ops: { rateLimit: { max: 3, windowMs: 30_000 } } });
    const from = { req: { socket: { remoteAddress: '10.0.7.1' } } };
    const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const page = (path: string, accept = BROWSER, method = 'GET') =>
      yoga.fetch(`${URL_BASE}${path}`, { method, headers: { accept } }, from);
    const served = await page('/graphql');
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(served.headers.get('vary')).toMatch(/\bAccept\b/);
    expect(await served.text()).toContain('Drama knowledge graph');
    const head = await page('/graphql', BROWSER, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await head.text()).toBe('');
    // Not a page: other paths ending in /graphql, a client listing JSON as high, or */* alone (curl).
    for (const [path, accept] of [
      ['///graphql', BROWSER],
      ['/x/graphql', BROWSER],
      ['/graphql', 'application/json, text/html'],
    ] as const) {
      const answer = await page(path, accept);
      expect(answer.headers.get('content-type') ?? '', `${path} ${accept}`).not.toContain('text/html');
    }
    // The fourth request from this client: over the limit, the page too.
    const refused = await page('/graphql');
    expect(refused.status).toBe(429);
  });

  it('turns introspection and GraphiQL off in production unless told otherwise', () => {
    const settings = (env: NodeJS.ProcessEnv) => parseOpsSettings(env).data!;
    expect(settings({ NODE_ENV: 'production' })).toMatchObject({
      production: true,
      introspection: false,
      graphiql: false,
    });
    expect(settings({ NODE_ENV: 'production', INTROSPECTION: 'true' })).toMatchObject({
      introspection: true,
      graphiql: false,
    });
    expect(settings({})).toMatchObject({ production: false, introspection: true, graphiql: true, corsOrigins: [] });
    expect(settings({ CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    // Written as a browser would not send it: the origin it means (red team 69: these never matched).
    expect(
      settings({ CORS_ORIGINS: 'https://Wiki.Example/,https://c.example:443,https://例え.jp' }).corsOrigins,
    ).toEqual(['https://wiki.example', 'https://c.example', 'https://xn--r8jz45g.jp']);
    for (const hostile of [
      'not a url',
      '*',
      'null',
      'https://a.example/path',
      'ftp://a.example',
      '__proto__',
      'https://a.example?x=1',
      // Red team 70: ones a URL parser normalises away.
      'https://a.example/?',
      'https://a.example/#',
      'https://a.example/%2e',
      'https://a.example/./',
      'https://a.example/..',
      'https://@a.example',
      'https://a.example\\',
      // Red team 71: a wildcard or a separator inside the host.
      'https://*.example',
      'https://wiki.*',
      'https://wiki.example;',
    ]) {
      const parsed = parseOpsSettings({ CORS_ORIGINS: `https://ok.example,${hostile}` });
      expect(parsed.success, hostile).toBe(false);
      expect(parsed.error?.issues[0]?.message, hostile).toMatch(/is not an origin/);
    }
  });

  it('masks unexpected errors: no stack traces, no internals', async () => {
    const store = service.store as { seriesByKeys: (keys: readonly string[]) => Promise<unknown> };
    const original = store.seriesByKeys;
    store.seriesByKeys = () => Promise.reject(new Error('secret internals at /srv/app.js:1'));
    try {
      const response = await graphql(service.yoga(), TITLE);
      expect(JSON.stringify(response)).not.toContain('secret internals');
      expect(JSON.stringify(response)).not.toContain('stack');
    } finally {
      store.seriesByKeys = original;
    }
  });
});
