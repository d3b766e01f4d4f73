import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationId } from '../../src/config/persisted-operations.js';
import { loadExamples } from '../../src/examples.js';
import type { DramaYoga } from '../../src/yoga.js';
import { type OpsService, opsService, post, URL_BASE } from '../support/ops.js';

const GRAPHQL = `${URL_BASE}/graphql`;
const decode = (coding: string | null, bytes: Buffer) =>
  coding === 'br' ? brotliDecompressSync(bytes) : coding === 'gzip' ? gunzipSync(bytes) : bytes;

/** What the client receives: the Content-Encoding, the bytes on the wire, and those bytes decoded. */
async function wire(yoga: DramaYoga, url: string, init: RequestInit, acceptEncoding?: string) {
  const headers = new Headers(init.headers);
  if (acceptEncoding !== undefined) headers.set('accept-encoding', acceptEncoding);
  const response = await yoga.fetch(url, { ...init, headers });
  const bytes = Buffer.from(await response.arrayBuffer());
  const coding = response.headers.get('content-encoding');
  return { response, coding, bytes, decoded: decode(coding, bytes) };
}

const ACCEPT: [string | undefined, string | null][] = [
  ['br', 'br'],
  ['gzip', 'gzip'],
  ['gzip, deflate, br', 'br'],
  ['identity', null],
  [undefined, null],
  ['br;q=0, gzip;q=0', null],
  ['gzip;q=0', null],
  ['*;q=0', null],
  ['\u00ff;q=lots, ,,;;, br;q=-0, gzip;q=1.5', null],
];

describe('compressed answers', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());

  const example = loadExamples().find((each) => each.name === 'series-page')!.document;
  const requests: [string, string, RequestInit][] = [
    ['a GraphQL answer over POST', GRAPHQL, post({ query: example })],
    [
      'a persisted GET',
      `${GRAPHQL}?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: operationId(example) } }))}`,
      { headers: { accept: 'application/graphql-response+json' } },
    ],
    [
      'an error answer',
      GRAPHQL,
      post({ query: `{ ${Array.from({ length: 12 }, (_, i) => `nosuchfield${i}`).join(' ')} }` }),
    ],
  ];

  for (const [what, url, init] of requests) {
    it(`sends ${what} in the coding Accept-Encoding asks for, decoding to the same bytes, with Vary: Accept-Encoding`, async () => {
      const yoga = service.yoga();
      const plain = await wire(yoga, url, init);
      expect(plain.coding).toBeNull();
      expect(plain.bytes.length).toBeGreaterThan(0);
      for (const [acceptEncoding, coding] of ACCEPT) {
        const sent = await wire(yoga, url, init, acceptEncoding);
        expect(sent.coding, String(acceptEncoding)).toBe(coding);
        expect(sent.response.status).toBe(plain.response.status);
        expect(sent.response.headers.get('content-type')).toBe(plain.response.headers.get('content-type'));
        expect(sent.response.headers.get('vary')).toMatch(/\bAccept-Encoding\b/);
        expect(sent.decoded.equals(plain.bytes), String(acceptEncoding)).toBe(true);
        if (coding) {
          expect(sent.bytes.equals(plain.bytes)).toBe(false);
          expect(Number(sent.response.headers.get('content-length'))).toBe(sent.bytes.length);
        }
      }
    });
  }

  it('sends an answer under 1 KB plain whatever Accept-Encoding asks: compressing it would save nothing', async () => {
    const yoga = service.yoga();
    for (const acceptEncoding of ['br', 'gzip']) {
      const sent = await wire(yoga, GRAPHQL, post({ query: '{ __typename }' }), acceptEncoding);
      expect(sent.coding).toBeNull();
      expect(sent.bytes.length).toBeLessThan(1024);
      expect(JSON.parse(sent.bytes.toString('utf8'))).toEqual({ data: { __typename: 'Query' } });
    }
  });

  it('sends event streams and multipart answers uncoded, with no Content-Encoding at all (Yoga says "none", no coding)', async () => {
    const yoga = service.yoga();
    for (const accept of ['text/event-stream', 'multipart/mixed']) {
      for (const acceptEncoding of ['br', 'gzip', 'identity', undefined]) {
        const sent = await wire(yoga, GRAPHQL, post({ query: example }, { accept }), acceptEncoding);
        expect(sent.response.status, accept).toBe(200);
        expect(sent.response.headers.get('content-type'), accept).toMatch(accept);
        expect(sent.coding, `${accept} ${acceptEncoding}`).toBeNull();
        expect(sent.bytes.toString('utf8'), accept).toContain('"title"');
        expect(sent.response.headers.get('vary')?.match(/Accept-Encoding/gi), accept).toHaveLength(1);
      }
    }
  });

  it('keeps the persisted GET cacheable when compressed: Cache-Control stays, Vary names the coding too', async () => {
    const [, url, init] = requests[1]!;
    const sent = await wire(service.yoga(), url, init, 'br');
    expect(sent.coding).toBe('br');
    expect(sent.response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(sent.response.headers.get('vary')).toMatch(/X-Watched-Through/);
    expect(sent.response.headers.get('vary')).toMatch(/Accept-Encoding/);
  });

  it('revalidates a compressed answer with a 304 carrying the weak tag its 200 carried (red team 71)', async () => {
    const [, url, init] = requests[1]!;
    const yoga = service.yoga({ ops: { responseCacheTtlMs: 60_000 } });
    for (const coding of ['br', 'gzip']) {
      const sent = await wire(yoga, url, init, coding);
      const etag = sent.response.headers.get('etag')!;
      expect(etag, coding).toMatch(/^W\/"/);
      for (const method of ['GET', 'HEAD']) {
        const again = await wire(
          yoga,
          url,
          { ...init, method, headers: { ...init.headers, 'if-none-match': etag } },
          coding,
        );
        expect(again.response.status, `${coding} ${method}`).toBe(304);
        expect(again.response.headers.get('etag'), `${coding} ${method}`).toBe(etag);
      }
    }
    // Sent plain, the same answer keeps its strong tag in the 200 and the 304.
    const plain = await wire(yoga, url, init, 'identity');
    const strong = plain.response.headers.get('etag')!;
    expect(strong).toMatch(/^"/);
    const again = await wire(yoga, url, { ...init, headers: { ...init.headers, 'if-none-match': strong } }, 'identity');
    expect([again.response.status, again.response.headers.get('etag')]).toEqual([304, strong]);
  });

  it('sends the GraphiQL page compressed: several times smaller on the wire, the same page once decoded', async () => {
    const yoga = service.yoga({ graphiql: true });
    const page = { headers: { accept: 'text/html' } };
    const plain = await wire(yoga, GRAPHQL, page);
    expect(plain.response.headers.get('content-type')).toMatch(/^text\/html/);
    const sizes: Record<string, number> = { identity: plain.bytes.length };
    for (const coding of ['gzip', 'br']) {
      for (let i = 0; i < 2; i += 1) {
        const sent = await wire(yoga, GRAPHQL, page, coding);
        expect(sent.coding).toBe(coding);
        expect(sent.decoded.equals(plain.bytes)).toBe(true);
        sizes[coding] = sent.bytes.length;
      }
      expect(sizes[coding]).toBeLessThan(plain.bytes.length / 3);
    }
    console.log(`GraphiQL page on the wire: ${JSON.stringify(sizes)} bytes`);
  });

  it('never inflates a compressed request body: any Content-Encoding is refused with 415, so the body limit holds', async () => {
    const bomb = gzipSync(Buffer.from(JSON.stringify({ query: `{ ${'__typename '.repeat(1_000_000)}}` })));
    expect(bomb.length).toBeLessThan(100_000);
    const response = await service.yoga().fetch(GRAPHQL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', accept: 'application/json' },
      body: bomb,
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });
});
