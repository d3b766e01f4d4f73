import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDramaResponseCache } from '../../src/plugins/response-cache.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { createDramaYoga } from '../../src/yoga.js';
import { operation } from './operations.js';

/*
 * Profiling aid: op 2 (the series page) in process on a copy of an embedded data directory, with the response
 * cache off and on, every request a miss (each asks another series). Prints wall and CPU ms per request.
 *   NODE_ENV=production npx tsx bench/src/profile-response-cache.ts DATA_DIR [REQUESTS]
 */
const [source, requests = '300'] = process.argv.slice(2);
const count = Number(requests);
const dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-cache-profile-'));
await cp(source!, dataDir, { recursive: true });
const store = await openEmbeddedStore({ dataDir });
const slugs = (await store.listSeries({ first: count + 50, afterSlug: null })).items.map((series) => series.slug);
const page = operation('seriesPage');

const measure = async (responseCacheTtlMs: number) => {
  const yoga = createDramaYoga({ store, ops: { responseCacheTtlMs }, responseCache: createDramaResponseCache() });
  const ask = async (slug: string) => {
    const response = await yoga.fetch('http://bench.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: page.document, variables: { slug } }),
    });
    const text = await response.text();
    if (response.status !== 200 || text.includes('"errors"')) throw new Error(text.slice(0, 300));
  };
  for (const slug of slugs.slice(0, 50)) await ask(slug);
  const [cpu, started] = [process.cpuUsage(), performance.now()];
  for (const slug of slugs.slice(50)) await ask(slug);
  const used = process.cpuUsage(cpu);
  const per = (ms: number) => Number((ms / (slugs.length - 50)).toFixed(2));
  return { wallMs: per(performance.now() - started), cpuMs: per((used.user + used.system) / 1000) };
};

for (let round = 1; round <= 2; round += 1)
  console.log({ round, cacheOff: await measure(0), cacheOnMisses: await measure(60_000) });
await store.close();
await rm(dataDir, { recursive: true, force: true });
