import { afterAll, beforeAll, describe } from 'vitest';
import { seededService, type SeededService } from './seeded.js';
import { storeFactories } from './stores.js';

/**
 * Runs the same scenarios against every store, each on a freshly seeded, isolated instance.
 * The scenarios see one service at a time through `current()`.
 */
export function describeEachStore(title: string, scenarios: (current: () => SeededService) => void): void {
  for (const factory of storeFactories()) {
    describe.skipIf(!factory.available)(`${title} [${factory.kind}]`, () => {
      let service: SeededService | undefined;
      beforeAll(async () => {
        service = await seededService(await factory.open());
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
