import path from 'node:path';
import { statusMeter } from '../src/cli/meter.js';
import { loadConfig } from '../src/config/environment.js';
import { DramaGraphError } from '../src/errors.js';
import { DEFAULT_SEED_DIR } from '../src/seed/load.js';
import { importSeedDirectory } from '../src/seed/stream.js';
import { DataDirError } from '../src/store/embedded/data-dir.js';
import { type OpenedStore, openConfiguredStore } from '../src/store/open.js';

const dir = path.resolve(process.argv[2] ?? DEFAULT_SEED_DIR);
const config = loadConfig();
let store: OpenedStore;
try {
  store = await openConfiguredStore(config, { forImport: true });
} catch (error) {
  console.error(error instanceof DataDirError ? error.message : error);
  process.exit(1);
}
const view = statusMeter();
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
try {
  await store.migrate?.();
  console.log(`importing ${dir} into the ${store.kind} store`);
  const written = await importSeedDirectory(store, dir, {
    onStep: ({ phase, filesDone, files, records }) =>
      view.update(
        phase === 'validate' ? 'validating' : 'writing   ',
        filesDone,
        files,
        `${records} records, ${elapsed()}`,
      ),
  });
  view.stop();
  console.log(`written in ${elapsed()}:`, written);
  console.log('store now holds:', await store.counts());
} catch (error) {
  view.stop();
  console.error(error instanceof DramaGraphError ? error.message : error);
  process.exitCode = 1;
} finally {
  await store.close();
}
