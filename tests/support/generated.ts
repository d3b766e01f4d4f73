import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeCatalogue } from '../../src/generate/write.js';
import { importSeedDirectory } from '../../src/seed/stream.js';
import type { DramaStore } from '../../src/store/port.js';

/** Loads a generated catalogue (as `npm run generate -- --series N --seed S` writes it) into a store, as `npm run import` does. */
export function generatedCatalogue(series: number, seed: number): (store: DramaStore) => Promise<void> {
  return async (store) => {
    const out = await mkdtemp(path.join(tmpdir(), 'drama-graph-generated-'));
    try {
      await writeCatalogue({ series, seed, out });
      await importSeedDirectory(store, out);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  };
}
