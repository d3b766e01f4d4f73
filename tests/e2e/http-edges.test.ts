import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationId } from '../../src/config/persisted-operations.js';
import { type OpsSettings, parseOpsSettings } from '../../src/config/settings.js';
import { loadExamples } from '../../src/examples.js';
import { createDramaResponseCache } from '../../src/plugins/response-cache.js';
import { type OpsService, opsService, post, URL_BASE } from '../support/ops.js';
import { WRITERS } from '../support/writes.js';

/** Production as `npm start` runs it (introspection off, response cache and rate limit on), without the warm-up. */
function productionSettings(overrides: Record<string, string> = {}): OpsSettings {
  const parsed = parseOpsSettings({ NODE_ENV: 'production', RATE_LIMIT_MAX: '1000000', ...overrides });
  if (!parsed.success) throw parsed.error;
  return { ...parsed.data, warmRecommendations: false };
}

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
}

const LEAK = /\/work\/|node_modules|\.[cm]?[jt]s:\d|\n\s+at /;

describe('the HTTP edge against hostile and careless clients', () => {
  let service: OpsService;
  let send: (body: unknown, headers?: Record<string, string>) => Promise<Answer>;
  beforeAll(async () => {
    service = await opsService();
    const yoga = service.yoga({ ops: productionSettings(), responseCache: createDramaResponseCache() });
    send = async (body, headers = {}) => {
      const response = await yoga.fetch(`${URL_BASE}/graphql`, post(body, headers));
      const text = await response.text();
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        text,
        body: JSON.parse(text),
      };
    };
  });
  afterAll(() => service.dispose());

  const expectRefused = (answer: Answer, code: string) => {
    expect(answer.status, answer.text).toBe(400);
    expect(answer.contentType).toContain('application/graphql-response+json');
    expect(answer.body.data, answer.text).toBeUndefined();
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual([code]);
    expect(answer.text).not.toMatch(LEAK);
  };

  it('answers a missing, falsy, mistyped or misspelled query with a coded 400 (GraphQL over HTTP)', async () => {
    for (const body of [
      {},
      { query: 0 },
      { query: '' },
      { query: null },
      { query: false },
      { qurey: '{ __typename }' },
      { variables: {} },
    ]) {
      expectRefused(await send(body), 'BAD_REQUEST');
    }
    for (const body of [{ query: { a: 1 } }, { query: ['{ __typename }'] }, { query: 1 }])
      expectRefused(await send(body), 'BAD_REQUEST');
    for (const persistedQuery of [
      {},
      'abc',
      { version: 1, sha256Hash: 5 },
      { version: 2, sha256Hash: 'abc' },
      { sha256Hash: { __proto__: 1 } },
    ]) {
      expectRefused(await send({ extensions: { persistedQuery } }), 'BAD_REQUEST');
    }
    for (const body of [
      { query: '{ __typename }', variables: 'x' },
      { query: '{ __typename }', variables: [1] },
      { query: '{ __typename }', extensions: 3 },
    ]) {
      expectRefused(await send(body), 'BAD_REQUEST');
    }
    const legacy = await send({}, { accept: 'application/json' });
    expect(legacy.status).toBe(400);
    expect(legacy.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(await send({ query: '{ __typename }' })).toMatchObject({
      status: 200,
      body: { data: { __typename: 'Query' } },
    });
  });

  it('answers GET and form parameters that are not JSON with a coded 400 in the media type the client accepts', async () => {
    const yoga = service.yoga({ ops: productionSettings() });
    for (const [accept, type] of [
      ['application/graphql-response+json', 'application/graphql-response+json'],
      ['application/json', 'application/json'],
    ]) {
      for (const search of ['variables={', 'extensions=%7B%22a', 'variables=%5B%5B']) {
        const get = await yoga.fetch(`${URL_BASE}/graphql?query=%7B__typename%7D&${search}`, { headers: { accept } });
        const form = await yoga.fetch(`${URL_BASE}/graphql`, {
          method: 'POST',
          headers: { accept, 'content-type': 'application/x-www-form-urlencoded' },
          body: `query=%7B__typename%7D&${search}`,
        });
        for (const response of [get, form]) {
          expect(response.status, search).toBe(400);
          expect(response.headers.get('content-type')).toContain(type);
          expect(((await response.json()) as Answer['body']).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
        }
      }
    }
  });

  it('never echoes the body of invalid JSON back, in production or development', async () => {
    for (const ops of [productionSettings(), productionSettings({ NODE_ENV: 'development' })]) {
      const yoga = service.yoga({ ops });
      for (const body of [
        '{"query":',
        '{"query": "{ __typename }", "secret-token-xyz"',
        '\u0000\uFFFF{',
        '{"__proto__":',
        '['.repeat(5000),
      ]) {
        for (const accept of ['application/graphql-response+json', 'application/json']) {
          const response = await yoga.fetch(`${URL_BASE}/graphql`, {
            method: 'POST',
            headers: { accept, 'content-type': 'application/json' },
            body,
          });
          const text = await response.text();
          expect(response.status, text).toBe(400);
          const parsed = JSON.parse(text) as Answer['body'];
          expect(parsed.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_REQUEST']);
          expect(text).not.toContain('originalError');
          expect(text).not.toContain('SyntaxError');
          expect(text).not.toContain('secret-token-xyz');
          expect(text).not.toMatch(LEAK);
        }
      }
    }
  });

  it('refuses multipart/form-data (no uploads here) with a coded 415, whatever the parts hold', async () => {
    const yoga = service.yoga({ ops: productionSettings() });
    const form = (parts: [string, string | Blob][]) => {
      const data = new FormData();
      for (const [name, value] of parts) data.append(name, value);
      return data;
    };
    const operations = JSON.stringify({
      query: 'query ($s: String!) { series(slug: $s) { title } }',
      variables: { s: null },
    });
    const bodies = [
      form([
        ['operations', '['],
        ['map', '{}'],
      ]),
      form([
        ['operations', operations],
        ['map', 'notjson'],
      ]),
      form([['map', '{}']]),
      form([
        ['operations', operations],
        ['map', '{"0": ["variables.s"]}'],
        ['0', new Blob(['a file'.repeat(1000)])],
      ]),
      form([
        ['operations', '{"query":"{ __typename }"}'],
        ['map', '{"__proto__": ["variables.x"]}'],
      ]),
      form([]),
    ];
    for (const body of bodies) {
      const response = await yoga.fetch(`${URL_BASE}/graphql`, { method: 'POST', body });
      const text = await response.text();
      expect(response.status, text).toBe(415);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect((JSON.parse(text) as Answer['body']).errors?.map((error) => error.extensions?.code)).toEqual([
        'UNSUPPORTED_MEDIA_TYPE',
      ]);
      expect(text).not.toMatch(/blobParts|_buffer|File|Blob/);
    }
    // A hand-written multipart content type, odd case and parameters included.
    const raw = await yoga.fetch(`${URL_BASE}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'Multipart/Form-Data ; boundary=x' },
      body: '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n[\r\n--x--\r\n',
    });
    expect(raw.status).toBe(415);
    expect(((await raw.json()) as Answer['body']).errors?.[0]?.extensions?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('gives 415 and 406 answers a JSON body with a coded error', async () => {
    const yoga = service.yoga({ ops: productionSettings() });
    const cases: [RequestInit, number, string][] = [
      [
        { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' },
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [{ method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<q/>' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'image/png' },
          body: '{"query":"{ __typename }"}',
        },
        406,
        'NOT_ACCEPTABLE',
      ],
      [{ headers: { accept: 'text/csv' } }, 406, 'NOT_ACCEPTABLE'],
      [{ headers: { accept: 'application/json; charset=latin1' } }, 406, 'NOT_ACCEPTABLE'],
      [{ headers: { accept: 'application/json; charset=utf-8; q=0' } }, 406, 'NOT_ACCEPTABLE'],
      ...['*/*;q=0', 'application/json;q=0, application/graphql-response+json;q=0', 'application/*;q=0.0'].map(
        (accept): [RequestInit, number, string] => [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept },
            body: '{"query":"{ __typename }"}',
          },
          406,
          'NOT_ACCEPTABLE',
        ],
      ),
    ];
    const charsets = [
      'application/graphql-response+json; charset=utf-8, application/json; charset=utf-8',
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'application/json; foo=bar',
      'application/json; charset=utf-8; q=0.5',
    ];
    for (const accept of [
      '*/*',
      'application/json;q=0.1',
      'text/html;q=0, */*;q=0.5',
      'APPLICATION/JSON',
      ...charsets,
    ]) {
      const served = await yoga.fetch(`${URL_BASE}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: '{"query":"{ __typename }"}',
      });
      expect(served.status, accept).toBe(200);
    }
    for (const [init, status, code] of cases) {
      const url = init.method === 'POST' ? `${URL_BASE}/graphql` : `${URL_BASE}/graphql?query=%7B__typename%7D`;
      const response = await yoga.fetch(url, init);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await response.json()) as Answer['body']).errors?.map((error) => error.extensions?.code)).toEqual([
        code,
      ]);
    }
  });

  it('answers an Accept that lists nothing as if it were absent, not with 406', async () => {
    const yoga = service.yoga({ ops: productionSettings() });
    const ask = async (accept?: string) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (accept !== undefined) headers.accept = accept;
      const post = await yoga.fetch(`${URL_BASE}/graphql`, {
        method: 'POST',
        headers,
        body: '{"query":"{ series(slug: \\"soundtrack-1\\") { title } }"}',
      });
      const get = await yoga.fetch(`${URL_BASE}/graphql?query=%7B__typename%7D`, { headers });
      return Promise.all(
        [post, get].map(async (r) => [r.status, r.headers.get('content-type'), await r.text()] as const),
      );
    };
    const absent = await ask();
    expect(absent.map(([status]) => status)).toEqual([200, 200]);
    for (const accept of ['', ' ', ' , ,', ',']) expect(await ask(accept), JSON.stringify(accept)).toEqual(absent);
  });

  it('refuses an Accept it cannot serve before executing: a mutation refused with 406 has written nothing', async () => {
    const yoga = service.yoga({ ops: productionSettings(), tokens: WRITERS.tokens });
    const write = (slug: string) =>
      `mutation { upsertPerson(input: { slug: "${slug}", name: "Accept Probe", source: { document: "Contract fixture", paragraph: 1 } }) { __typename } }`;
    const refused = [
      'text/html',
      'application/json;charset=latin1',
      'application/json; charset="iso-8859-1"',
      'application/graphql-response+json;charset=iso-8859-1',
      'application/json;q=0',
      'application/json;q=abc',
      '*/json',
      'text/*, text/event-stream;q=0',
      'multipart/*, multipart/mixed;q=0',
    ];
    for (const [index, accept] of refused.entries()) {
      const slug = `accept-probe-${index}`;
      const answer = await yoga.fetch(
        `${URL_BASE}/graphql`,
        post({ query: write(slug) }, { accept, ...WRITERS.bearer('admin') }),
      );
      expect(answer.status, accept).toBe(406);
      expect(((await answer.json()) as Answer['body']).errors?.[0]?.extensions?.code).toBe('NOT_ACCEPTABLE');
      expect(await service.store.peopleByKeys([slug]), accept).toEqual([null]);
    }
    const bodies: Record<string, string>[] = [
      { 'content-encoding': 'gzip' },
      { 'content-encoding': 'identity, gzip' },
      { 'content-encoding': 'bogus' },
      { 'content-type': 'application/json; charset=iso-8859-1' },
      { 'content-type': 'application/json; charset="utf-16"' },
      { 'transfer-encoding': 'gzip, chunked' },
      { 'transfer-encoding': 'bogus, chunked' },
    ];
    for (const [index, headers] of bodies.entries()) {
      const slug = `body-probe-${index}`;
      const answer = await yoga.fetch(
        `${URL_BASE}/graphql`,
        post({ query: write(slug) }, { accept: 'application/json', ...headers, ...WRITERS.bearer('admin') }),
      );
      const transfer = 'transfer-encoding' in headers;
      expect(answer.status, JSON.stringify(headers)).toBe(transfer ? 501 : 415);
      expect(((await answer.json()) as Answer['body']).errors?.[0]?.extensions?.code).toBe(
        transfer ? 'NOT_IMPLEMENTED' : 'UNSUPPORTED_MEDIA_TYPE',
      );
      expect(await service.store.peopleByKeys([slug]), JSON.stringify(headers)).toEqual([null]);
    }
    const served = await yoga.fetch(
      `${URL_BASE}/graphql`,
      post(
        { query: write('accept-probe-ok') },
        { accept: 'application/json; charset="UTF-8"', ...WRITERS.bearer('admin') },
      ),
    );
    expect(served.status).toBe(200);
    expect((await service.store.peopleByKeys(['accept-probe-ok']))[0]).not.toBeNull();
    const identity = await yoga.fetch(
      `${URL_BASE}/graphql`,
      post(
        { query: write('body-probe-identity') },
        {
          'content-encoding': 'Identity',
          'content-type': 'application/json; charset="UTF-8"',
          ...WRITERS.bearer('admin'),
        },
      ),
    );
    expect(identity.status).toBe(200);
  });

  it('refuses with a coded 400 a body or GET whose text is not UTF-8, writing nothing, and takes any UTF-8', async () => {
    const yoga = service.yoga({ ops: productionSettings(), tokens: WRITERS.tokens });
    const withName = (slug: string, name: Uint8Array) =>
      Buffer.concat([
        Buffer.from(`{"query":"mutation { upsertPerson(input: { slug: \\"${slug}\\", name: \\"`),
        name,
        Buffer.from('\\", source: { document: \\"Contract fixture\\", paragraph: 1 } }) { __typename } }"}'),
      ]);
    const bad: [string, number[]][] = [
      ['a lone continuation byte', [0x41, 0x80, 0x42]],
      ['Latin-1 é', [0x4a, 0xe9]],
      ['an overlong slash', [0xc0, 0xaf]],
      ['a UTF-16 surrogate written as UTF-8', [0xed, 0xa0, 0x80]],
      ['a sequence cut short', [0xe2, 0x82]],
      ['0xFF', [0xff]],
      ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ];
    for (const [index, [what, bytes]] of bad.entries()) {
      const slug = `utf8-probe-${index}`;
      const init = post({}, WRITERS.bearer('admin'));
      const answer = await yoga.fetch(`${URL_BASE}/graphql`, {
        ...init,
        body: withName(slug, new Uint8Array(bytes)),
      });
      const text = await answer.text();
      expect(answer.status, what).toBe(400);
      expect(
        (JSON.parse(text) as Answer['body']).errors?.map((e) => e.extensions?.code),
        what,
      ).toEqual(['BAD_REQUEST']);
      expect(text).not.toMatch(LEAK);
      expect(await service.store.peopleByKeys([slug]), what).toEqual([null]);
    }
    // A streamed body (no Content-Length) is read up to the limit, then checked the same way.
    const streamed = await yoga.fetch(`${URL_BASE}/graphql`, {
      ...post({}, WRITERS.bearer('admin')),
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(withName('utf8-probe-streamed', new Uint8Array([0xe9])));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(400);
    expect(await service.store.peopleByKeys(['utf8-probe-streamed'])).toEqual([null]);
    for (const search of ['?query=%7B__typename%7D&x=%FF', '?query=%7B%20__typename%20%7D%C3', '?query=%ED%A0%80']) {
      const answer = await yoga.fetch(`${URL_BASE}/graphql${search}`, { headers: { accept: 'application/json' } });
      expect(answer.status, search).toBe(400);
      expect(((await answer.json()) as Answer['body']).errors?.[0]?.extensions?.code, search).toBe('BAD_REQUEST');
    }
    const name = 'Ye-jin 🎬 예진 Ünïcødé\u200d';
    const written = await yoga.fetch(`${URL_BASE}/graphql`, {
      ...post({}, WRITERS.bearer('admin')),
      body: withName('utf8-probe-ok', Buffer.from(name)),
    });
    expect(written.status, await written.clone().text()).toBe(200);
    expect((await service.store.peopleByKeys(['utf8-probe-ok']))[0]?.name).toBe(name);
    const got = await yoga.fetch(
      `${URL_BASE}/graphql?query=${encodeURIComponent('{ search(query: "예진+1") { __typename } }')}`,
      {
        headers: { accept: 'application/json' },
      },
    );
    expect(got.status).toBe(200);
  });

  it('answers HEAD on /graphql as the GET it names, with its status and headers and no body, and writes nothing', async () => {
    const yoga = service.yoga({ ops: productionSettings(), tokens: WRITERS.tokens });
    const at = (method: string, search: string, headers: Record<string, string> = {}) =>
      yoga.fetch(`${URL_BASE}/graphql${search}`, {
        method,
        headers: { accept: 'application/json', 'accept-encoding': 'gzip', ...headers },
      });
    const query = `?query=${encodeURIComponent('{ series(slug: "soundtrack-1") { title characters { name } } }')}`;
    for (const search of [query, '?query=%7B', '?query=%7B__typename%7D&x=%FF', '']) {
      const [head, get] = [await at('HEAD', search), await at('GET', search)];
      expect(head.status, search).toBe(get.status);
      const without = (response: Response) =>
        [...response.headers].filter(([name]) => !['x-request-id', 'date', 'etag', 'last-modified'].includes(name));
      expect(without(head), search).toEqual(without(get));
      expect(await head.text(), search).toBe('');
      expect((await get.arrayBuffer()).byteLength, search).toBeGreaterThan(0);
    }
    const write = `?query=${encodeURIComponent('mutation { upsertPerson(input: { slug: "head-probe", name: "Head Probe", source: { document: "Contract fixture", paragraph: 1 } }) { __typename } }')}`;
    const head = await at('HEAD', write, WRITERS.bearer('admin'));
    expect(head.status).toBe(405);
    expect(await head.text()).toBe('');
    expect(await service.store.peopleByKeys(['head-probe'])).toEqual([null]);
  });

  it('refuses a request with two Content-Type headers with a coded 400 over a real socket, writing nothing', async () => {
    const yoga = service.yoga({ ops: productionSettings(), tokens: WRITERS.tokens });
    const server = createServer(yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const raw = (headers: string[], body: string) =>
      new Promise<string>((resolve) => {
        let received = '';
        const socket = connect(port, '127.0.0.1', () =>
          socket.write(
            [
              'POST /graphql HTTP/1.1',
              'Host: drama.test',
              'Connection: close',
              `Content-Length: ${Buffer.byteLength(body)}`,
              `Authorization: ${WRITERS.bearer('admin').authorization}`,
              ...headers,
              '',
              body,
            ].join('\r\n'),
          ),
        );
        socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
        socket.on('close', () => resolve(received));
      });
    const body = (slug: string) =>
      JSON.stringify({
        query: `mutation { upsertPerson(input: { slug: "${slug}", name: "Twice", source: { document: "Contract fixture", paragraph: 1 } }) { __typename } }`,
      });
    try {
      for (const [index, headers] of [
        ['Content-Type: application/json', 'Content-Type: text/plain'],
        ['Content-Type: text/plain', 'Content-Type: application/json'],
        ['Content-Type: application/json', 'content-type: application/json'],
      ].entries()) {
        const answer = await raw(headers, body(`twice-${index}`));
        expect(answer.split('\r\n')[0], headers.join(' + ')).toMatch(/^HTTP\/1\.1 400\b/);
        expect(answer).toContain('"BAD_REQUEST"');
        expect(await service.store.peopleByKeys([`twice-${index}`])).toEqual([null]);
      }
      const once = await raw(['Content-Type: application/json'], body('once'));
      expect(once.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 200\b/);
      expect((await service.store.peopleByKeys(['once']))[0]).not.toBeNull();
    } finally {
      server.close();
    }
  });

  it('answers a path nothing is served at with a coded JSON 404, whatever the method', async () => {
    const yoga = service.yoga({ ops: productionSettings() });
    for (const [method, target] of [
      ['GET', '/nope'],
      ['GET', '/graphq%6C'],
      ['GET', '/graphql%FF?query=%7B__typename%7D'],
      ['PUT', '/x/y'],
      ['DELETE', '/__proto__'],
    ]) {
      const answer = await yoga.fetch(`${URL_BASE}${target}`, { method, headers: { accept: 'application/json' } });
      const text = await answer.text();
      expect(answer.status, `${method} ${target}`).toBe(404);
      expect(answer.headers.get('content-type'), target).toMatch(/^application\/json/);
      expect(
        (JSON.parse(text) as Answer['body']).errors?.map((e) => e.extensions?.code),
        target,
      ).toEqual(['NOT_FOUND']);
    }
  });

  it('answers in the most preferred format Accept names, by q-value, then in the order listed', async () => {
    const yoga = service.yoga({ ops: productionSettings() });
    const typeFor = async (accept: string) =>
      (await yoga.fetch(`${URL_BASE}/graphql`, post({ query: '{ __typename }' }, { accept }))).headers.get(
        'content-type',
      );
    expect(await typeFor('application/graphql-response+json;q=0.1, application/json;q=0.9')).toMatch(
      /^application\/json/,
    );
    expect(await typeFor('application/graphql-response+json;q=0.5, application/json')).toMatch(/^application\/json/);
    expect(await typeFor('application/json, application/graphql-response+json')).toMatch(/^application\/json/);
    expect(await typeFor('text/event-stream;q=0.5, application/json;q=0.4')).toMatch(/^text\/event-stream/);
    expect(await typeFor('multipart/mixed;q=0.9, application/json;q=0.8')).toMatch(/^multipart\/mixed/);
    expect(await typeFor('application/json;q=0, */*')).toMatch(/^application\/graphql-response\+json/);
    expect(await typeFor('application/graphql-response+json, application/json')).toMatch(
      /^application\/graphql-response\+json/,
    );
    const subscription = await yoga.fetch(
      `${URL_BASE}/graphql`,
      post({ query: 'subscription { changes { key } }' }, { accept: 'text/event-stream;q=0, application/json' }),
    );
    expect(subscription.status).toBe(406);
    await subscription.arrayBuffer();
  });

  it('refuses variables and extensions nested 15,000 levels and more with a coded 400, cache on', async () => {
    for (const levels of [33, 15_000, 30_000]) {
      const objects = `{"query":"query($x: String!) { series(slug: $x) { title } }","variables":{"x":"soundtrack-1","y":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}}`;
      const lists = `{"query":"{ __typename }","extensions":{"y":${'['.repeat(levels)}${']'.repeat(levels)}}}`;
      for (const body of levels * 6 < 100_000 ? [objects, lists] : [lists])
        expectRefused(await send(body), 'INPUT_DEPTH_LIMIT_EXCEEDED');
    }
    const shallow = `{"query":"query($x: String!) { series(slug: $x) { title } }","variables":{"x":"soundtrack-1","y":${'['.repeat(31)}${']'.repeat(31)}}}`;
    expect((await send(shallow)).status).toBe(200);
  });

  it('finds no persisted operation for __proto__, constructor and the like, and says so with a code', async () => {
    for (const hash of [
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'valueOf',
      '__defineGetter__',
      'prototype',
    ]) {
      const answer = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
      expectRefused(answer, 'PERSISTED_QUERY_NOT_FOUND');
      const legacy = await send(
        { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } },
        { accept: 'application/json' },
      );
      expect(legacy.status).toBeLessThan(500);
      expect(legacy.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    }
    const confessions = loadExamples().find((example) => example.name === 'confessions')!.document;
    const known = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: operationId(confessions) } } });
    expect(known.status).toBe(200);
    expect(known.body.errors).toBeUndefined();
  });

  it('refuses subscriptions of fields there are none of with a coded 400, and a subscription over JSON with a coded 406', async () => {
    for (const query of [
      'subscription { series(slug: "x") { title } }',
      'subscription S { __typename }',
      'query Q { __typename } subscription S { __typename }',
    ]) {
      const answer = await send({ query, operationName: query.includes('Q') ? 'S' : undefined });
      expect(answer.body.errors?.map((error) => error.extensions?.code)).toContain('GRAPHQL_VALIDATION_FAILED');
      expect(answer.status).toBe(400);
      expect(answer.text).not.toMatch(LEAK);
    }
    const overJson = await send({ query: 'subscription { changes { key } }' });
    expect(overJson.status).toBe(406);
    expect(overJson.body.errors?.[0]?.extensions?.code).toBe('NOT_ACCEPTABLE');
    expect(overJson.body.errors?.[0]?.message).toMatch(/text\/event-stream/);
  });

  it('names no field, argument, type or enum value the client did not ask for when introspection is off', async () => {
    // What the client asked, and the name a suggestion would have given away.
    const cases: [unknown, RegExp, RegExp][] = [
      [{ query: '{ serie(slug: "x") { title } }' }, /serie/, /"series"/],
      [{ query: '{ series(slug: "x") { titel } }' }, /titel/, /"title"/],
      [{ query: 'query($s: Strin) { series(slug: $s) { title } }' }, /Strin/, /"String"/],
      [{ query: '{ events(filter: { kinds: [CONFESION] }) { totalCount } }' }, /CONFESION/, /"CONFESSION"/],
      [
        {
          query: 'query($k: [PlotEventKind!]) { events(filter: { kinds: $k }) { totalCount } }',
          variables: { k: ['CONFESION'] },
        },
        /CONFESION/,
        /"CONFESSION"/,
      ],
      [
        {
          query: 'query($f: EventFilter) { events(filter: $f) { totalCount } }',
          variables: { f: { serie: 'soundtrack-1' } },
        },
        /serie/,
        /"series"/,
      ],
    ];
    for (const [body, asked, hidden] of cases) {
      const answer = await send(body);
      expect(answer.status, answer.text).toBe(400);
      expect(answer.body.errors?.length, answer.text).toBe(1);
      const [error] = answer.body.errors!;
      expect(error!.message).toMatch(asked);
      expect(error!.message).not.toMatch(/did you mean/i);
      expect(error!.message).not.toMatch(hidden);
      expect(error!.extensions?.code).toEqual(expect.any(String));
    }
  });

  it('still suggests names where introspection is on (development)', async () => {
    const yoga = service.yoga();
    const response = await yoga.fetch(`${URL_BASE}/graphql`, post({ query: '{ serie(slug: "x") { title } }' }));
    expect(((await response.json()) as Answer['body']).errors?.[0]?.message).toMatch(/Did you mean "series"/);
  });
});
