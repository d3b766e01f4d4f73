import { afterAll, beforeAll, describe } from 'vitest';
import type { DramaStore } from '../../src/store/port.js';
import { inThisLine } from './lines.js';
import { type SeededService, seed, seededService } from './seeded.js';
import { storeFactories } from './stores.js';

/**
 * Runs the same scenarios against every store, each on a freshly seeded, isolated instance.
 * The scenarios see one service at a time through `current()`; `load` fills each store (the seeds by default).
 * TEST_STORES (such as "embedded") names the stores to run, when not all: the suite runs each store in a line of its own.
 */
export function describeEachStore(
  title: string,
  scenarios: (current: () => SeededService) => void,
  load: (store: DramaStore) => Promise<void> = seed,
): void {
  for (const factory of storeFactories().filter((f) => inThisLine(f.kind))) {
    describe.skipIf(!factory.available)(`${title} [${factory.kind}]`, () => {
      let service: SeededService | undefined;
      beforeAll(async () => {
        service = await seededService(await factory.open(), load);
      });
      afterAll(async () => {
        await service?.dispose();
      });
      scenarios(() => {
        if (!service) throw new Error('the store did not open');
        return service;
      });
    });
  }
}
