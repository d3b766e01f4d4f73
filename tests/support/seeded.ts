import { importSeedDirectory } from '../../src/seed/stream.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import type { StoreHandle } from './stores.js';

export const SEED_DIR = new URL('../../seeds', import.meta.url).pathname;

export async function seed(store: DramaStore): Promise<void> {
  await importSeedDirectory(store, SEED_DIR);
}

export interface SeededService extends StoreHandle {
  yoga: DramaYoga;
}

export async function seededService(
  handle: StoreHandle,
  load: (store: DramaStore) => Promise<void> = seed,
): Promise<SeededService> {
  await load(handle.store);
  return { ...handle, yoga: createDramaYoga({ store: handle.store, graphiql: false }) };
}
