import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExamples } from '../../src/examples.js';
import { createLogger } from '../../src/logger.js';
import { graphql } from '../support/graphql.js';
import { type OpsService, opsService, post, URL_BASE } from '../support/ops.js';

const SECRET = 'Bearer s3cret-token-value';
const PASSWORD = 'hunter2-password';

describe('logs and metrics', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());

  const logged = () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
    return { lines, yoga: service.yoga({ logger }) };
  };

  it('logs one JSON line per request: request id, operation name, status, duration', async () => {
    const { lines, yoga } = logged();
    const response = await yoga.fetch(
      `${URL_BASE}/graphql`,
      post({ query: 'query Title { series(slug: "soundtrack-1") { title } }' }, { 'x-request-id': 'req-42' }),
    );
    expect(response.headers.get('x-request-id')).toBe('req-42');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({
        msg: 'request',
        requestId: 'req-42',
        operationName: 'Title',
        status: 200,
        durationMs: expect.any(Number),
        errorCodes: [],
      }),
    );
  });

  it('keeps the request id and operation name when a streamed body is buffered by the body limit', async () => {
    const { lines, yoga } = logged();
    const body = new Blob([JSON.stringify({ query: 'query Streamed { __typename }' })]).stream();
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-s' },
      body,
      duplex: 'half',
    };
    const response = await yoga.fetch(`${URL_BASE}/graphql`, init as RequestInit);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    expect(response.headers.get('x-request-id')).toBe('req-s');
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ requestId: 'req-s', operationName: 'Streamed' }),
    );
  });

  it('generates a request id when the client sends none', async () => {
    const { yoga } = logged();
    const response = await yoga.fetch(`${URL_BASE}/graphql`, post({ query: '{ __typename }' }));
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never logs the Authorization header or passwords, even when a request fails', async () => {
    const { lines, yoga } = logged();
    const headers = { authorization: SECRET };
    await yoga.fetch(
      `${URL_BASE}/graphql`,
      post(
        {
          query: 'query Q($password: String) { series(slug: $password) { title } }',
          variables: { password: PASSWORD },
        },
        headers,
      ),
    );
    await yoga.fetch(
      `${URL_BASE}/graphql`,
      post({ query: '{ nosuchfield }', variables: { password: PASSWORD } }, headers),
    );
    const output = lines.join('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(output).not.toContain('s3cret');
    expect(output).not.toContain(PASSWORD);
  });

  it('exposes requests, errors by code, latency and store round trips at /metrics', async () => {
    const yoga = service.yoga();
    await graphql(yoga, loadExamples().find((example) => example.name === 'confessions')!.document);
    await graphql(yoga, '{ nosuchfield }');
    const response = await yoga.fetch(`${URL_BASE}/metrics`);
    const text = await response.text();
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(/graphql_requests_total\{operation="Confessions",status="200"\} 1/);
    expect(text).toMatch(/graphql_requests_total\{operation="anonymous",status="400"\} 1/);
    expect(text).toMatch(/graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} 1/);
    expect(text).toMatch(/graphql_request_duration_seconds_count\{operation="Confessions"\} 1/);
    expect(text).toMatch(/store_round_trips_total [1-9]\d*/);
  });

  it('labels only the persisted operations by name: any other name, refused or not, counts as "other"', async () => {
    const yoga = service.yoga({ ops: { rateLimit: { max: 8, windowMs: 60_000 } } });
    for (const name of ['Title', 'constructor', '__proto__', 'x'.repeat(500)])
      await graphql(yoga, `query ${name} { __typename }`);
    await graphql(yoga, 'query Made_Up_1 { nosuchfield }');
    for (const operationName of ['Made_Up_2', 42, { a: 1 }, true, 'Made_Up_3'])
      await yoga.fetch(`${URL_BASE}/graphql`, post({ query: '{ __typename }', operationName }));
    const text = await (await yoga.fetch(`${URL_BASE}/metrics`)).text();
    const operations = new Set([...text.matchAll(/operation="([^"]*)"/g)].map((match) => match[1]));
    expect([...operations].sort()).toEqual(['anonymous', 'other']);
    expect(text).toMatch(/graphql_requests_total\{operation="other",status="200"\} 4/);
    expect(text).toMatch(/graphql_requests_total\{operation="other",status="400"\} 1/);
    expect(text).toMatch(/graphql_requests_total\{operation="anonymous",status="400"\} 3/);
    expect(text).toMatch(/graphql_requests_total\{operation="anonymous",status="429"\} 2/);
  });

  it('answers an operationName that is not a string with a coded 400, and logs the request', async () => {
    const { lines, yoga } = logged();
    for (const operationName of [7, { a: 1 }, true, ['Q'], 0]) {
      const response = await yoga.fetch(
        `${URL_BASE}/graphql`,
        post({ query: 'query Q { __typename }', operationName }, { 'x-request-id': 'op-name' }),
      );
      const text = await response.text();
      expect(response.status, JSON.stringify(operationName)).toBe(400);
      expect(JSON.parse(text)).toEqual({
        errors: [
          { message: expect.stringContaining('"operationName" must be a string'), extensions: { code: 'BAD_REQUEST' } },
        ],
      });
      expect(text).not.toMatch(/\/work\/|node_modules|\.ts:\d|at \w+ \(/);
    }
    const logged400 = lines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.msg === 'request' && entry.requestId === 'op-name');
    expect(logged400).toHaveLength(5);
    for (const entry of logged400)
      expect(entry).toMatchObject({ status: 400, operationName: null, errorCodes: ['BAD_REQUEST'] });
  });

  it('answers an unexpected error outside GraphQL with a coded 500 that shows no stack or path, and logs it', async () => {
    const { lines, yoga } = logged();
    const store = service.store as { roundTrips: number };
    const roundTrips = Object.getOwnPropertyDescriptor(store, 'roundTrips');
    Object.defineProperty(store, 'roundTrips', {
      configurable: true,
      get: () => {
        throw new Error('boom at /srv/secret/file.ts:12');
      },
    });
    try {
      const response = await yoga.fetch(`${URL_BASE}/metrics`);
      const text = await response.text();
      expect(response.status).toBe(500);
      expect(JSON.parse(text)).toEqual({
        errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      });
      expect(text).not.toMatch(/secret|\.ts:\d|\n\s+at /);
    } finally {
      if (roundTrips) Object.defineProperty(store, 'roundTrips', roundTrips);
      else delete (store as { roundTrips?: number }).roundTrips;
    }
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ level: 50, msg: 'unexpected error in onRequest', path: '/metrics' }),
    );
    expect((await yoga.fetch(`${URL_BASE}/metrics`)).status).toBe(200);
  });
});
