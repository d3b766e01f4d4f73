import { startNeo4j } from '../../scripts/neo4j.mjs';
import { Neo4jStore } from '../../src/store/neo4j/index.js';
import type { DramaStore } from '../../src/store/port.js';
import { EmbeddedFloor } from './floor-embedded.js';
import { keysOfCatalogue } from './keys.js';
import { neo4jDataDir } from './prepare.js';

/* Profiling aid: times each store call of the series page on the benchmark's Neo4j.  tsx bench/src/profile-store.ts SERIES CATALOGUE */

function timed(store: DramaStore, times: Map<string, number[]>): DramaStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return async (...args: unknown[]) => {
        const t0 = performance.now();
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        times.set(property, [...(times.get(property) ?? []), performance.now() - t0]);
        return result;
      };
    },
  });
}

const [series, catalogue] = process.argv.slice(2);
const neo4j = await startNeo4j({ dataDir: await neo4jDataDir(Number(series)), quiet: true });
const store = new Neo4jStore({ uri: neo4j.uri, user: neo4j.user, password: neo4j.password, database: 'neo4j' });
const times = new Map<string, number[]>();
const floor = new EmbeddedFloor(timed(store, times));
const keys = await keysOfCatalogue(catalogue!);
for (let i = 0; i < 10; i += 1) await floor.seriesPage(keys);
for (const [name, ms] of times) console.log(name.padEnd(22), ms.map((t) => t.toFixed(1)).join(' '));
await store.close();
await neo4j.stop();
