import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { keysOfCatalogue } from './keys.js';
import { measureNonStoreTime } from './non-store.js';

/* Profiling aid: node --cpu-prof --import tsx bench/src/profile-non-store.ts DATA_DIR CATALOGUE_DIR */
const [dataDir, catalogue] = process.argv.slice(2);
const store = await openEmbeddedStore({ dataDir: dataDir! });
console.log(JSON.stringify(await measureNonStoreTime(store, await keysOfCatalogue(catalogue!), 1000), null, 2));
await store.close();
