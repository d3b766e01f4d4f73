import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExamples } from '../../src/examples.js';
import { createLogger } from '../../src/logger.js';
import { bootstrapStore } from '../../src/store/bootstrap.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { graphql } from '../support/graphql.js';

describe('the service over HTTP, seeded on first start', () => {
  let dataDir: string;
  let store: DramaStore;
  let yoga: DramaYoga;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-e2e-'));
    store = await openEmbeddedStore({ dataDir });
    expect(await bootstrapStore(store, { seedOnStart: true }, createLogger('silent'))).toBe('ready');
    yoga = createDramaYoga({ store });
  });
  afterAll(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('opens GraphiQL in a browser, with every example operation in a tab', async () => {
    const response = await yoga.fetch('http://drama.test/graphql', { headers: { accept: 'text/html' } });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('Drama knowledge graph');
    for (const example of loadExamples()) {
      expect(html).toContain(JSON.stringify(example.document).slice(1, 60));
    }
  });

  it('answers every example operation without errors', async () => {
    for (const example of loadExamples()) {
      const response = await graphql(yoga, example.document);
      expect(response.errors, example.name).toBeUndefined();
      expect(JSON.stringify(response.data), example.name).not.toMatch(/^\{"[a-zA-Z]+":null\}$/);
    }
  });

  it('answers queries sent with GET', async () => {
    const query = encodeURIComponent('{ series(slug: "soundtrack-1") { title } }');
    const response = await yoga.fetch(`http://drama.test/graphql?query=${query}`, {
      headers: { accept: 'application/json' },
    });
    expect(await response.json()).toEqual({ data: { series: { title: 'Soundtrack #1' } } });
  });

  it('reports liveness and readiness', async () => {
    expect((await yoga.fetch('http://drama.test/health')).status).toBe(200);
    expect((await yoga.fetch('http://drama.test/ready')).status).toBe(200);
  });

  it('does not seed twice: a second start leaves the counts as they were', async () => {
    const before = await store.counts();
    expect(await bootstrapStore(store, { seedOnStart: true }, createLogger('silent'))).toBe('ready');
    expect(await store.counts()).toEqual(before);
  });

  it('rejects malformed documents and wrong argument types with coded errors, never a 500', async () => {
    const cases = [
      '{ series(slug: "soundtrack-1") { title ',
      '{ series(slug: 42) { title } }',
      '{ series { title } }',
      '{ series(slug: "soundtrack-1") { nosuchfield } }',
      '{ episode(series: "soundtrack-1", number: "four") { number } }',
    ];
    for (const query of cases) {
      const response = await graphql(yoga, query);
      expect(response.status, query).toBeLessThan(500);
      expect(response.errors?.length, query).toBeGreaterThan(0);
      for (const error of response.errors ?? []) expect(error.extensions?.code, query).toEqual(expect.any(String));
    }
  });
});
