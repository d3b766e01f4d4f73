import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Replica, type ReplicaSet, replicaTokens, startReplicas } from '../support/replicas.js';

/**
 * Two replicas, each a process of the built server, on one Neo4j and one Redis. Bounds on waiting are counts
 * of polls, not speed claims: the 1 s is the service's bound, but one request on this busy 2-core
 * machine can take longer than that, so polls run up to 10 s; the response cache TTL (60 s) and Neo4j's state
 * epoch (60 s) are far longer, so what the polls see comes from the invalidation, not from expiry.
 */
const LIMIT = 40;
const LOAD_TOKENS = 30;
/** Polls read as these in turn, so that polling never meets the rate limit. */
const READERS = 20;
let reads = 0;
const reader = () => tokens.bearer(`reader-${reads++ % READERS}`);
const tokens = replicaTokens({
  writer: ['write:catalog'],
  ...Object.fromEntries(Array.from({ length: READERS }, (_, i) => [`reader-${i}`, ['export']])),
  limited: ['export'],
  'limited-again': ['export'],
  ...Object.fromEntries(Array.from({ length: LOAD_TOKENS }, (_, i) => [`load-${i}`, ['export']])),
});
const POLL = { timeout: 10_000, interval: 100 };
const HIT = 'response_cache_lookups_total{result="hit"}';
const source = { document: 'replicas.md', paragraph: 1 };

const UPSERT = `mutation Upsert($input: UpsertSeriesInput!) { upsertSeries(input: $input) { __typename ... on ValidationError { message } } }`;
const TITLE = 'query Title($slug: String!) { series(slug: $slug) { title } }';
const RECOMMENDED = '{ series(slug: "soundtrack-1") { recommendations(first: 20) { series { slug } } } }';

async function upsertSeries(replica: Replica, slug: string, title: string, extra: Record<string, unknown> = {}) {
  const reply = await replica.post(
    UPSERT,
    { input: { slug, title, episodeCount: 1, source, ...extra } },
    tokens.bearer('writer'),
  );
  expect(reply.body).toEqual({ data: { upsertSeries: { __typename: 'UpsertSeriesSuccess' } } });
}

const titleOn = async (replica: Replica, slug: string) =>
  (await replica.post(TITLE, { slug }, reader())).body?.data?.series?.title;

/** Sends `count` requests as one client, alternating replicas; how many were allowed. */
async function allowedOf(set: ReplicaSet, client: string, count: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < count; i++) {
    const reply = await (i % 2 === 0 ? set.a : set.b).post('{ __typename }', undefined, tokens.bearer(client));
    if (reply.status === 200) allowed += 1;
    else expect(reply).toMatchObject({ status: 429, body: { errors: [{ extensions: { code: 'RATE_LIMITED' } }] } });
  }
  return allowed;
}

/** B answers from what A cached: B's cache hits grow when it asks what A asked first. */
async function expectSharedCache(set: ReplicaSet, slug: string) {
  expect(await titleOn(set.a, slug)).toBeDefined();
  const before = await set.b.metric(HIT);
  await expect
    .poll(async () => {
      await titleOn(set.b, slug);
      return set.b.metric(HIT);
    }, POLL)
    .toBeGreaterThan(before);
}

describe.skipIf(inject('neo4j') === null)('two replicas sharing Redis', () => {
  let set: ReplicaSet;

  beforeAll(async () => {
    set = await startReplicas({
      ...tokens.env,
      RATE_LIMIT_MAX: String(LIMIT),
      RATE_LIMIT_WINDOW_MS: '600000',
      RESPONSE_CACHE_TTL_MS: '60000',
    });
  }, 300_000);
  afterAll(async () => {
    await set?.stop();
  });

  it('builds the recommendation profiles once for both replicas', async () => {
    const logs = () => [...set.a.server.logs, ...set.b.server.logs].join('\n');
    await expect.poll(() => logs().match(/recommendation profiles read from Redis/g)?.length ?? 0, POLL).toBe(1);
    expect(logs().match(/recommendation profiles built and shared/g)?.length).toBe(1);
    expect(logs()).not.toContain('building recommendation profiles in this replica');
  });

  it('a write on A is read on B, whose cached answer (shared with A) is invalidated, recommendations included', async () => {
    await upsertSeries(set.a, 'replica-proof', 'Before');
    await expectSharedCache(set, 'replica-proof');
    expect(await titleOn(set.b, 'replica-proof')).toBe('Before');
    const recommended = async () =>
      (
        (await set.b.post(RECOMMENDED, undefined, reader())).body.data.series.recommendations as {
          series: { slug: string };
        }[]
      ).map((r) => r.series.slug);
    expect(await recommended()).not.toContain('replica-proof');

    await upsertSeries(set.a, 'replica-proof', 'After', {
      genres: ['romance', 'music', 'drama'],
      starring: ['han-so-hee', 'park-hyung-sik'],
    });
    await expect.poll(() => titleOn(set.b, 'replica-proof'), POLL).toBe('After');
    await expect.poll(recommended, POLL).toContain('replica-proof');
  });

  it('two replicas together allow the configured rate limit once, not twice', async () => {
    expect(await allowedOf(set, 'limited', LIMIT + 20)).toBe(LIMIT);
  });

  it('keeps answering while Redis stops and starts under load (no 5xx), then shares cache and limits again', async () => {
    const statuses: number[] = [];
    let running = true;
    let n = 0;
    const client = async () => {
      while (running) {
        const replica = n % 2 === 0 ? set.a : set.b;
        const token = `load-${n++ % LOAD_TOKENS}`;
        const slug = ['soundtrack-1', 'godspeed', 'replica-proof'][n % 3]!;
        // A request the replica never answered counts as -1.
        statuses.push(
          await replica.post(TITLE, { slug }, tokens.bearer(token)).then(
            (r) => r.status,
            () => -1,
          ),
        );
      }
    };
    const clients = Array.from({ length: 4 }, client);
    const served = (at: number) => statuses.length >= at;
    try {
      await expect.poll(() => served(20), POLL).toBe(true);

      await set.redis.stopServer();
      for (const replica of [set.a, set.b]) await expect.poll(() => replica.metric('redis_up'), POLL).toBe(0);
      await upsertSeries(set.a, 'replica-proof', 'During the outage');
      const inOutage = statuses.length;
      await expect.poll(() => served(inOutage + 40), POLL).toBe(true);

      await set.redis.startServer();
      for (const replica of [set.a, set.b]) await expect.poll(() => replica.metric('redis_up'), POLL).toBe(1);
      const recovered = statuses.length;
      await expect.poll(() => served(recovered + 40), POLL).toBe(true);
    } finally {
      running = false;
      await Promise.all(clients);
    }

    expect(statuses.filter((status) => status >= 500 || status === -1)).toEqual([]);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    for (const replica of [set.a, set.b]) expect(await replica.metric('redis_outages_total')).toBe(1);
    expect([...set.a.server.logs, ...set.b.server.logs].join('\n').match(/Redis is unreachable/g)?.length).toBe(2);

    await expect.poll(() => titleOn(set.b, 'replica-proof'), POLL).toBe('During the outage');
    await upsertSeries(set.a, 'replica-proof', 'After the outage');
    await expect.poll(() => titleOn(set.b, 'replica-proof'), POLL).toBe('After the outage');
    await expectSharedCache(set, 'godspeed');
    expect(await allowedOf(set, 'limited-again', LIMIT + 20)).toBe(LIMIT);
  });
});
