import path from 'node:path';
import { progressView } from '../src/cli/progress.js';
import { loadConfig } from '../src/config.js';
import { DramaGraphError } from '../src/errors.js';
import { DEFAULT_SEED_DIR } from '../src/seed/load.js';
import { importSeedDirectory } from '../src/seed/stream.js';
import { openConfiguredStore } from '../src/store/open.js';

const dir = path.resolve(process.argv[2] ?? DEFAULT_SEED_DIR);
const config = loadConfig();
const store = await openConfiguredStore(config, { forImport: true });
const view = progressView();
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
try {
  await store.migrate?.();
  console.log(`importing ${dir} into the ${store.kind} store`);
  const written = await importSeedDirectory(store, dir, {
    onProgress: ({ phase, filesDone, files, records }) =>
      view.update(phase === 'validate' ? 'validating' : 'writing   ', filesDone, files, `${records} records, ${elapsed()}`),
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
