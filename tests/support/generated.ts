import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeCatalogue } from '../../src/generate/write.js';
import { loadSeedDirectory } from '../../src/seed/load.js';
import type { DramaStore } from '../../src/store/port.js';

/** Loads a generated catalogue (as `npm run generate -- --series N --seed S` writes it) into a store. */
export function generatedCatalogue(series: number, seed: number): (store: DramaStore) => Promise<void> {
  return async (store) => {
    const out = await mkdtemp(path.join(tmpdir(), 'drama-graph-generated-'));
    try {
      await writeCatalogue({ series, seed, out });
      await store.importDocument(await loadSeedDirectory(out));
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  };
}
