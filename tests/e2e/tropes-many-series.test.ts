import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { STORY_MAX_RECORDS } from '../../src/reads/series-stories.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga } from '../../src/yoga.js';
import { importBigSeries } from '../support/big-series.js';
import { graphql } from '../support/graphql.js';

const SERIES = 14;
let dir: string;
let store: DramaStore;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'drama-tropes-many-'));
  store = await openEmbeddedStore({ dataDir: dir });
  for (let i = 1; i <= SERIES; i += 1) await importBigSeries(store, `small-${i}`, 2, 2);
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

// Red team 46: an operation waiting for a dozen series' tropes filled the log with MaxListenersExceededWarning.
it("works out a page of series' tropes at once without a warning", async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  try {
    const yoga = createDramaYoga({ store, graphiql: false });
    const answer = await graphql(yoga, `{ allSeries(first: ${SERIES}) { edges { node { slug tropes { kind } } } } }`);
    expect(answer.errors).toBeUndefined();
    const edges = (answer.data!.allSeries as { edges: { node: { tropes: unknown[] } }[] }).edges;
    expect(edges).toHaveLength(SERIES);
    for (const { node } of edges) expect(node.tropes).toEqual(expect.any(Array));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  expect(warnings.map((w) => w.name)).toEqual([]);
});

// Red team 47: a series larger than the story bound was read again for every derivation, and a flood ran the heap out.
it('answers tropes of a series whose story is over the bound with STORY_TOO_LARGE, and the rest of the request', async () => {
  let reads = 0;
  const inflated = new Proxy(store, {
    get: (target, property, receiver) =>
      property === 'eventsOfSeriesByKind'
        ? async (queries: Parameters<DramaStore['eventsOfSeriesByKind']>[0], signal?: AbortSignal) => {
            reads += 1;
            const lists = await target.eventsOfSeriesByKind(queries, signal);
            return lists.map((list, i) =>
              queries[i]!.seriesKey === 'small-1' ? [...list, ...Array(STORY_MAX_RECORDS).fill(list[0])] : list,
            );
          }
        : Reflect.get(target, property, receiver),
  });
  const yoga = createDramaYoga({ store: inflated, graphiql: false });
  const ask = (slug: string, progress: string) =>
    yoga.fetch('http://drama.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-watched-through': progress },
      body: JSON.stringify({
        query: `{ series(slug: "${slug}") { title tropes { kind } } other: series(slug: "small-3") { title } }`,
      }),
    });
  for (const progress of ['small-1@1', 'small-1@2']) {
    const response = await ask('small-1', progress);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toMatch(/\bat \S+:\d+:\d+|stack/i);
    const answer = JSON.parse(text);
    // Tropes are never null, so the series they belong to is; the rest of the request is answered.
    expect(answer.data).toEqual({ series: null, other: { title: expect.any(String) } });
    expect(
      answer.errors.map((e: { path: string[]; extensions: { code: string } }) => [e.path, e.extensions.code]),
    ).toEqual([[['series', 'tropes'], 'STORY_TOO_LARGE']]);
  }
  // Read once: the refusal is kept until the next write.
  expect(reads).toBe(1);
  const other = await (await ask('small-2', 'small-2@1')).json();
  expect(other.errors).toBeUndefined();
  expect(other.data.series.tropes).toEqual(expect.any(Array));
});
