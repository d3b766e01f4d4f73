import { expect, it } from 'vitest';
import { createDramaResponseCache } from '../../src/plugins/response-cache.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { mutate, SOURCE, WRITERS } from '../support/writes.js';

const cachedYoga = (store: Parameters<typeof createDramaYoga>[0]['store']) =>
  createDramaYoga({
    store,
    tokens: WRITERS.tokens,
    ops: { responseCacheTtlMs: 60_000 },
    responseCache: createDramaResponseCache(),
  });

async function send(yoga: DramaYoga, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await yoga.fetch('http://drama.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] },
  };
}

describeEachStore('the response cache keys every input that changes an answer', (current) => {
  const TWO = 'query A1 { series(slug: "soundtrack-1") { title } } query B1 { series(slug: "godspeed") { title } }';

  it('keeps operations of one document apart by operationName, whichever is asked first', async () => {
    const yoga = cachedYoga(current().store);
    for (let round = 0; round < 2; round += 1) {
      expect((await send(yoga, { query: TWO, operationName: 'B1' })).body.data).toEqual({
        series: { title: 'Godspeed' },
      });
      expect((await send(yoga, { query: TWO, operationName: 'A1' })).body.data).toEqual({
        series: { title: 'Soundtrack #1' },
      });
    }
  });

  it('runs the operation operationName names, uncached and on either executor', async () => {
    for (const executor of ['jit', 'graphql-js'] as const) {
      const yoga = createDramaYoga({ store: current().store, ops: { executor } });
      for (const [name, title] of [
        ['B1', 'Godspeed'],
        ['A1', 'Soundtrack #1'],
        ['B1', 'Godspeed'],
      ]) {
        expect((await send(yoga, { query: TWO, operationName: name })).body.data).toEqual({ series: { title } });
      }
    }
  });

  it('keeps apart operation names that differ only in hostile ways, and variables', async () => {
    const yoga = cachedYoga(current().store);
    const names =
      'query __proto__ { series(slug: "soundtrack-1") { title } } query constructor { series(slug: "godspeed") { title } }';
    expect((await send(yoga, { query: names, operationName: 'constructor' })).body.data).toEqual({
      series: { title: 'Godspeed' },
    });
    expect((await send(yoga, { query: names, operationName: '__proto__' })).body.data).toEqual({
      series: { title: 'Soundtrack #1' },
    });
    const bySlug = 'query S($s: String!) { series(slug: $s) { title } }';
    expect((await send(yoga, { query: bySlug, variables: { s: 'godspeed' } })).body.data).toEqual({
      series: { title: 'Godspeed' },
    });
    expect((await send(yoga, { query: bySlug, variables: { s: 'soundtrack-1' } })).body.data).toEqual({
      series: { title: 'Soundtrack #1' },
    });
    expect((await send(yoga, { query: bySlug, variables: { s: 'nö-such-séries' } })).body.data).toEqual({
      series: null,
    });
  });

  it('does not answer an unknown operationName from the cache of another', async () => {
    const yoga = cachedYoga(current().store);
    expect((await send(yoga, { query: TWO, operationName: 'A1' })).body.data).toEqual({
      series: { title: 'Soundtrack #1' },
    });
    const unknown = await send(yoga, { query: TWO, operationName: 'C1' });
    expect(unknown.body.data).toBeUndefined();
    expect(unknown.body.errors?.map((error) => error.extensions?.code)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
  });
});

describeEachStore('the response cache keeps only a query answered without errors', (current) => {
  const post = async (yoga: DramaYoga, query: string, headers: Record<string, string> = {}) => {
    const response = await yoga.fetch('http://drama.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: JSON.stringify({ query }),
    });
    const header = (name: string) => response.headers.get(name);
    return {
      etag: header('etag'),
      lastModified: header('last-modified'),
      contentType: header('content-type'),
      cacheControl: header('cache-control'),
      text: await response.text(),
    };
  };
  const withCache = () => {
    const responseCache = createDramaResponseCache();
    const yoga = createDramaYoga({
      store: current().store,
      tokens: WRITERS.tokens,
      ops: { responseCacheTtlMs: 60_000 },
      responseCache,
    });
    return { yoga, responseCache };
  };

  it('answers a repeated query with the same bytes and ETag, from the cache and without the store', async () => {
    const { yoga, responseCache } = withCache();
    const QUERY = '{ series(slug: "soundtrack-1") { title episodes { number events { sequence kind } } } }';
    const first = await post(yoga, QUERY);
    expect(first.etag).toMatch(/^"[0-9a-f]{64}(\.[a-z0-9-]+)?"$/);
    const trips = current().store.roundTrips;
    const again = await post(yoga, QUERY);
    expect(current().store.roundTrips).toBe(trips);
    expect(responseCache.lookups().hits).toBe(1);
    expect(again).toEqual(first);
    expect(first.lastModified).toMatch(/^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
    expect(first.text).not.toMatch(/__responseCache|__typename|"http"|stringify/);
  });

  it('answers a hit with the bytes and tag of the miss: Unicode and escapes, under either media type', async () => {
    const { yoga, responseCache } = withCache();
    const NAME = '한소희 "Q" 👩‍👩‍👧 e\u0301 </script> \\';
    const written = await mutate(yoga, 'upsertPerson', '($input: UpsertPersonInput!)', {
      input: { slug: 'cache-bytes', name: NAME, source: SOURCE },
    });
    expect(written.data?.upsertPerson?.__typename, JSON.stringify(written)).toBe('UpsertPersonSuccess');
    const QUERY = '{ person(slug: "cache-bytes") { name } }';
    const first = await post(yoga, QUERY);
    expect(JSON.parse(first.text)).toEqual({ data: { person: { name: NAME } } });
    for (const accept of ['application/graphql-response+json', 'application/json']) {
      const hit = await post(yoga, QUERY, { accept });
      expect(hit.text).toBe(first.text);
      // Each media type is tagged apart (see below); the key underneath is the same.
      expect(hit.etag?.replace(/\.[a-z0-9-]+"$/, '"')).toBe(first.etag?.replace(/\.[a-z0-9-]+"$/, '"'));
      expect(hit.lastModified).toBe(first.lastModified);
      expect(hit.contentType).toBe(`${accept}; charset=utf-8`);
    }
    expect(responseCache.lookups().hits).toBe(2);
  });

  it("never keeps an answer with an error, a mutation's, the change log's or introspection's", async () => {
    const { yoga, responseCache } = withCache();
    const refused = '{ series(slug: "soundtrack-1") { title episodes(first: 500) { number } } }';
    const changes = 'query { ...Log } fragment Log on Query { changes(first: 1) { totalCount } }';
    const introspection = '{ __schema { queryType { name } } }';
    const write = `mutation { upsertCharacter(input: { series: "soundtrack-1", slug: "cache-keeps-not", name: "Kept Not", source: { document: "Contract fixture", paragraph: 1 } }) { __typename } }`;
    for (const [query, headers] of [
      [refused, {}],
      [changes, {}],
      [introspection, {}],
      [write, { authorization: WRITERS.bearer('admin').authorization! }],
    ] as const) {
      const answers = [await post(yoga, query, headers), await post(yoga, query, headers)];
      for (const answer of answers) expect(answer.etag, query).toBeNull();
      expect(answers[0]!.text, query).not.toMatch(/__responseCache/);
    }
    expect(JSON.parse((await post(yoga, refused)).text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(responseCache.lookups().hits).toBe(0);
    expect(responseCache.size()).toBe(0);
  });
});

describeEachStore('a successful write leaves no cached answer it could change', (current) => {
  it('refreshes empty search hits, empty event lists, counts and timelines after writes that fill them', async () => {
    const yoga = cachedYoga(current().store);
    const SEARCH = '{ search(query: "zqxcachecheck") { matchedOn } }';
    const EVENTS =
      '{ events(filter: { series: "soundtrack-1", kinds: [GIFT], agent: "tae-yoon" }) { totalCount edges { node { slug } } } }';
    const TIMELINE = '{ relationshipTimeline(series: "soundtrack-1", a: "tae-yoon", b: "seo-yeon") { after } }';
    const read = async () =>
      Promise.all([SEARCH, EVENTS, TIMELINE].map(async (query) => (await graphql(yoga, query)).data));
    const empty = [{ search: [] }, { events: { totalCount: 0, edges: [] } }, { relationshipTimeline: [] }];
    expect(await read()).toEqual(empty);
    expect(await read()).toEqual(empty);

    const character = await mutate(yoga, 'upsertCharacter', '($input: UpsertCharacterInput!)', {
      input: { series: 'soundtrack-1', slug: 'zqx-cache-check', name: 'Zqxcachecheck', source: SOURCE },
    });
    expect(character.data?.upsertCharacter.__typename).toBe('UpsertCharacterSuccess');
    const [search] = await read();
    expect((search as { search: unknown[] }).search).toHaveLength(1);

    const event = await mutate(yoga, 'upsertPlotEvent', '($input: UpsertPlotEventInput!)', {
      input: {
        series: 'soundtrack-1',
        slug: 'tae-yoon-gift-cache',
        episode: 1,
        sequence: 1,
        kind: 'GIFT',
        agent: 'tae-yoon',
        summary: 'A gift.',
        source: SOURCE,
      },
    });
    expect(event.data?.upsertPlotEvent.__typename).toBe('UpsertPlotEventSuccess');
    const [, events] = await read();
    expect(events).toEqual({ events: { totalCount: 1, edges: [{ node: { slug: 'tae-yoon-gift-cache' } }] } });

    const relationship = await mutate(yoga, 'upsertRelationship', '($input: UpsertRelationshipInput!)', {
      input: {
        series: 'soundtrack-1',
        slug: 'tae-yoon-seo-yeon-rivals',
        kind: 'RIVAL',
        from: 'tae-yoon',
        to: 'seo-yeon',
        mutual: true,
        since: 2,
        source: SOURCE,
      },
    });
    expect(relationship.data?.upsertRelationship.__typename).toBe('UpsertRelationshipSuccess');
    const [, , timeline] = await read();
    expect((timeline as { relationshipTimeline: unknown[] }).relationshipTimeline.length).toBeGreaterThan(0);
  });

  it('never stores the answer of a read that began before a write, even when it ends after it', async () => {
    const store = current().store;
    let gate: Promise<void> | null = null;
    let release = () => {};
    let entered = () => {};
    const reached = new Promise<void>((resolve) => (entered = resolve));
    const gated = new Proxy(store, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const answer: unknown = await value.apply(target, args);
          if (gate !== null) {
            entered();
            await gate;
          }
          return answer;
        };
      },
    });
    const responseCache = createDramaResponseCache();
    const ops = { responseCacheTtlMs: 60_000 };
    const reader = createDramaYoga({ store: gated, ops, responseCache });
    const writer = createDramaYoga({ store, tokens: WRITERS.tokens, ops, responseCache });
    const SEARCH = '{ search(query: "zqxinflight") { matchedOn } }';
    expect((await graphql(reader, '{ search(query: "warm up") { matchedOn } }')).status).toBe(200);

    gate = new Promise<void>((resolve) => (release = resolve));
    const inFlight = graphql(reader, SEARCH);
    await reached;
    const written = await mutate(writer, 'upsertCharacter', '($input: UpsertCharacterInput!)', {
      input: { series: 'soundtrack-1', slug: 'zqx-in-flight', name: 'Zqxinflight', source: SOURCE },
    });
    expect(written.data?.upsertCharacter.__typename).toBe('UpsertCharacterSuccess');
    gate = null;
    release();
    expect((await inFlight).data).toEqual({ search: [] });
    expect(((await graphql(reader, SEARCH)).data as { search: unknown[] }).search).toHaveLength(1);
  });

  it('keeps the cache across a refused write', async () => {
    const yoga = cachedYoga(current().store);
    const SERIES = '{ series(slug: "godspeed") { title } }';
    await graphql(yoga, SERIES);
    const before = current().store.roundTrips;
    const refused = await mutate(
      yoga,
      'upsertCharacter',
      '($input: UpsertCharacterInput!)',
      {
        input: { series: 'soundtrack-1', slug: 'refused', name: 'Refused', source: SOURCE },
      },
      '',
      null,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await graphql(yoga, SERIES)).data).toEqual({ series: { title: 'Godspeed' } });
    expect(current().store.roundTrips).toBe(before);
  });
});

describeEachStore('revalidation (If-None-Match) answers 304 only for the same answer', (current) => {
  const get = (yoga: DramaYoga, query: string, headers: Record<string, string> = {}) =>
    yoga.fetch(`http://drama.test/graphql?query=${encodeURIComponent(query)}`, {
      headers: { accept: 'application/graphql-response+json', ...headers },
    });
  const CHARACTERS = '{ series(slug: "soundtrack-1") { characters { slug } } }';

  it("never answers 304 to a viewer whose progress, or query, gives another answer than the tag's", async () => {
    const yoga = cachedYoga(current().store);
    const everything = await get(yoga, CHARACTERS);
    const etag = everything.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(everything.headers.get('vary')).toMatch(/X-Watched-Through/);
    expect(everything.headers.get('cache-control')).toBe('no-cache');
    await everything.arrayBuffer();
    const watched = await get(yoga, CHARACTERS, { 'x-watched-through': 'soundtrack-1@3', 'if-none-match': etag });
    expect(watched.status).toBe(200);
    expect(watched.headers.get('etag')).not.toBe(etag);
    const slugs = (await watched.json()).data.series.characters.map((c: { slug: string }) => c.slug);
    expect(slugs).not.toContain('seo-yeon');
    const other = await get(yoga, '{ series(slug: "godspeed") { title } }', { 'if-none-match': etag });
    expect(other.status).toBe(200);
    expect((await other.json()).data.series.title).toBeTruthy();
  });

  it('tags each format of an answer apart (JSON, GraphQL response JSON, event stream, multipart) and varies on Accept', async () => {
    const yoga = cachedYoga(current().store);
    const formats = ['application/json', 'application/graphql-response+json', 'text/event-stream', 'multipart/mixed'];
    const tags: string[] = [];
    for (const accept of formats) {
      const answer = await get(yoga, CHARACTERS, { accept });
      expect(answer.status, accept).toBe(200);
      expect(answer.headers.get('vary'), accept).toMatch(/(^|,)\s*Accept\s*(,|$)/i);
      tags.push(answer.headers.get('etag')!);
      await answer.arrayBuffer();
    }
    expect(tags.every((tag) => /^"[^"]+"$/.test(tag))).toBe(true);
    expect(new Set(tags).size).toBe(formats.length);
    for (const [index, accept] of formats.entries()) {
      const others = tags.filter((_, other) => other !== index).join(', ');
      const refreshed = await get(yoga, CHARACTERS, { accept, 'if-none-match': others });
      expect(refreshed.status, accept).toBe(200);
      await refreshed.arrayBuffer();
      const unchanged = await get(yoga, CHARACTERS, { accept, 'if-none-match': tags[index]! });
      expect(unchanged.status, accept).toBe(304);
    }
  });

  it('never gives a tag to another answer after a restart, however many writes came before (red team 63)', async () => {
    const SLUG = 'etag-after-restart';
    const DESCRIBED = `{ character(series: "soundtrack-1", slug: "${SLUG}") { description } }`;
    const describe = async (yoga: DramaYoga, description: string) => {
      const written = await mutate(yoga, 'upsertCharacter', '($input: UpsertCharacterInput!)', {
        input: { series: 'soundtrack-1', slug: SLUG, name: 'Etag Probe', description, source: SOURCE },
      });
      expect(written.data?.upsertCharacter?.__typename, JSON.stringify(written)).toBe('UpsertCharacterSuccess');
    };
    const before = cachedYoga(current().store);
    await describe(before, 'Before the restart.');
    const first = await get(before, DESCRIBED);
    const tag = first.headers.get('etag')!;
    expect(await first.text()).toContain('Before the restart.');
    // A process started anew keeps no cache, and counts its writes from the start again.
    const after = cachedYoga(current().store);
    await describe(after, 'After the restart.');
    const revalidated = await get(after, DESCRIBED, { 'if-none-match': tag });
    expect(revalidated.status).toBe(200);
    expect(revalidated.headers.get('etag')).not.toBe(tag);
    expect(await revalidated.text()).toContain('After the restart.');
    // The same text has the same tag in any process, so revalidating it in another still saves the body.
    const currentTag = revalidated.headers.get('etag')!;
    expect((await get(cachedYoga(current().store), DESCRIBED, { 'if-none-match': currentTag })).status).toBe(304);
  });

  it('answers 304 with no body to the same request naming its own tag, strong or weak, and never to a POST', async () => {
    const yoga = cachedYoga(current().store);
    const first = await get(yoga, CHARACTERS, { 'x-watched-through': 'soundtrack-1@2' });
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    for (const condition of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const again = await get(yoga, CHARACTERS, { 'x-watched-through': 'soundtrack-1@2', 'if-none-match': condition });
      expect(again.status, condition).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect(await again.text()).toBe('');
    }
    const posted = await send(
      yoga,
      { query: CHARACTERS },
      { 'x-watched-through': 'soundtrack-1@2', 'if-none-match': etag },
    );
    expect(posted.status).toBe(200);
    expect(posted.body.data.series.characters.length).toBeGreaterThan(0);
  });
});
