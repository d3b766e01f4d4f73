import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { keysOfCatalogue } from './keys.js';
import { replayingStore, timeRequests } from './non-store.js';

/*
 * Profiling aid: the ~500-field request in-process on replayed store answers, cache hits only.
 *   NODE_ENV=production node --cpu-prof --import tsx bench/src/profile-non-store.ts DATA_DIR CATALOGUE_DIR [ITERATIONS]
 */
const [dataDir, catalogue, iterations = '2000'] = process.argv.slice(2);
const store = await openEmbeddedStore({ dataDir: dataDir! });
console.log(await timeRequests(replayingStore(store), await keysOfCatalogue(catalogue!), Number(iterations), false));
await store.close();
