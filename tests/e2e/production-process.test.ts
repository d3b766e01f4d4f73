import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { postQuery, startServerProcess, stopServerProcess } from '../support/server-process.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-production-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

it('npm start with NODE_ENV=production: no GraphiQL, no introspection, a rate limit per IP, /metrics', async () => {
  const server = await startServerProcess({
    DATA_DIR: dataDir,
    NEO4J_URI: '',
    NODE_ENV: 'production',
    RATE_LIMIT_MAX: '3',
  });
  try {
    const page = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
    const introspection = await postQuery(server.url, '{ __schema { queryType { name } } }');
    expect(introspection.errors[0].extensions.code).toBe('INTROSPECTION_DISABLED');
    expect((await postQuery(server.url, '{ series(slug: "soundtrack-1") { title } }')).data.series.title).toBe(
      'Soundtrack #1',
    );
    const refused = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    const metrics = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toContain('graphql_errors_total{code="RATE_LIMITED"} 1');
    expect(metrics).toContain('graphql_errors_total{code="INTROSPECTION_DISABLED"} 1');
  } finally {
    expect(await stopServerProcess(server)).toBe(0);
  }
});

it('npm start with NODE_ENV=production: malformed requests get coded 4xx, logged, with no stack, path or suggestion', async () => {
  const server = await startServerProcess({
    DATA_DIR: dataDir,
    NEO4J_URI: '',
    NODE_ENV: 'production',
    SEED_ON_START: 'false',
  });
  const send = async (body: string) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        'x-request-id': 'hostile',
      },
      body,
    });
    return { status: response.status, text: await response.text() };
  };
  try {
    const bodies = [
      '{"query":"query Q { __typename }","operationName":5}',
      '{"query":"query Q { __typename }","operationName":{"a":1}}',
      '{"query":"query Q { __typename }","operationName":true}',
      '{}',
      '{"query":0}',
      '{"qurey":"{ __typename }"}',
      `{"query":"{ __typename }","variables":{"v":${'['.repeat(15_000)}${']'.repeat(15_000)}}}`,
      '{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"__proto__"}}}',
      '{"query":"subscription { __typename }"}',
      '{"query":"{ serie { title } }"}',
    ];
    for (const body of bodies) {
      const { status, text } = await send(body);
      expect(status, body.slice(0, 80)).toBe(400);
      expect(JSON.parse(text).errors[0].extensions.code, body.slice(0, 80)).toEqual(expect.any(String));
      expect(text).not.toMatch(/\/src\/|node_modules|\.ts:\d|\n\s+at |Did you mean/);
    }
    // Log lines reach us through the child's stdout, after the responses.
    await vi.waitFor(
      () => expect(server.logs.filter((line) => line.includes('"requestId":"hostile"'))).toHaveLength(bodies.length),
      { timeout: 20_000 },
    );
  } finally {
    expect(await stopServerProcess(server)).toBe(0);
  }
});
