import { expect, it } from 'vitest';
import { createDramaResponseCache } from '../../src/plugins/response-cache.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';
import { mutate, SOURCE, WRITERS } from '../support/writes.js';

const PAGE = 'query Page { series(slug: "soundtrack-1") { title episodes { number events { kind summary } } } }';
const NEWCOMER = '{ character(series: "soundtrack-1", slug: "zqx-shared") { name relationships { kind } } }';

/**
 * The store, with its first planned read held until `release()`: the request that makes it stays in flight as long
 * as a test needs. With `fail`, that read then fails, and so does every other store call until the next planned
 * read (the loaders the planner falls back to): that request's answer is an error. `reads()` counts planned reads.
 */
function heldStore(store: DramaStore, fail = false) {
  let reads = 0;
  let failing = false;
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let held!: () => void;
  const holding = new Promise<void>((resolve) => {
    held = resolve;
  });
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key === 'readPlanned')
        return async (...args: Parameters<DramaStore['readPlanned']>) => {
          reads += 1;
          failing = false;
          if (reads === 1) {
            held();
            await released;
            if (fail) {
              failing = true;
              throw new Error('the store went away');
            }
          }
          return target.readPlanned(...args);
        };
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        failing ? Promise.reject(new Error('the store went away')) : value.apply(target, args);
    },
  });
  return { store: proxy, holding, release, reads: () => reads };
}

/** A response cache that keeps nothing (every answer is over its bound): only sharing can spare an execution. */
const keepsNothing = () => createDramaResponseCache({ responses: 1, responseChars: 1, responsesTotalChars: 1 });

const cachedYoga = (store: DramaStore, responseCache = keepsNothing()) =>
  createDramaYoga({ store, tokens: WRITERS.tokens, ops: { responseCacheTtlMs: 60_000 }, responseCache });

/** Lets other requests' pending steps run: a handful of turns of the event loop. */
const turns = async (n = 20) => {
  for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

describeEachStore('identical reads in flight share one answer (response cache on)', (current) => {
  it('executes a burst of one query once, and every request gets the same answer', async () => {
    const held = heldStore(current().store);
    const yoga = cachedYoga(held.store);
    const answers = Array.from({ length: 20 }, async () => {
      const response = await yoga.fetch('http://drama.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query: PAGE }),
      });
      const tags = `${response.status} ${response.headers.get('etag')} ${response.headers.get('last-modified')}`;
      return { tags, body: await response.text() };
    });
    await held.holding;
    await turns();
    held.release();
    const sent = await Promise.all(answers);
    expect(held.reads()).toBe(1);
    // The same bytes and the same tags, whether a request executed or waited for the one that did.
    expect(new Set(sent.map((answer) => `${answer.tags}\n${answer.body}`)).size).toBe(1);
    expect(sent[0]!.tags).toMatch(/^200 "[0-9a-f]{64}[^"]*" \w{3}, /);
    expect(JSON.parse(sent[0]!.body).data.series.episodes.length).toBeGreaterThan(2);
    // Nothing kept: the next one executes again.
    await graphql(yoga, PAGE);
    expect(held.reads()).toBe(2);
  });

  it('never answers a read that began after a write with an answer begun before it', async () => {
    const held = heldStore(current().store);
    const yoga = cachedYoga(held.store, createDramaResponseCache());
    const before = graphql(yoga, NEWCOMER);
    await held.holding;
    const written = await mutate(yoga, 'upsertCharacter', '($input: UpsertCharacterInput!)', {
      input: { series: 'soundtrack-1', slug: 'zqx-shared', name: 'Zqxshared', source: SOURCE },
    });
    expect(written.data?.upsertCharacter.__typename).toBe('UpsertCharacterSuccess');
    // The first is still in flight; this one, after the write, runs on its own and sees it.
    expect((await graphql(yoga, NEWCOMER)).data?.character?.name).toBe('Zqxshared');
    held.release();
    expect((await before).errors).toBeUndefined();
    expect((await graphql(yoga, NEWCOMER)).data?.character?.name).toBe('Zqxshared');
  });

  it('keeps viewers with different progress apart: one held does not hold the other', async () => {
    const held = heldStore(current().store);
    const yoga = cachedYoga(held.store);
    const early = graphql(yoga, PAGE, undefined, { 'x-watched-through': 'soundtrack-1@1' });
    await held.holding;
    const unwatched = await graphql(yoga, PAGE);
    expect(unwatched.data?.series.title).toBe('Soundtrack #1');
    held.release();
    expect((await early).data?.series.title).toBe('Soundtrack #1');
    expect(held.reads()).toBe(2);
  });

  it('lets the others run their own when the first fails, and answers refusals to each without waiting', async () => {
    const held = heldStore(current().store, true);
    const yoga = cachedYoga(held.store);
    const answers = Array.from({ length: 5 }, () => graphql(yoga, PAGE));
    await held.holding;
    await turns();
    held.release();
    const results = await Promise.all(answers);
    expect(results.filter((r) => r.errors !== undefined)).toHaveLength(1);
    expect(results.filter((r) => r.data?.series?.title === 'Soundtrack #1')).toHaveLength(4);

    const invalid = await Promise.all(
      Array.from({ length: 10 }, () => graphql(yoga, '{ series(slug: "soundtrack-1") { nosuchfield } }')),
    );
    expect(invalid.map((r) => errorCodes(r))).toEqual(invalid.map(() => ['GRAPHQL_VALIDATION_FAILED']));
    const huge = `{ series(slug: "soundtrack-1") { episodes { events { participants { character {
      relationships(asOfEpisode: 2) { from { events(kinds: [CONFESSION]) { slug } } }
      portrayedBy { castings { character { name } } credits { role } }
      events { episode { isFinale } } } } } } } }`;
    const overCost = await Promise.all(Array.from({ length: 10 }, () => graphql(yoga, huge)));
    expect(overCost.map((r) => errorCodes(r))).toEqual(overCost.map(() => ['COST_LIMIT_EXCEEDED']));
  });

  it('runs each mutation and each change-log read itself, identical or not', async () => {
    const held = heldStore(current().store);
    const yoga = cachedYoga(held.store);
    const changes = '{ changes(first: 1) { totalCount } }';
    const before = current().store.roundTrips;
    await Promise.all(Array.from({ length: 4 }, () => graphql(yoga, changes)));
    expect(current().store.roundTrips - before).toBe(4);
    const upsert = () =>
      mutate(yoga, 'upsertCharacter', '($input: UpsertCharacterInput!)', {
        input: { series: 'soundtrack-1', slug: 'zqx-twice', name: 'Zqxtwice', source: SOURCE },
      });
    const writes = await Promise.all([upsert(), upsert(), upsert()]);
    expect(writes.map((w) => w.data?.upsertCharacter.__typename)).toEqual(writes.map(() => 'UpsertCharacterSuccess'));
    held.release();
  });
});
