import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, graphql } from '../support/graphql.js';
import { type OpsService, opsService, post, URL_BASE } from '../support/ops.js';

const deep = (levels: number) =>
  `{ series(slug: "soundtrack-1") { ${'episodes { series { '.repeat(levels)}title${' } }'.repeat(levels)} } }`;

describe('limits, enforced before any store is touched', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());

  const limited = () =>
    service.yoga({ ops: { limits: { depth: 6, aliases: 3, tokens: 200, cost: 100, bodyBytes: 2000 } } });

  const cases: [string, string, string][] = [
    ['depth', deep(4), 'DEPTH_LIMIT_EXCEEDED'],
    [
      'aliases',
      `{ ${[1, 2, 3, 4].map((n) => `a${n}: series(slug: "soundtrack-1") { title }`).join(' ')} }`,
      'ALIAS_LIMIT_EXCEEDED',
    ],
    // Red team 37: graphql-armor leaves aliases of __typename out of its count unless told otherwise.
    ['__typename aliases', `{ ${[1, 2, 3, 4].map((n) => `t${n}: __typename`).join(' ')} }`, 'ALIAS_LIMIT_EXCEEDED'],
    ['tokens', `{ series(slug: "soundtrack-1") { ${'title '.repeat(200)} } }`, 'TOKEN_LIMIT_EXCEEDED'],
    [
      'cost',
      `{ ${['a', 'b', 'c'].map((a) => `${a}: series(slug: "soundtrack-1") { episodes { events { participants { character { name slug } } } } }`).join(' ')} }`,
      'COST_LIMIT_EXCEEDED',
    ],
  ];

  for (const [name, query, code] of cases) {
    it(`refuses an operation over the ${name} limit with ${code}, without a store round trip`, async () => {
      const yoga = limited();
      // Over the cost limit store-wide, an operation is costed again by the series it names: their list sizes
      // are read once, and kept until a write touches them.
      if (name === 'cost') await graphql(yoga, query);
      const before = service.store.roundTrips;
      const response = await graphql(yoga, query);
      expect(errorCodes(response)).toContain(code);
      expect(response.data ?? null).toBeNull();
      expect(service.store.roundTrips).toBe(before);
    });
  }

  // Red team 37: past graphql-js's budget for comparing fields, the only message was "Validation aborted.".
  it('says what to change in a document that repeats a field too often to be validated, asked once or twice', async () => {
    const yoga = service.yoga();
    const query = `{ series(slug: "soundtrack-1") { ${'slug '.repeat(900)}} }`;
    for (const round of [1, 2]) {
      const response = await graphql(yoga, query);
      expect(errorCodes(response), `round ${round}`).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(response.errors![0]!.message).toMatch(/^The document repeats the same fields too often/);
      expect(response.data ?? null).toBeNull();
    }
  });

  it('costs a series page that names no series a store could hold as nothing to read, reading nothing to cost it', async () => {
    const yoga = limited();
    const unlimited = service.yoga();
    const page = (slug: string) =>
      `{ ${['a', 'b', 'c'].map((a) => `${a}: series(slug: ${JSON.stringify(slug)}) { episodes { events { participants { character { name slug } } } } }`).join(' ')} }`;
    const trips = async (on: typeof yoga, query: string) => {
      const before = service.store.roundTrips;
      const answer = await graphql(on, query);
      return { answer, trips: service.store.roundTrips - before };
    };
    for (const slug of ['x'.repeat(121), 'Upper-Case', '__proto__', 'a b', '시리즈', 'trailing-', '']) {
      const costed = await trips(yoga, page(slug));
      expect(costed.answer).toMatchObject({ status: 200, data: { a: null, b: null, c: null } });
      // As many reads as the answer takes where the cost limit is out of the way: none of them for the cost.
      expect(costed.trips).toBe((await trips(unlimited, page(slug))).trips);
    }
    // A slug a series could have is looked up once for the cost, then remembered until a write.
    const absent = await trips(yoga, page('no-such-series'));
    expect(absent.trips).toBe((await trips(unlimited, page('no-such-series'))).trips + 1);
    expect((await trips(yoga, page('no-such-series'))).trips).toBe(absent.trips - 1);
  });

  it('costs the same document again for each set of variables: an accepted page does not let a longer one through', async () => {
    const yoga = service.yoga({
      ops: { limits: { depth: 6, aliases: 3, tokens: 200, cost: 100, bodyBytes: 100_000 } },
    });
    const query = 'query Page($n: Int) { events(first: $n) { edges { node { sequence } } } }';
    for (const [variables, refused] of [
      [{ n: 5 }, false],
      [{ n: 99 }, true],
      [{ n: 5 }, false],
      [{ n: 99 }, true],
      [{ n: 99, __proto__: { n: 5 } }, true],
      [{ n: 5, extra: '\u{1F600}'.repeat(5000) }, false],
      [{ n: 99, extra: '\u{1F600}'.repeat(5000) }, true],
    ] as const) {
      const response = await graphql(yoga, query, JSON.parse(JSON.stringify(variables)));
      expect(errorCodes(response), JSON.stringify(variables).slice(0, 60)).toEqual(
        refused ? ['COST_LIMIT_EXCEEDED'] : [],
      );
    }
  });

  it('refuses a cheap request after an expensive one of the same document: the cost is not kept with the validation', async () => {
    const yoga = service.yoga({
      ops: { limits: { depth: 6, aliases: 3, tokens: 200, cost: 100, bodyBytes: 100_000 } },
    });
    const query = `query Long($n: Int) { events(first: $n) { edges { node { sequence } } } }
      query Short { events(first: 2) { edges { node { sequence } } } }
      query Wide { events(first: 90) { edges { node { sequence kind } } } }`;
    const send = (operationName: string, variables?: Record<string, unknown>) =>
      yoga.fetch(`${URL_BASE}/graphql`, post({ query, operationName, variables }));
    const codes = async (response: Response) =>
      ((await response.json()) as { errors?: { extensions: { code: string } }[] }).errors?.map(
        (e) => e.extensions.code,
      ) ?? [];
    expect(await codes(await send('Long', { n: 99 }))).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(await codes(await send('Long', { n: 3 }))).toEqual([]);
    expect(await codes(await send('Wide'))).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(await codes(await send('Short'))).toEqual([]);
    expect(await codes(await send('Long', { n: 99 }))).toEqual(['COST_LIMIT_EXCEEDED']);
  });

  it('refuses a subscription over the cost limit as it starts, with COST_LIMIT_EXCEEDED in its first event', async () => {
    const yoga = service.yoga({ ops: { limits: { depth: 6, aliases: 3, tokens: 200, cost: 2, bodyBytes: 100_000 } } });
    const before = service.store.roundTrips;
    const response = await yoga.fetch(`${URL_BASE}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { changes { cursor key type } }' }),
    });
    const reader = response.body!.getReader();
    let text = '';
    while (!/^data: .*$/m.test(text)) {
      const next = await reader.read();
      if (next.done) break;
      text += new TextDecoder().decode(next.value);
    }
    await reader.cancel();
    const event = JSON.parse(/^data: (.*)$/m.exec(text)![1]!) as { errors: { extensions: { code: string } }[] };
    expect(event.errors.map((e) => e.extensions.code)).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(service.store.roundTrips).toBe(before);
  });

  it('refuses a variable named $__proto__, which the executor could not hold, before any store round trip', async () => {
    const yoga = service.yoga({
      ops: { limits: { depth: 6, aliases: 3, tokens: 200, cost: 30, bodyBytes: 100_000 } },
    });
    const before = service.store.roundTrips;
    const response = await yoga.fetch(`${URL_BASE}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"query Q($__proto__: Int) { events(first: $__proto__) { edges { node { sequence summary } } } }","variables":{"__proto__":1}}',
    });
    const body = (await response.json()) as {
      data?: unknown;
      errors: { message: string; extensions: { code: string } }[];
    };
    expect(body.data ?? null).toBeNull();
    expect(body.errors).toEqual([
      { message: expect.stringContaining('$__proto__ is reserved'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
    expect(service.store.roundTrips).toBe(before);
  });

  it('refuses a page over 100 items with BAD_USER_INPUT, without a store round trip', async () => {
    const before = service.store.roundTrips;
    const response = await graphql(service.yoga(), '{ events(first: 101) { totalCount } }');
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(service.store.roundTrips).toBe(before);
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit, without a store round trip', async () => {
    const before = service.store.roundTrips;
    const response = await limited().fetch(
      `${URL_BASE}/graphql`,
      post({ query: `{ series(slug: "${'x'.repeat(3000)}") { title } }` }),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: expect.stringContaining('2000 bytes'), extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
    expect(service.store.roundTrips).toBe(before);
  });

  it('answers 413 for a streamed body of unknown length as soon as it passes the limit', async () => {
    const body = new Blob([JSON.stringify({ query: `{ series(slug: "${'x'.repeat(3000)}") { title } }` })]).stream();
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' };
    const response = await limited().fetch(`${URL_BASE}/graphql`, init as RequestInit);
    expect(response.status).toBe(413);
  });

  it('answers 400 BAD_REQUEST for a Content-Length that is not one whole number', async () => {
    for (const declared of ['12, 12', '-1', '1e3', ' 12']) {
      const response = await limited().fetch(`${URL_BASE}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': declared },
        body: '{"query":"{ __typename }"}',
      });
      expect(response.status, declared).toBe(400);
      expect(await response.json()).toEqual({
        errors: [{ message: expect.stringContaining('Content-Length'), extensions: { code: 'BAD_REQUEST' } }],
      });
    }
  });

  it('refuses batched operations (a JSON array body) with a clear error', async () => {
    const before = service.store.roundTrips;
    const response = await limited().fetch(
      `${URL_BASE}/graphql`,
      post([{ query: '{ series(slug: "soundtrack-1") { title } }' }]),
    );
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(response.status).toBe(400);
    expect(body.errors).toEqual([{ message: 'Batching is not supported.', extensions: { code: 'BAD_REQUEST' } }]);
    expect(service.store.roundTrips).toBe(before);
  });

  it('answers a null given for a directive argument BAD_USER_INPUT, not a cost refusal', async () => {
    const yoga = service.yoga();
    for (const directive of ['skip', 'include']) {
      const response = await graphql(
        yoga,
        `query ($v: Boolean = false) { series(slug: "soundtrack-1") { title @${directive}(if: $v) } }`,
        { v: null },
      );
      expect(errorCodes(response), directive).toEqual(['BAD_USER_INPUT']);
      expect(response.errors![0]!.message).toContain('must not be null');
    }
  });

  it('codes a null given for a defaulted variable that a non-null argument takes, beside the other fields', async () => {
    const response = await graphql(
      service.yoga(),
      `query ($s: String = "soundtrack-1") { series(slug: $s) { title } again: series(slug: "soundtrack-1") { title } }`,
      { s: null },
    );
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors![0]!.path).toEqual(['series']);
    expect(response.data).toEqual({ series: null, again: { title: 'Soundtrack #1' } });
  });

  it('uses the default of a non-null variable that is not given', async () => {
    const response = await graphql(
      service.yoga(),
      'query ($t: Boolean! = true, $slug: String! = "soundtrack-1") { series(slug: $slug) { title @include(if: $t) } }',
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ series: { title: 'Soundtrack #1' } });
  });

  it('lets ordinary operations through', async () => {
    expect((await graphql(limited(), '{ series(slug: "soundtrack-1") { title } }')).data).toEqual({
      series: { title: 'Soundtrack #1' },
    });
  });
});
