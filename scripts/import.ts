import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { DramaGraphError } from '../src/errors.js';
import { DEFAULT_SEED_DIR, loadSeedDirectory } from '../src/seed/load.js';
import { openConfiguredStore } from '../src/store/open.js';

const dir = path.resolve(process.argv[2] ?? DEFAULT_SEED_DIR);
const config = loadConfig();
const store = await openConfiguredStore(config);
try {
  console.log(`validating ${dir}`);
  const document = await loadSeedDirectory(dir);
  await store.migrate?.();
  console.log(`importing into the ${store.kind} store`);
  const written = await store.importDocument(document, ({ collection, done, total }) =>
    console.log(`  ${collection.padEnd(14)} ${String(done).padStart(8)} / ${total}`),
  );
  console.log('written:', written);
  console.log('store now holds:', await store.counts());
} catch (error) {
  console.error(error instanceof DramaGraphError ? error.message : error);
  process.exitCode = 1;
} finally {
  await store.close();
}
