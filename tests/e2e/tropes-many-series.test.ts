import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
