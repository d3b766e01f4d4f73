import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { freePort } from '../../scripts/neo4j.mjs';
import { startRedis } from '../../scripts/redis.mjs';
import { operationId } from '../../src/config/persisted-operations.js';
import type { OpsSettings } from '../../src/config/settings.js';
import { createLogger } from '../../src/logger.js';
import { type Replication, startReplication } from '../../src/redis/replicas.js';
import { type EmbeddedStore, openEmbeddedStore } from '../../src/store/embedded/index.js';
import { SeriesJournal } from '../../src/store/journal.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { redisUrl } from '../support/redis.js';
import { seed } from '../support/seeded.js';
import { issueTokens } from '../support/tokens.js';

const issued = issueTokens({ writer: ['write:catalog'] });
const TITLE = 'query Title($slug: String!) { series(slug: $slug) { title } }';
const UPSERT = `mutation Upsert($input: UpsertSeriesInput!) { upsertSeries(input: $input) { __typename } }`;
const RECOMMENDED = '{ series(slug: "soundtrack-1") { recommendations(first: 20) { series { slug } } } }';
const POLL = { timeout: 10_000, interval: 50 };

interface InProcessReplica {
  replication: Replication;
  yoga: DramaYoga;
  logs: string[];
  metric(sample: string): Promise<number>;
}

const open: InProcessReplica[] = [];

/** A replica in this process: its own Redis connections, its own caches, the shared store object underneath. */
function replicaOn(store: DramaStore, url: string, prefix: string, ops: Partial<OpsSettings> = {}): InProcessReplica {
  const logs: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(line) });
  const settings = { responseCacheTtlMs: 60_000, ...ops };
  const replication = startReplication(store, {
    url,
    prefix,
    logger,
    ops: {
      caches: {
        documents: 100,
        documentChars: 1_000_000,
        documentTokens: 100_000,
        responses: 100,
        responseChars: 1_000_000,
        responsesTotalChars: 10_000_000,
        ...ops.caches,
      },
      apq: { entries: 100, chars: 1_000_000, ttlSeconds: 60 },
    },
  });
  const yoga = createDramaYoga({
    store: replication.store,
    replication,
    responseCache: replication.responseCache,
    apqStore: replication.apqStore,
    ops: settings,
    tokens: issued.tokens,
    logger,
  });
  const replica = {
    replication,
    yoga,
    logs,
    async metric(sample: string) {
      const text = await (await yoga.fetch('http://drama.test/metrics')).text();
      const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
      return line === undefined ? 0 : Number(line.slice(sample.length + 1));
    },
  };
  open.push(replica);
  return replica;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((replica) => replica.replication.close()));
});

/**
 * The store as another process sees it: none of the writes made through this object show in its state tag or
 * journal, and its clock never turns, so only a write notice can tell its caches that the data changed.
 */
function asAnotherProcess(store: DramaStore): DramaStore {
  const journal = new SeriesJournal();
  return new Proxy(store, {
    get(target, property) {
      if (property === 'stateTag') return { writes: 'other', epoch: 0 };
      if (property === 'journal') return journal;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const HIT = 'response_cache_lookups_total{result="hit"}';
/**
 * Connected, using the shared cache, and on one write generation: each replica moves it when it starts, and the
 * others hear of it by a notice, so until then they key answers apart.
 */
const sharing = (...replicas: InProcessReplica[]) =>
  replicas.every((replica) => !replica.replication.responseCache.bypassed()) &&
  new Set(replicas.map((replica) => replica.replication.responseCache.generation())).size === 1;
const MISS = 'response_cache_lookups_total{result="miss"}';
const prefix = () => `test-${randomUUID()}:`;
const titleOf = async (replica: InProcessReplica, slug: string) =>
  (await graphql(replica.yoga, TITLE, { slug })).data?.series?.title;

describeEachStore('replicas sharing Redis', (current) => {
  it('a write on one replica invalidates the other at once: its cached answers, its store state and recommendations, only the series touched', async () => {
    const shared = prefix();
    const one = replicaOn(current().store, redisUrl(), shared);
    const two = replicaOn(asAnotherProcess(current().store), redisUrl(), shared);
    await expect.poll(() => sharing(one, two), POLL).toBe(true);
    expect(await titleOf(one, 'godspeed')).toBe('Godspeed');
    await expect
      .poll(async () => {
        await titleOf(two, 'godspeed');
        return two.metric(HIT);
      }, POLL)
      .toBeGreaterThan(0);
    const recommended = async () => {
      const reply = await graphql(two.yoga, RECOMMENDED);
      return (reply.data?.series?.recommendations ?? []).map((r: { series: { slug: string } }) => r.series.slug);
    };
    const before = await recommended();
    expect(before.length).toBeGreaterThan(0);
    expect(before).not.toContain('godspeed');
    const position = two.replication.store.journal.position;
    const writes = two.replication.store.stateTag.writes;

    const written = await graphql(
      one.yoga,
      UPSERT,
      {
        input: {
          slug: 'godspeed',
          title: 'Godspeed (renamed)',
          episodeCount: 8,
          genres: ['romance', 'music', 'drama'],
          starring: ['han-so-hee'],
          source: { document: 'x.md', paragraph: 1 },
        },
      },
      issued.bearer('writer'),
    );
    expect(written.data).toEqual({ upsertSeries: { __typename: 'UpsertSeriesSuccess' } });

    await expect.poll(() => two.replication.store.stateTag.writes, POLL).not.toBe(writes);
    await expect.poll(() => titleOf(two, 'godspeed'), POLL).toBe('Godspeed (renamed)');
    expect(two.replication.store.journal.since(position)).toEqual(new Set(['godspeed']));
    await expect.poll(recommended, POLL).toContain('godspeed');
  });

  it('follows writes made after the write generation was lost (deleted, evicted): no answer from before them (red team 63)', async () => {
    const shared = prefix();
    const one = replicaOn(current().store, redisUrl(), shared);
    const two = replicaOn(asAnotherProcess(current().store), redisUrl(), shared);
    await expect.poll(() => sharing(one, two), POLL).toBe(true);
    const inspect = new Redis(redisUrl());
    onTestFinished(() => inspect.disconnect());
    const rename = async (replica: InProcessReplica, title: string) => {
      const input = {
        slug: 'generation-probe',
        title,
        episodeCount: 1,
        genres: ['drama'],
        starring: ['han-so-hee'],
        source: { document: 'x.md', paragraph: 1 },
      };
      const written = await graphql(replica.yoga, UPSERT, { input }, issued.bearer('writer'));
      expect(written.data, JSON.stringify(written)).toEqual({ upsertSeries: { __typename: 'UpsertSeriesSuccess' } });
    };
    for (const title of ['Probe 1', 'Probe 2', 'Probe 3']) await rename(one, title);
    await expect.poll(() => sharing(one, two), POLL).toBe(true);
    for (const replica of [one, two]) expect(await titleOf(replica, 'generation-probe')).toBe('Probe 3');
    const hits = await two.metric(HIT);
    expect(await titleOf(two, 'generation-probe')).toBe('Probe 3');
    expect(await two.metric(HIT)).toBe(hits + 1);
    for (const [writer, title] of [
      [one, 'After a loss, written on one'],
      [two, 'After a loss, written on two'],
    ] as const) {
      await inspect.del(`${shared}generation`);
      await rename(writer, title);
      expect(await titleOf(writer, 'generation-probe')).toBe(title);
      for (const replica of [one, two]) await expect.poll(() => titleOf(replica, 'generation-probe'), POLL).toBe(title);
    }
    expect(Number(await inspect.get(`${shared}generation`))).toBeGreaterThan(3);
  });
});

describe('a replica whose Redis is down at start', () => {
  let dataDir: string;
  let store: EmbeddedStore;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'drama-redis-down-'));
    store = await openEmbeddedStore({ dataDir });
    await seed(store);
  });
  afterAll(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers from the store (cache bypassed), logs and counts the outage once, and shares again once Redis is up', async () => {
    const port = await freePort();
    const replica = replicaOn(asAnotherProcess(store), `redis://127.0.0.1:${port}`, prefix(), {
      rateLimit: { max: 5, windowMs: 60_000 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const reply = await graphql(replica.yoga, TITLE, { slug: 'godspeed' });
      statuses.push(reply.status);
      if (reply.status === 200) expect(reply.data).toEqual({ series: { title: 'Godspeed' } });
    }
    // The limit still holds, counted in this process.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429, 429, 429]);
    expect(await replica.metric(HIT)).toBe(0);
    expect(await replica.metric('redis_up')).toBe(0);
    expect(await replica.metric('redis_outages_total')).toBe(1);
    expect((await replica.yoga.fetch('http://drama.test/ready')).status).toBe(200);
    expect(replica.logs.filter((line) => line.includes('Redis is unreachable'))).toHaveLength(1);

    const redis = await startRedis({ port });
    try {
      await expect.poll(() => replica.metric('redis_up'), POLL).toBe(1);
      const again = replicaOn(store, redis.url, replica.replication.redis.prefix);
      await expect.poll(() => sharing(again), POLL).toBe(true);
      expect((await graphql(again.yoga, TITLE, { slug: 'soundtrack-1' })).status).toBe(200);
      await expect
        .poll(async () => {
          // Another client (a token): the anonymous one spent its requests in this process.
          const reply = await graphql(replica.yoga, TITLE, { slug: 'soundtrack-1' }, issued.bearer('writer'));
          return reply.status === 429 ? -1 : replica.metric(HIT);
        }, POLL)
        .toBeGreaterThan(0);
      expect(await replica.metric('redis_outages_total')).toBe(1);
      expect(replica.logs.filter((line) => line.includes('Redis is reachable'))).toHaveLength(1);

      // It hears the other replica's writes: its subscription, asked for while Redis was down, holds now.
      const inspect = new Redis(redis.url);
      try {
        const channel = `${replica.replication.redis.prefix}writes`;
        await expect.poll(async () => ((await inspect.pubsub('NUMSUB', channel)) as [string, number])[1], POLL).toBe(2);
      } finally {
        inspect.disconnect();
      }
      const position = replica.replication.store.journal.position;
      const written = await graphql(
        again.yoga,
        UPSERT,
        {
          input: {
            slug: 'soundtrack-1',
            title: 'Soundtrack #1',
            episodeCount: 4,
            source: { document: 'x.md', paragraph: 1 },
          },
        },
        issued.bearer('writer'),
      );
      expect(written.data).toEqual({ upsertSeries: { __typename: 'UpsertSeriesSuccess' } });
      await expect
        .poll(() => replica.replication.store.journal.since(position), POLL)
        .toEqual(new Set(['soundtrack-1']));
    } finally {
      await redis.stop();
    }
  });
});

describe('what replicas keep in Redis', () => {
  let dataDir: string;
  let store: EmbeddedStore;
  let inspect: Redis;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'drama-redis-keys-'));
    store = await openEmbeddedStore({ dataDir });
    await seed(store);
    inspect = new Redis(redisUrl());
  });
  afterAll(async () => {
    inspect.disconnect();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const keysOf = (shared: string, kind: string) => inspect.keys(`${shared}${kind}:*`);

  it('keeps no answer longer than RESPONSE_CACHE_MAX_ENTRY_CHARS, and every kept one expires', async () => {
    const shared = prefix();
    const replica = replicaOn(store, redisUrl(), shared, {
      caches: {
        documents: 100,
        documentChars: 1_000_000,
        documentTokens: 100_000,
        responses: 100,
        responseChars: 100,
        responsesTotalChars: 1_000,
      },
    });
    await expect.poll(() => sharing(replica), POLL).toBe(true);
    const many = await graphql(replica.yoga, `{ series(slug: "soundtrack-1") { title characters { name } } }`);
    // Its answer's text is well over 100 characters (the bound counts the text, not its headers); the title's is 40.
    expect(many.status).toBe(200);
    expect(many.data?.series?.characters.length).toBeGreaterThan(5);
    expect(JSON.stringify({ data: many.data }).length).toBeGreaterThan(100);
    await graphql(replica.yoga, `{ series(slug: "soundtrack-1") { title characters { name } } }`);
    expect(await keysOf(shared, 'response')).toEqual([]);
    expect(await replica.metric(HIT)).toBe(0);

    expect((await graphql(replica.yoga, TITLE, { slug: 'godspeed' })).data).toEqual({ series: { title: 'Godspeed' } });
    await expect.poll(() => keysOf(shared, 'response').then((keys) => keys.length), POLL).toBe(1);
    const [key] = await keysOf(shared, 'response');
    expect(await inspect.pttl(key!)).toBeGreaterThan(0);
  });

  it('answers from the store when a kept answer is not one (another shape, not JSON, a header it cannot send)', async () => {
    const shared = prefix();
    const replica = replicaOn(store, redisUrl(), shared);
    await expect.poll(() => sharing(replica), POLL).toBe(true);
    expect(await titleOf(replica, 'godspeed')).toBe('Godspeed');
    await expect.poll(() => keysOf(shared, 'response').then((keys) => keys.length), POLL).toBe(1);
    const [key] = await keysOf(shared, 'response');
    const kept = JSON.parse((await inspect.get(key!))!) as { body: string; headers: Record<string, string> };
    expect(JSON.parse(kept.body)).toEqual({ data: { series: { title: 'Godspeed' } } });
    expect(Object.keys(kept.headers).sort()).toEqual(['ETag', 'Last-Modified']);
    const hits = await replica.metric(HIT);
    expect(await titleOf(replica, 'godspeed')).toBe('Godspeed');
    expect(await replica.metric(HIT)).toBe(hits + 1);
    const foreign = [
      '{"data":{"series":{"title":"Forged"}}}',
      'not json',
      '[]',
      'null',
      JSON.stringify({ body: 42, headers: {} }),
      JSON.stringify({ body: kept.body, headers: { ETag: 'x\r\nSet-Cookie: a=b' } }),
      JSON.stringify({ body: kept.body, headers: { 'Bad Name': 'x' } }),
      JSON.stringify({ body: kept.body, headers: { ETag: 7 } }),
      JSON.stringify({ body: kept.body, headers: kept.headers, extensions: [] }),
      '{"__proto__":{"body":"{}","headers":{}}}',
      // Red team 63: headers beside the two, values a response cannot carry, bodies no kept answer can be.
      JSON.stringify({
        body: kept.body,
        headers: { ...kept.headers, 'Set-Cookie': 'sid=x', 'Content-Type': 'text/html' },
      }),
      JSON.stringify({ body: kept.body, headers: { ...kept.headers, 'Content-Length': '3' } }),
      JSON.stringify({ body: kept.body, headers: { ...kept.headers, ETag: '\u0001' } }),
      JSON.stringify({ body: kept.body, headers: { ...kept.headers, ETag: '☃' } }),
      JSON.stringify({ body: kept.body, headers: { ...kept.headers, ETag: 'a", W/"b' } }),
      JSON.stringify({ body: kept.body, headers: { ...kept.headers, 'Last-Modified': 'yesterday' } }),
      JSON.stringify({ body: '{"errors":[{"message":"boom"}]}', headers: kept.headers }),
      JSON.stringify({ body: '', headers: kept.headers }),
      JSON.stringify({ body: 'not json <script>', headers: kept.headers }),
      JSON.stringify({ body: `${kept.body}\n\nevent: next\ndata: {"data":{"evil":1}}`, headers: kept.headers }),
      JSON.stringify({ body: `{"data":${'1'.repeat(1_100_000)}}`, headers: kept.headers }),
      // Red team 64: a tag that is not the text's SHA-256, a date that is not one.
      JSON.stringify({ body: kept.body, headers: { ...kept.headers, ETag: '0'.repeat(64) } }),
      JSON.stringify({ body: '{"data":{]}', headers: kept.headers }),
      JSON.stringify({
        body: kept.body,
        headers: { ...kept.headers, 'Last-Modified': 'Mon, 04 Dec 2026 12:00:00 GMT' },
      }),
      JSON.stringify({
        body: kept.body,
        headers: { ...kept.headers, 'Last-Modified': 'Fri, 31 Feb 2026 29:69:69 GMT' },
      }),
    ];
    for (const value of foreign) {
      await inspect.set(key!, value, 'PX', 60_000);
      for (const accept of ['application/graphql-response+json', 'text/event-stream']) {
        const response = await replica.yoga.fetch('http://drama.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept },
          body: JSON.stringify({ query: TITLE, variables: { slug: 'godspeed' } }),
        });
        const label = `${accept} ${value.slice(0, 200)}`;
        expect(response.status, label).toBe(200);
        expect(response.headers.get('content-type')?.split(';')[0], label).toBe(accept);
        expect(response.headers.get('set-cookie'), label).toBeNull();
        expect(response.headers.get('etag'), label).toMatch(/^"[0-9a-f]{64}(\.[a-z0-9-]+)?"$/);
        const text = await response.text();
        expect(text, label).toContain('{"data":{"series":{"title":"Godspeed"}}}');
        expect(text, label).not.toMatch(/evil|boom|script/);
      }
    }
  });

  it('keys answers apart by variables, __proto__ and Unicode included, and serves each its own', async () => {
    const shared = prefix();
    const replica = replicaOn(store, redisUrl(), shared);
    await expect.poll(() => sharing(replica), POLL).toBe(true);
    const slugs = ['__proto__', 'constructor', '사랑의-불시착', 'e\u0301', '\u00e9', '😀', 'godspeed'];
    const first = await Promise.all(slugs.map((slug) => titleOf(replica, slug)));
    expect(first).toEqual([...slugs.slice(0, -1).map(() => undefined), 'Godspeed']);
    await expect.poll(() => keysOf(shared, 'response').then((keys) => keys.length), POLL).toBe(slugs.length);
    const misses = await replica.metric(MISS);
    expect(await Promise.all(slugs.map((slug) => titleOf(replica, slug)))).toEqual(first);
    expect(await replica.metric(HIT)).toBe(slugs.length);
    expect(await replica.metric(MISS)).toBe(misses);
  });

  it('keeps spoiler progress in the key: replicas never share an answer across viewers who watched different amounts', async () => {
    const shared = prefix();
    const [one, two] = [replicaOn(store, redisUrl(), shared), replicaOn(store, redisUrl(), shared)];
    await expect.poll(() => sharing(one, two), POLL).toBe(true);
    const events = '{ events(filter: { series: "soundtrack-1", kinds: [CONFESSION] }) { totalCount spoilersHidden } }';
    const all = await graphql(one.yoga, events);
    const watched = await graphql(one.yoga, events, undefined, { 'x-watched-through': 'soundtrack-1@3' });
    expect(all.data).toEqual({ events: { totalCount: 4, spoilersHidden: 0 } });
    expect(watched.data).toEqual({ events: { totalCount: 0, spoilersHidden: 34 } });
    await expect.poll(() => keysOf(shared, 'response').then((keys) => keys.length), POLL).toBe(2);
    expect((await graphql(two.yoga, events, undefined, { 'x-watched-through': 'soundtrack-1@3' })).data).toEqual(
      watched.data,
    );
    expect((await graphql(two.yoga, events)).data).toEqual(all.data);
    expect(await two.metric(HIT)).toBe(2);
  });

  it('keeps registered queries (APQ) with a TTL, none longer than APQ_MAX_CHARS, under any hash', async () => {
    const shared = prefix();
    const replica = replicaOn(store, redisUrl(), shared);
    await expect.poll(() => sharing(replica), POLL).toBe(true);
    const apq = replica.replication.apqStore;
    const [a, b, huge] = ['{ a }', '{ 사랑 }', `{ ${'x '.repeat(600_000)}}`];
    for (const text of [a, b, huge]) await apq.set(operationId(text), text);
    expect(await apq.get(operationId(a))).toBe(a);
    expect(await apq.get(operationId(b))).toBe(b);
    expect(await apq.get(operationId(huge))).toBeUndefined();
    expect(await apq.get('__proto__')).toBeUndefined();
    const keys = await keysOf(shared, 'apq');
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(await inspect.ttl(key)).toBeGreaterThan(0);
    // Red team 63: a value that is not the text of its hash is not found (so the client registers the text again),
    // and a hash whose key holds another text finds nothing either.
    const [aKey] = keys.filter((key) => key.endsWith(operationId(a)));
    for (const value of ['{"garbage":1}', b, '', `${a} `]) {
      await inspect.set(aKey!, value, 'EX', 60);
      expect(await apq.get(operationId(a)), value).toBeUndefined();
    }
    await apq.set('__proto__', a);
    expect(await apq.get('__proto__')).toBeUndefined();
  });
});

describeEachStore('replicas whose Redis does not take a write (full, or paused)', (current) => {
  const store = () => current().store;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let inspect: Redis;
  beforeAll(async () => {
    // A Redis of its own: these tests fill and pause it.
    redis = await startRedis();
    inspect = new Redis(redis.url);
  });
  afterAll(async () => {
    inspect.disconnect();
    await redis.stop();
  });
  afterEach(async () => {
    await inspect.config('SET', 'maxmemory', '0');
    await inspect.call('CLIENT', 'UNPAUSE');
    await inspect.call('SCRIPT', 'KILL').catch(() => undefined);
  });

  const rename = (replica: InProcessReplica, title: string) =>
    graphql(
      replica.yoga,
      UPSERT,
      { input: { slug: 'godspeed', title, episodeCount: 8, source: { document: 'x.md', paragraph: 1 } } },
      issued.bearer('writer'),
    );

  /** Two replicas that have each answered the title from the shared cache. */
  async function cachedOnBoth() {
    const shared = prefix();
    const one = replicaOn(store(), redis.url, shared);
    const two = replicaOn(asAnotherProcess(store()), redis.url, shared);
    await expect.poll(() => sharing(one, two), POLL).toBe(true);
    const title = await titleOf(one, 'godspeed');
    for (const replica of [one, two])
      await expect
        .poll(async () => {
          expect(await titleOf(replica, 'godspeed')).toBe(title);
          return replica.metric(HIT);
        }, POLL)
        .toBeGreaterThan(0);
    return { one, two };
  }

  it('full (every write refused): no replica answers from the cache once the write is acknowledged, and both use it again once Redis has room', async () => {
    const { one, two } = await cachedOnBoth();
    await inspect.config('SET', 'maxmemory-policy', 'noeviction');
    await inspect.config('SET', 'maxmemory', '1');
    await expect(inspect.incr('probe')).rejects.toThrow(/OOM/);

    expect((await rename(one, 'Godspeed (full)')).data).toEqual({
      upsertSeries: { __typename: 'UpsertSeriesSuccess' },
    });
    expect(await titleOf(one, 'godspeed')).toBe('Godspeed (full)');
    // Redis still publishes when full: the other replica is told before the cache entry could be read.
    await expect.poll(() => two.metric('response_cache_bypassed'), POLL).toBe(1);
    expect(await titleOf(two, 'godspeed')).toBe('Godspeed (full)');
    expect(await one.metric('response_cache_bypassed')).toBe(1);
    // A Redis that refuses every write is an outage: rate limits are counted per process meanwhile.
    expect(await one.metric('redis_up')).toBe(0);
    expect(one.logs.filter((line) => line.includes('refuses writes (OOM)'))).toHaveLength(1);

    await inspect.config('SET', 'maxmemory', '0');
    for (const replica of [one, two]) {
      await expect.poll(() => replica.metric('response_cache_bypassed'), POLL).toBe(0);
      expect(await replica.metric('redis_up')).toBe(1);
      const hits = await replica.metric(HIT);
      await expect
        .poll(async () => {
          expect(await titleOf(replica, 'godspeed')).toBe('Godspeed (full)');
          return replica.metric(HIT);
        }, POLL)
        .toBeGreaterThan(hits);
    }
  });

  it('full, then the writer and the others restarted: a replica that starts never answers from before a write it did not see', async () => {
    const { one, two } = await cachedOnBoth();
    const shared = one.replication.redis.prefix;
    await inspect.config('SET', 'maxmemory-policy', 'noeviction');
    await inspect.config('SET', 'maxmemory', '1');
    expect((await rename(one, 'Godspeed (restarted)')).data).toEqual({
      upsertSeries: { __typename: 'UpsertSeriesSuccess' },
    });
    await Promise.all([one, two].map((replica) => replica.replication.close()));
    const [three, four] = [
      replicaOn(store(), redis.url, shared),
      replicaOn(asAnotherProcess(store()), redis.url, shared),
    ];
    // Connected (a full Redis answers, then refuses their first write: an outage).
    const connected = (replica: InProcessReplica) =>
      replica.replication.redis.up() || replica.replication.redis.outages() > 0;
    await expect.poll(() => connected(three) && connected(four), POLL).toBe(true);
    for (const replica of [three, four]) expect(await titleOf(replica, 'godspeed')).toBe('Godspeed (restarted)');
    await expect.poll(() => three.replication.redis.outages() + four.replication.redis.outages(), POLL).toBe(2);
    await inspect.config('SET', 'maxmemory', '0');
    await expect.poll(() => sharing(three, four), POLL).toBe(true);
    for (const replica of [three, four]) {
      expect(await titleOf(replica, 'godspeed')).toBe('Godspeed (restarted)');
      await expect
        .poll(async () => {
          expect(await titleOf(replica, 'godspeed')).toBe('Godspeed (restarted)');
          return replica.metric(HIT);
        }, POLL)
        .toBeGreaterThan(0);
    }
  });

  it('full: a client that spent its limit while each replica counted alone is still refused once Redis counts again', async () => {
    const replica = replicaOn(store(), redis.url, prefix(), { rateLimit: { max: 3, windowMs: 60_000 } });
    await expect.poll(() => sharing(replica), POLL).toBe(true);
    await inspect.config('SET', 'maxmemory-policy', 'noeviction');
    await inspect.config('SET', 'maxmemory', '1');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await graphql(replica.yoga, TITLE, { slug: 'soundtrack-1' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await replica.metric('redis_up')).toBe(0);
    await inspect.config('SET', 'maxmemory', '0');
    await expect.poll(() => replica.metric('redis_up'), POLL).toBe(1);
    // Redis never saw those requests: this process's count holds beside it for the rest of the window.
    expect((await graphql(replica.yoga, TITLE, { slug: 'soundtrack-1' })).status).toBe(429);
  });

  it('a write generation out of range (near 2^53, set or announced): writes are never unseen, and a lost key ends it (red team 64)', async () => {
    const shared = prefix();
    const replica = replicaOn(store(), redis.url, shared);
    await expect.poll(() => sharing(replica), POLL).toBe(true);
    const known = replica.replication.responseCache.generation();
    // A notice of a generation no counter reaches is not one.
    await inspect.publish(
      `${shared}writes`,
      JSON.stringify({ origin: 'elsewhere', generation: 2 ** 53 - 10, series: [], moved: true }),
    );
    const rename = async (name: string) => {
      const written = await graphql(
        replica.yoga,
        'mutation P($input: UpsertPersonInput!) { upsertPerson(input: $input) { __typename } }',
        { input: { slug: 'generation-range', name, source: { document: 'x.md', paragraph: 1 } } },
        issued.bearer('writer'),
      );
      expect(written.data, JSON.stringify(written)).toEqual({ upsertPerson: { __typename: 'UpsertPersonSuccess' } });
    };
    const nameOf = async () =>
      (await graphql(replica.yoga, '{ person(slug: "generation-range") { name } }')).data?.person?.name;
    await rename('Range 0');
    expect(await nameOf()).toBe('Range 0');
    expect(replica.replication.responseCache.generation()).toBeLessThan(known + 10);
    await inspect.set(`${shared}generation`, String(2 ** 53 - 10));
    for (const name of ['Range 1', 'Range 2', 'Range 3', 'Range 4']) {
      await rename(name);
      expect(await nameOf()).toBe(name);
      expect(await nameOf()).toBe(name);
    }
    expect(await replica.metric('response_cache_bypassed')).toBe(1);
    await inspect.del(`${shared}generation`);
    await expect.poll(() => replica.metric('response_cache_bypassed'), POLL).toBe(0);
    await rename('Range 5');
    expect(await nameOf()).toBe('Range 5');
    expect(await nameOf()).toBe('Range 5');
  });

  it('Redis refusing the notice channel (an ACL): the replica stays up, passes the shared cache by, and resumes (red team 64)', async () => {
    const shared = prefix();
    const one = replicaOn(store(), redis.url, shared);
    const two = replicaOn(asAnotherProcess(store()), redis.url, shared);
    await expect.poll(() => sharing(one, two), POLL).toBe(true);
    try {
      // Redis 7 drops subscribers whose channel it no longer allows; they reconnect and are refused.
      await inspect.call('ACL', 'SETUSER', 'default', 'resetchannels', '&__nothing__');
      for (const replica of [one, two])
        await expect.poll(() => replica.metric('response_cache_bypassed'), POLL).toBe(1);
      expect((await graphql(two.yoga, TITLE, { slug: 'godspeed' })).status).toBe(200);
      await expect
        .poll(() => two.logs.some((line) => line.includes('refuses the subscription to write notices')), POLL)
        .toBe(true);
      expect(await two.metric('response_cache_bypassed')).toBe(1);
    } finally {
      await inspect.call('ACL', 'SETUSER', 'default', 'allchannels');
    }
    for (const replica of [one, two]) await expect.poll(() => replica.metric('response_cache_bypassed'), POLL).toBe(0);
    await expect.poll(() => sharing(one, two), POLL).toBe(true);
  });

  it('busy running a script: the outage lasts until Redis takes a write again, not until it first replies', async () => {
    const replica = replicaOn(store(), redis.url, prefix());
    await expect.poll(() => sharing(replica), POLL).toBe(true);
    await inspect.config('SET', 'busy-reply-threshold', '100');
    const busy = new Redis(redis.url);
    try {
      const script = busy.eval('while true do end', 0).catch((error: Error) => error.message);
      // Past the threshold Redis replies BUSY to every command, the replica's rate-limit count included.
      await expect
        .poll(async () => {
          expect((await graphql(replica.yoga, TITLE, { slug: 'soundtrack-1' })).status).toBe(200);
          return replica.metric('redis_up');
        }, POLL)
        .toBe(0);
      expect(replica.logs.filter((line) => line.includes('refuses writes (BUSY)'))).toHaveLength(1);
      // Probes are sent every 0.5 s: each is refused with BUSY, which does not end the outage.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await replica.metric('redis_up')).toBe(0);
      await inspect.call('SCRIPT', 'KILL');
      expect(await script).toMatch(/killed/i);
      await expect.poll(() => replica.metric('redis_up'), POLL).toBe(1);
      expect(replica.logs.filter((line) => line.includes('takes writes in time again'))).toHaveLength(1);
    } finally {
      busy.disconnect();
    }
  });

  it('paused: a command that gets no answer in time starts an outage, so later requests do not wait for Redis, and it ends once Redis answers', async () => {
    const shared = prefix();
    const replica = replicaOn(store(), redis.url, shared, { rateLimit: { max: 1_000, windowMs: 60_000 } });
    await expect.poll(() => sharing(replica), POLL).toBe(true);
    const title = await graphql(replica.yoga, TITLE, { slug: 'godspeed' });
    expect(title.data?.series?.title).toMatch(/^Godspeed/);
    await inspect.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    // The first request's count waits for its answer until the command timeout; it is answered all the same.
    expect((await graphql(replica.yoga, TITLE, { slug: 'godspeed' })).data).toEqual(title.data);
    expect(await replica.metric('redis_up')).toBe(0);
    expect(await replica.metric('redis_outages_total')).toBe(1);
    expect(await replica.metric('response_cache_bypassed')).toBe(1);
    expect(replica.logs.filter((line) => line.includes('does not answer in time'))).toHaveLength(1);
    // Counted in this process meanwhile: no request sends Redis a count that would wait. Redis runs a held command
    // once unpaused, so the first request's count shows then, and nothing after it.
    // Counts are scripts, and so are moves of the write generation (one each; the outage's end makes one).
    const counts = async () =>
      [...(await inspect.info('commandstats')).matchAll(/cmdstat_eval(?:sha)?:calls=(\d+)/g)].reduce(
        (sum, [, calls]) => sum + Number(calls),
        0,
      ) - Number(await inspect.get(`${shared}generation`));
    const before = await counts();
    for (let i = 0; i < 5; i++) expect((await graphql(replica.yoga, TITLE, { slug: 'soundtrack-1' })).status).toBe(200);
    await inspect.call('CLIENT', 'UNPAUSE');
    await expect.poll(() => replica.metric('redis_up'), POLL).toBe(1);
    await expect.poll(counts, POLL).toBe(before + 1);
    expect(await replica.metric('redis_outages_total')).toBe(1);
    expect(replica.logs.filter((line) => line.includes('takes writes in time again'))).toHaveLength(1);
    expect(replica.logs.filter((line) => line.includes('Redis is unreachable'))).toHaveLength(0);
  });

  it('paused for writes longer than a command may wait: the writer never answers from before its write, the other not once Redis is back', async () => {
    const { one, two } = await cachedOnBoth();
    // Reads still answer while paused for writes; the write's move and its notice wait, past the 2 s command timeout.
    await inspect.call('CLIENT', 'PAUSE', '4000', 'WRITE');
    expect((await rename(one, 'Godspeed (paused)')).data).toEqual({
      upsertSeries: { __typename: 'UpsertSeriesSuccess' },
    });
    expect(await titleOf(one, 'godspeed')).toBe('Godspeed (paused)');
    await expect.poll(() => titleOf(two, 'godspeed'), POLL).toBe('Godspeed (paused)');
    for (const replica of [one, two]) await expect.poll(() => replica.metric('response_cache_bypassed'), POLL).toBe(0);
    expect(await titleOf(one, 'godspeed')).toBe('Godspeed (paused)');
    expect(await titleOf(two, 'godspeed')).toBe('Godspeed (paused)');
  });
});
