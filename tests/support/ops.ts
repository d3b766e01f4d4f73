import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga, type YogaOptions } from '../../src/yoga.js';
import { seed } from './seeded.js';

export interface OpsService {
  store: DramaStore;
  dispose(): Promise<void>;
  yoga(options?: Omit<YogaOptions, 'store'>): ReturnType<typeof createDramaYoga>;
}

/** A seeded embedded store, and Yoga handlers over it built with whatever operational settings a test needs. */
export async function opsService(): Promise<OpsService> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-ops-'));
  const store = await openEmbeddedStore({ dataDir });
  await seed(store);
  return {
    store,
    yoga: (options = {}) => createDramaYoga({ store, graphiql: false, ...options }),
    async dispose() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

export const URL_BASE = 'http://drama.test';
