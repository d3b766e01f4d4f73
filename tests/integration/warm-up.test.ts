import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inProcessSettings, parseOpsSettings } from '../../src/config/settings.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { type EmbeddedStore, openEmbeddedStore } from '../../src/store/embedded/index.js';
import { createDramaYoga } from '../../src/yoga.js';
import { syntheticCatalogue } from '../support/catalogue.js';
import { graphql } from '../support/graphql.js';

const RECOMMENDATIONS = '{ series(slug: "alpha") { recommendations(first: 5) { series { slug } score } } }';
const CATALOGUE = syntheticCatalogue([
  { slug: 'alpha', tropes: ['TIME_SKIP'], genres: ['romance'] },
  { slug: 'bravo', tropes: ['TIME_SKIP'], genres: [] },
]);

describe('building the recommendation profiles as the service starts', () => {
  let dataDir: string;
  let store: EmbeddedStore;
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });

  beforeEach(async () => {
    lines.length = 0;
    dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-warm-up-'));
    store = await openEmbeddedStore({ dataDir });
    await store.importDocument(CATALOGUE);
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is on for the real server and off in process unless asked for', () => {
    expect(parseOpsSettings({}).data!.warmRecommendations).toBe(true);
    expect(parseOpsSettings({ WARM_RECOMMENDATIONS: 'false' }).data!.warmRecommendations).toBe(false);
    expect(inProcessSettings().warmRecommendations).toBe(false);
  });

  it('reads the profiles before any request, and the first request uses them', async () => {
    const listSeries = vi.spyOn(store, 'listSeries');
    const yoga = createDramaYoga({ store, logger, ops: { warmRecommendations: true } });
    await vi.waitFor(() => expect(lines.join('\n')).toContain('recommendation profiles built'));
    expect(listSeries).toHaveBeenCalledTimes(1);
    const response = await graphql(yoga, RECOMMENDATIONS);
    expect(response.data!.series.recommendations).toEqual([{ series: { slug: 'bravo' }, score: 3 }]);
    expect(listSeries).toHaveBeenCalledTimes(1);
  });

  it('reads nothing at start when off', async () => {
    const listSeries = vi.spyOn(store, 'listSeries');
    createDramaYoga({ store, logger });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(listSeries).not.toHaveBeenCalled();
  });

  it('only logs a failed warm-up: the service answers, and the first request builds the profiles', async () => {
    vi.spyOn(store, 'listSeries').mockRejectedValueOnce(new Error('store down at start'));
    const yoga = createDramaYoga({ store, logger, ops: { warmRecommendations: true } });
    await vi.waitFor(() => expect(lines.join('\n')).toContain('could not be built at start'));
    expect(lines.join('\n')).toContain('store down at start');
    const response = await graphql(yoga, RECOMMENDATIONS);
    expect(response.errors).toBeUndefined();
    expect(response.data!.series.recommendations).toEqual([{ series: { slug: 'bravo' }, score: 3 }]);
  });

  it('logs a store that is away at start by its code, on one line without a stack', async () => {
    vi.spyOn(store, 'listSeries').mockRejectedValueOnce(new StoreUnavailableError('neo4j'));
    createDramaYoga({ store, logger, ops: { warmRecommendations: true } });
    await vi.waitFor(() => expect(lines.join('\n')).toContain('could not be built at start'));
    const line = JSON.parse(lines.find((each) => each.includes('could not be built at start'))!);
    expect(line).toMatchObject({
      level: 40,
      code: 'STORE_UNAVAILABLE',
      detail: expect.stringContaining('unavailable'),
    });
    expect(JSON.stringify(line)).not.toMatch(/stack|\bat \//);
  });
});
